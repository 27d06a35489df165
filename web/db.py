"""The request's database session: one request = one transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, has_request_context, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from engine.storage import begin_writing, is_locked
from web.services import Services, build_services


def services() -> Services:
    """The process's engine services, built on first use."""
    found: Services | None = current_app.extensions.get("lienthong")
    if found is None:
        found = build_services(current_app.config["LIENTHONG"])
        current_app.extensions["lienthong"] = found
    return found


READING = frozenset({"GET", "HEAD", "OPTIONS"})  # requests that change nothing


def writing() -> bool:
    """Whether this request may write (its method is not GET, HEAD or OPTIONS)."""
    return has_request_context() and request.method not in READING


def db() -> Session:
    """The session of this request, in one transaction. A view that changes something
    calls `commit()` once its action succeeded; anything not committed is rolled back
    when the request ends, so a refused action never half-applies.

    A request that may write (any method but GET, HEAD and OPTIONS) holds SQLite's write
    lock from its first statement (`begin_writing`): writers then wait their turn, up to
    the busy timeout, instead of one being refused because another committed between its
    reads and its first write (eight desks at once: 449 refusals in 7 s before)."""
    session: Session | None = g.get("db_session")
    if session is None:
        session = services().sessions()
        session.begin()
        if writing():
            begin_writing(session)
        g.db_session = session
    return session


R = TypeVar("R")


def short_transaction(work: Callable[[Session], R]) -> R:
    """`work` in a transaction of its own, outside the request's: a read that sometimes
    writes what it read (when a session or token was last used). On SQLite another
    connection may commit between the read and the write; the work then runs once more,
    holding the write lock from its start (a few milliseconds of waiting, never an
    error)."""
    try:
        with services().transaction() as session:
            return work(session)
    except OperationalError as exc:
        if not is_locked(exc):
            raise
    with services().transaction() as session:
        begin_writing(session)
        return work(session)


def commit() -> None:
    """Commit the request's transaction now (before redirecting after a POST)."""
    session: Session | None = g.pop("db_session", None)
    if session is not None:
        try:
            session.commit()
        finally:
            session.close()


def close_session(error: Any = None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.rollback()
    finally:
        session.close()
