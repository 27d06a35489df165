"""Claiming a row of due work (a timer, a message, an expired wait) for one worker's
transaction, so that several workers over the same due set take each piece once.

On PostgreSQL the claim is `SELECT … FOR UPDATE SKIP LOCKED`: a row another worker (or
a clerk's command) holds is skipped, not waited for, and the claim's own conditions are
checked again on the row as committed, so work another worker finished meanwhile is no
longer due. On SQLite the transaction takes the database's write lock first (one writer
at a time), then reads the row as the last writer left it.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from engine.storage.db import begin_writing
from engine.storage.models import Base

M = TypeVar("M", bound=Base)


def claim_due(session: Session, model: type[M], row_id: int, *still_due: ColumnElement[Any]
          ) -> M | None:
    """The row `row_id` of `model`, held by this transaction until it ends, if it still
    meets `still_due`; None when another transaction holds it or it is no longer due.
    Call first in the transaction."""
    begin_writing(session)
    statement = (select(model).where(model.id == row_id, *still_due)  # type: ignore[attr-defined]
                 .with_for_update(skip_locked=True)
                 .execution_options(populate_existing=True))  # as committed, not as cached
    return session.scalars(statement).one_or_none()
