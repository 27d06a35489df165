"""A user's e-mail address for notifications: checked, trimmed, cleared by an empty one,
and each change a security event that never keeps the address."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.errors import InvalidAction, NotFound
from engine.org import EMAIL_LENGTH, find_account, list_events, set_email
from engine.simulation import seed_demo_units
from engine.vocabulary import SecurityEventKind
from tests.conftest import VN

AT = datetime(2026, 3, 9, 8, 0, tzinfo=VN)


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def changes(session) -> list[str]:
    return [e.detail for e in list_events(session, kind=SecurityEventKind.EMAIL_CHANGED,
                                          username="hotich.phucloi").events]


def test_an_address_is_set_trimmed_and_cleared(units):
    account = set_email(units, "hotich.phucloi", "  hotich@phucloi.gov.vn \n", at=AT,
                        by="admin", address="192.0.2.1")
    assert account.email == "hotich@phucloi.gov.vn"
    assert find_account(units, "hotich.phucloi").email == "hotich@phucloi.gov.vn"
    assert set_email(units, "hotich.phucloi", "", at=AT).email is None
    set_email(units, "hotich.phucloi", "a@b.vn", at=AT)
    assert set_email(units, "hotich.phucloi", None, at=AT).email is None
    assert find_account(units, "hotich.phucloi").email is None


def test_each_change_is_a_security_event_without_the_address(units):
    set_email(units, "hotich.phucloi", "hotich@phucloi.gov.vn", at=AT, by="admin",
              address="192.0.2.1")
    set_email(units, "hotich.phucloi", "hotich@phucloi.gov.vn", at=AT)  # no change: no event
    set_email(units, "hotich.phucloi", " ", at=AT, by="hotich.phucloi")
    assert changes(units) == ["cleared by hotich.phucloi", "set by admin"]
    events = list_events(units, kind=SecurityEventKind.EMAIL_CHANGED).events
    assert all("phucloi.gov.vn" not in f"{e.detail} {e.address}" for e in events)


@pytest.mark.parametrize(("text", "code"), [
    ("hotich", "email_invalid"),
    ("hotich@phucloi", "email_invalid"),
    ("@phucloi.gov.vn", "email_invalid"),
    ("a@@phucloi.gov.vn", "email_invalid"),
    ("a@b@phucloi.gov.vn", "email_invalid"),
    ("ho tich@phucloi.gov.vn", "email_invalid"),
    ("hotich@phucloi..vn", "email_invalid"),
    ("hotich@phucloi.vn.", "email_invalid"),
    ("hotich@.vn", "email_invalid"),
    ("hot\x00ich@phucloi.gov.vn", "email_invalid"),
    ("hotich@phucloi.gov.vn\u200b", "email_invalid"),
    ("hotich@phuc\tloi.gov.vn", "email_invalid"),
    ("<hotich@phucloi.gov.vn>", "email_invalid"),
    ("a@b.vn, c@d.vn", "email_invalid"),
    ('"ho"@phucloi.gov.vn', "email_invalid"),
    ("a" * (EMAIL_LENGTH - 10) + "@phucloi.vn", "email_too_long"),
])
def test_what_is_not_an_address_is_refused_and_changes_nothing(units, text, code):
    set_email(units, "hotich.phucloi", "hotich@phucloi.gov.vn", at=AT)
    with pytest.raises(InvalidAction) as refusal:
        set_email(units, "hotich.phucloi", text, at=AT)
    assert refusal.value.code == code
    assert find_account(units, "hotich.phucloi").email == "hotich@phucloi.gov.vn"
    assert changes(units) == ["set"]


def test_the_longest_address_fits(units):
    longest = "a" * (EMAIL_LENGTH - len("@phucloi.vn")) + "@phucloi.vn"
    assert set_email(units, "hotich.phucloi", longest, at=AT).email == longest


def test_an_unknown_user_is_not_found(units):
    with pytest.raises(NotFound):
        set_email(units, "khong.co", "a@b.vn", at=AT)
