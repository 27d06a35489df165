"""Security events: recorded with a bounded name and address, listed newest first,
filtered by kind and user, a page at a time."""

from __future__ import annotations

from datetime import timedelta

from engine.org import list_events, record_event
from engine.vocabulary import SecurityEventKind as Kind
from tests.conftest import vn

AT = vn("2026-03-02 08:00")


def test_events_are_listed_newest_first_filtered_and_paged(session):
    for n in range(7):
        record_event(session, Kind.SIGNIN_FAILED, AT + timedelta(minutes=n),
                     username=f"ai.{n % 2}", address="192.0.2.1")
    record_event(session, Kind.SIGNIN, AT + timedelta(hours=1), username="ai.0")
    everything = list_events(session)
    assert everything.total == 8 and everything.events[0].kind == Kind.SIGNIN
    failed = list_events(session, kind=Kind.SIGNIN_FAILED, username="ai.0", limit=2)
    assert failed.total == 4
    assert [e.at for e in failed.events] == [AT + timedelta(minutes=6),
                                             AT + timedelta(minutes=4)]
    rest = list_events(session, kind=Kind.SIGNIN_FAILED, username="ai.0", offset=2, limit=2)
    assert [e.at for e in rest.events] == [AT + timedelta(minutes=2), AT]


def test_a_long_name_or_address_is_cut_to_its_column(session):
    record_event(session, Kind.SIGNIN_FAILED, AT, username="x" * 5000, address="y" * 500,
                 detail="z" * 1000)
    (event,) = list_events(session).events
    assert (len(event.username), len(event.address), len(event.detail)) == (100, 64, 300)
