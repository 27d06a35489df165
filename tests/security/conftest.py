"""The security suite: every finding of issue 9 tried again against a real production
server process (`lienthong serve`, started as docs/deployment.md says: gunicorn, several
workers, a real secret key, behind one trusted proxy), on a new demo database.

Each visitor comes from an address of its own (X-Forwarded-For, which the server trusts
from its one proxy hop), so the tests that lock an address lock only their own."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest

from tests.live_server import LiveServer, live_server
from tests.security.client import Client


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("security"), PROXY_HOPS="1") as running:
        yield running


@pytest.fixture
def visitor(server: LiveServer) -> Callable[[], Client]:
    """A new visitor with an empty cookie jar, from an address no other visitor has."""
    def new() -> Client:
        n = next(ADDRESSES)
        return Client(server.url, f"198.51.{n // 250}.{n % 250 + 1}")

    return new


ADDRESSES = itertools.count(1)
