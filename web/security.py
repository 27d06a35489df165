"""What the web knows of security that the engine does not: the request's address, the
security events it records (in a transaction of their own when the request's own is
rolled back, as on a refusal), the sign-in counters' store and the limits from settings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from engine.org import DatabaseThrottle, SessionLimits, ThrottleRules, ThrottleStore, record_event
from engine.vocabulary import SecurityEventKind
from web.db import services


def now() -> datetime:
    return services().runtime.clock.now()


def client_address() -> str:
    """The address the request came from (behind a reverse proxy, the proxy must be
    trusted to set it: see docs/deployment.md)."""
    return (request.remote_addr or "")[:64]


def note(kind: SecurityEventKind, *, username: str | None = None, detail: str = "",
         session: Session | None = None) -> None:
    """Record a security event for this request: in `session` (the request's own, to be
    committed with its action), else once the request's transaction has ended, in one of
    its own (a refusal rolls the request's back; on SQLite a second writer would wait for
    it). The user is the signed-in one unless `username` is given."""
    if username is None:
        user = g.get("user")
        username = user.username if user is not None else None
    at, address = now(), client_address()
    if session is not None:
        record_event(session, kind, at, username=username, address=address, detail=detail)
        return
    g.setdefault("security_events", []).append((kind, at, username, address, detail))


def write_pending(error: BaseException | None = None) -> None:
    """Write the events `note` kept for after the request (a teardown function that runs
    after web.db's, which ends the request's transaction)."""
    pending = g.pop("security_events", [])
    if not pending:
        return
    with services().transaction() as own:
        for kind, at, username, address, detail in pending:
            record_event(own, kind, at, username=username, address=address, detail=detail)


def init_app(app: Flask) -> None:
    """Teardown functions run in the reverse order of registration: call this before
    web.db's `close_session` is registered, so the events are written after it."""
    app.teardown_appcontext(write_pending)


def session_limits(settings: Mapping[str, str] | None = None) -> SessionLimits:
    """The sessions' timeouts from the settings (the app's, unless given: the CLI's)."""
    settings = current_app.config["LIENTHONG"] if settings is None else settings
    return SessionLimits(idle=timedelta(minutes=int(settings["SESSION_IDLE_MINUTES"])),
                         longest=timedelta(hours=int(settings["SESSION_MAX_HOURS"])))


def throttle_rules() -> ThrottleRules:
    settings = current_app.config["LIENTHONG"]
    return ThrottleRules(
        account_failures=int(settings["SIGNIN_ACCOUNT_FAILURES"]),
        address_failures=int(settings["SIGNIN_ADDRESS_FAILURES"]),
        first_lock=timedelta(minutes=int(settings["SIGNIN_LOCK_MINUTES"])),
        longest_lock=timedelta(minutes=int(settings["SIGNIN_LOCK_MAX_MINUTES"])))


def throttle_store(session: Session) -> ThrottleStore:
    """The sign-in counters: in the request's transaction, or in Redis when
    LIENTHONG_RATELIMIT_STORAGE names it (one client per process)."""
    url = current_app.config["LIENTHONG"]["RATELIMIT_STORAGE"]
    if url in ("", "database"):
        return DatabaseThrottle(session)
    store: ThrottleStore | None = current_app.extensions.get("lienthong_throttle")
    if store is None:
        store = make_throttle_store(url, session)
        current_app.extensions["lienthong_throttle"] = store
    return store


def make_throttle_store(url: str, session: Session) -> ThrottleStore:
    """The sign-in counters LIENTHONG_RATELIMIT_STORAGE names: the database (in
    `session`'s transaction) or a Redis client."""
    if url in ("", "database"):
        return DatabaseThrottle(session)
    from web.throttle_redis import RedisThrottle

    return RedisThrottle.from_url(url)
