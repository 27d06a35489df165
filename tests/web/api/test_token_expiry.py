"""API tokens expire: an expired one gets 401 like a revoked one; each use is written as
the token's last use (at most once a minute) and is a security event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from engine.calendar import FixedClock
from engine.org import create_token, list_events, list_tokens
from engine.storage import make_sessionmaker
from tests.web.pages.helpers import engine_services, fixed_clock


def test_an_expired_token_is_refused_and_its_last_use_is_kept(app, client, db_engine: Engine):
    clock: FixedClock = fixed_clock(app)
    sessions = make_sessionmaker(db_engine)
    with sessions.begin() as session:
        token = create_token(session, "tiepnhan.phucloi", "cổng", clock.now(), days=2)
    headers = {"Authorization": f"Bearer {token}"}
    clock.advance(timedelta(days=1))
    assert client.get("/api/procedures", headers=headers).status_code == 200
    used_at = clock.now()
    clock.advance(timedelta(days=1) - timedelta(seconds=1))
    assert client.get("/api/procedures", headers=headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    response = client.get("/api/procedures", headers=headers)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"]
    with sessions.begin() as session:
        (view,) = list_tokens(session, "tiepnhan.phucloi")
    assert view.last_used_at == used_at + timedelta(days=1) - timedelta(seconds=1)
    with engine_services(app).transaction() as session:
        events = list_events(session, username="tiepnhan.phucloi").events
    assert [(e.kind, e.detail) for e in events] == [
        ("token_refused", "token 'cổng': expired"), ("token_used", "token 'cổng'"),
        ("token_used", "token 'cổng'")]
    assert token not in repr(events)


def test_an_unknown_token_is_a_security_event_without_a_name(app, client):
    assert client.get("/api/procedures",
                      headers={"Authorization": "Bearer nope"}).status_code == 401
    with engine_services(app).transaction() as session:
        (event,) = list_events(session).events
    assert (event.kind, event.username, event.detail) == ("token_refused", None,
                                                          "unknown token")
