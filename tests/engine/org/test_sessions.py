"""Session records: found by the hash of the cookie's id, ended by sign-out, by an
administrator, by a new password or a deactivation, and by the idle and longest times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import NotFound
from engine.org import (
    SessionLimits,
    end_session,
    end_sessions,
    find_user,
    list_sessions,
    open_session,
    resume_session,
    revoke_session,
    set_active,
    set_password,
)
from engine.simulation import seed_demo_units
from engine.storage import UserSession
from tests.conftest import vn

AT = vn("2026-03-02 08:00")
LIMITS = SessionLimits(idle=timedelta(minutes=30), longest=timedelta(hours=12))


@pytest.fixture
def clerk(session):
    seed_demo_units(session, password="test-password")
    return find_user(session, "hotich.phucloi")


def opened(session, user, at=AT, agent="Firefox"):
    return open_session(session, user.id, at, address="192.0.2.1", user_agent=agent)


def test_only_the_hash_of_the_id_is_stored_and_it_finds_the_user(session, clerk):
    sid = opened(session, clerk)
    assert sid not in repr(session.scalars(select(UserSession.token_hash)).all())
    assert resume_session(session, sid, AT, LIMITS) == clerk
    assert resume_session(session, sid + "x", AT, LIMITS) is None
    end_session(session, sid)
    assert resume_session(session, sid, AT, LIMITS) is None


def test_idle_and_longest_times_end_a_session(session, clerk):
    sid = opened(session, clerk)
    at = AT
    for _ in range(24):  # 12 h, used every 29 minutes (the last one at 11 h 36)
        at += timedelta(minutes=29)
        if at - AT >= LIMITS.longest:
            break
        assert resume_session(session, sid, at, LIMITS) == clerk
    assert resume_session(session, sid, AT + LIMITS.longest, LIMITS) is None
    idle = opened(session, clerk)
    assert resume_session(session, idle, AT + timedelta(minutes=30), LIMITS) is None
    assert list_sessions(session, AT, LIMITS) == []  # both deleted


def test_a_new_password_or_a_deactivation_ends_every_session(session, clerk):
    first, second = opened(session, clerk), opened(session, clerk)
    set_password(session, "hotich.phucloi", "một-mật-khẩu-mới")
    assert resume_session(session, first, AT, LIMITS) is None
    assert resume_session(session, second, AT, LIMITS) is None
    third = opened(session, clerk)
    set_active(session, "hotich.phucloi", False)
    assert resume_session(session, third, AT, LIMITS) is None


def test_sessions_are_listed_and_revoked_one_by_one_or_all(session, clerk):
    older = opened(session, clerk, AT, "Firefox")
    opened(session, clerk, AT + timedelta(minutes=5), "Chrome")
    other = opened(session, find_user(session, "tiepnhan.phucloi"))
    listed = list_sessions(session, AT + timedelta(minutes=6), LIMITS, "hotich.phucloi")
    assert [(s.username, s.user_agent, s.address) for s in listed] == [
        ("hotich.phucloi", "Chrome", "192.0.2.1"), ("hotich.phucloi", "Firefox", "192.0.2.1")]
    assert len(list_sessions(session, AT + timedelta(minutes=6), LIMITS)) == 3
    assert revoke_session(session, listed[0].id).user_agent == "Chrome"
    with pytest.raises(NotFound, match="session"):
        revoke_session(session, listed[0].id)
    assert resume_session(session, older, AT, LIMITS) == clerk
    assert end_sessions(session, "hotich.phucloi") == 1
    assert resume_session(session, older, AT, LIMITS) is None
    assert resume_session(session, other, AT, LIMITS) is not None
