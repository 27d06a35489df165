"""API tokens act as their user until revoked; only their hash is stored."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import NotFound
from engine.org import authenticate_token, create_token, find_user, revoke_tokens
from engine.simulation import seed_demo_units
from engine.storage import ApiToken
from tests.conftest import vn


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_a_token_acts_as_its_user_until_revoked(units):
    at = vn("2026-03-02 08:00")
    first = create_token(units, "tiepnhan.phucloi", "cổng dịch vụ công", at)
    second = create_token(units, "tiepnhan.phucloi", "báo cáo", at)
    assert first != second
    assert first not in repr(units.scalars(select(ApiToken.token_hash)).all())
    clerk = find_user(units, "tiepnhan.phucloi")
    assert authenticate_token(units, first) == authenticate_token(units, second) == clerk
    assert revoke_tokens(units, "tiepnhan.phucloi", "báo cáo") == 1
    assert authenticate_token(units, second) is None
    assert authenticate_token(units, first) == clerk
    assert revoke_tokens(units, "tiepnhan.phucloi") == 1
    assert authenticate_token(units, first) is None
    assert authenticate_token(units, "not-a-token") is None


def test_tokens_of_unknown_users_are_refused(units):
    with pytest.raises(NotFound, match="user nobody does not exist"):
        create_token(units, "nobody", "x", vn("2026-03-02 08:00"))
    with pytest.raises(NotFound, match="user nobody does not exist"):
        revoke_tokens(units, "nobody")
