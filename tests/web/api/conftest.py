"""Fixtures of the API tests: tokens and clients acting as the demo users."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine

from engine.org import create_token
from engine.storage import make_sessionmaker
from tests.conftest import VN
from tests.web.api.client import Api


@pytest.fixture
def token(db_engine: Engine):
    def make(username: str) -> str:
        with make_sessionmaker(db_engine).begin() as session:
            return create_token(session, username, "test", datetime.now(VN))

    return make


@pytest.fixture
def as_user(app: Flask, client: FlaskClient, token):
    """as_user("tiepnhan.phucloi") -> an Api acting with a fresh token of that user."""
    return lambda username: Api(app, client, token(username))


@pytest.fixture
def reception(as_user) -> Api:
    return as_user("tiepnhan.phucloi")


