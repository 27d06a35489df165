"""Another writer got there first: a versioned row changed under this command, or (on
SQLite) the database is locked by, or was changed under, another connection, whatever
rows that one wrote. Either becomes Conflict; the caller rolls back and the person
tries again."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict
from engine.storage.db import is_locked

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def conflicts(what: str = "the dossier", code: str = "dossier_changed",
              **params: Any) -> Iterator[None]:
    """Turn another writer's change of `what` into Conflict (`code` when a versioned row
    changed), and SQLite's "database is locked" into Conflict `database_busy`: another
    connection was writing, to any row, so that this transaction could not (a deferred
    transaction that read before another committed, or one that waited the whole busy
    timeout for the write lock)."""
    try:
        yield
    except StaleDataError:
        raise Conflict(f"{what} was changed by someone else; nothing was saved", code=code,
                       **params) from None
    except OperationalError as exc:
        if not is_locked(exc):
            raise
        raise Conflict("the database was busy writing another change (not necessarily to "
                       f"{what}); nothing was saved, try again", code="database_busy",
                       **params) from None


def atomic(command: Callable[P, R]) -> Callable[P, R]:
    """Run a command in a savepoint: if it fails, its session is exactly as before (no
    half-applied rows), and another writer's change becomes Conflict. The command takes
    the session as its first or second argument (a Runtime method or a function)."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        session = next(a for a in args[:2] if isinstance(a, Session))
        with conflicts(), session.begin_nested():
            return command(*args, **kwargs)

    return wrapper
