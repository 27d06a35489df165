"""The security suite: every finding of issue 9 tried again against a real production
server process (`lienthong serve`, started as docs/deployment.md says: gunicorn, several
workers, a real secret key), on a new demo database."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.live_server import LiveServer, live_server
from tests.security.client import Client


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("security")) as running:
        yield running


@pytest.fixture
def visitor(server: LiveServer) -> Callable[[], Client]:
    """A new visitor with an empty cookie jar."""
    return lambda: Client(server.url)
