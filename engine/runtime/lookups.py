"""Finding a dossier's row by its code, for the engine's own commands and read models."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Hidden, NotFound
from engine.storage import Dossier


def dossier_row(session: Session, code: str, units: Collection[str] | None = None) -> Dossier:
    """The dossier's row (NotFound if there is none). With `units`, a dossier of another
    unit is NotFound too, exactly as an unknown code: who may not see it does not learn
    that it exists. Engine parts only: the web and the command line get frozen views
    (queries.show_dossier)."""
    dossier = session.scalar(select(Dossier).where(Dossier.code == code))
    if dossier is None or (units is not None and dossier.unit not in units):
        unknown = NotFound if dossier is None else Hidden
        raise unknown(f"dossier {code} does not exist", code="dossier_not_found",
                      dossier=code)
    return dossier
