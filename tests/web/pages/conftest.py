"""Fixtures of the page tests: the app's engine on a clock the test moves, and a
signed-in browser per demo user."""

from __future__ import annotations

import pytest
from flask import Flask

from engine.calendar import FixedClock
from tests.web.pages.helpers import Browsers, fixed_clock


@pytest.fixture
def clock(app: Flask) -> FixedClock:
    return fixed_clock(app)


@pytest.fixture
def clients(app: Flask) -> Browsers:
    return Browsers(app)
