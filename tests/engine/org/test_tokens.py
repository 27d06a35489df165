"""API tokens act as their user until they expire or are revoked; only their hash is
stored, with their last use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import InvalidAction, NotFound
from engine.org import (
    authenticate_token,
    create_token,
    find_user,
    list_tokens,
    revoke_tokens,
    set_active,
    use_token,
)
from engine.simulation import seed_demo_units
from engine.storage import ApiToken
from tests.conftest import vn

AT = vn("2026-03-02 08:00")


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_a_token_acts_as_its_user_until_revoked(units):
    first = create_token(units, "tiepnhan.phucloi", "cổng dịch vụ công", AT)
    second = create_token(units, "tiepnhan.phucloi", "báo cáo", AT)
    assert first != second
    assert first not in repr(units.scalars(select(ApiToken.token_hash)).all())
    clerk = find_user(units, "tiepnhan.phucloi")
    assert authenticate_token(units, first, AT) == authenticate_token(units, second, AT) == clerk
    assert revoke_tokens(units, "tiepnhan.phucloi", "báo cáo") == 1
    assert authenticate_token(units, second, AT) is None
    assert use_token(units, second, AT).refused == "revoked"
    assert authenticate_token(units, first, AT) == clerk
    assert revoke_tokens(units, "tiepnhan.phucloi") == 1
    assert authenticate_token(units, first, AT) is None
    assert authenticate_token(units, "not-a-token", AT) is None
    assert use_token(units, "not-a-token", AT).refused == "unknown"


def test_a_token_expires_after_its_days_and_keeps_its_last_use(units):
    token = create_token(units, "tiepnhan.phucloi", "cổng", AT, days=30)
    (view,) = list_tokens(units, "tiepnhan.phucloi")
    assert view.expires_at == AT + timedelta(days=30) and view.last_used_at is None
    used = use_token(units, token, AT + timedelta(days=1))
    assert used.user is not None and used.noted
    assert not use_token(units, token, AT + timedelta(days=1, seconds=30)).noted  # a minute
    (view,) = list_tokens(units, "tiepnhan.phucloi")
    assert view.last_used_at == AT + timedelta(days=1)
    assert authenticate_token(units, token, AT + timedelta(days=30, seconds=-1)) is not None
    late = use_token(units, token, AT + timedelta(days=30))
    assert late.user is None and late.refused == "expired" and late.name == "cổng"
    assert late.username == "tiepnhan.phucloi"


def test_the_default_is_ninety_days_and_a_lifetime_is_bounded(units):
    create_token(units, "tiepnhan.phucloi", "cổng", AT)
    assert list_tokens(units)[0].expires_at == AT + timedelta(days=90)
    for days in (0, 3651):
        with pytest.raises(InvalidAction, match="1 to 3650 days"):
            create_token(units, "tiepnhan.phucloi", "cổng", AT, days=days)


def test_a_deactivated_users_tokens_are_revoked(units):
    token = create_token(units, "tiepnhan.phucloi", "cổng", AT)
    set_active(units, "tiepnhan.phucloi", False)
    assert use_token(units, token, AT).refused == "revoked"
    set_active(units, "tiepnhan.phucloi", True)
    assert authenticate_token(units, token, AT) is None  # revoked stays revoked


def test_tokens_of_unknown_users_are_refused(units):
    with pytest.raises(NotFound, match="user nobody does not exist"):
        create_token(units, "nobody", "x", AT)
    with pytest.raises(NotFound, match="user nobody does not exist"):
        revoke_tokens(units, "nobody")
