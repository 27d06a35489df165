"""Builds the engine's collaborators from settings, for the CLI and the Flask app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar import Clock, SystemClock
from engine.runtime import Runtime, WorkflowCache
from engine.storage import make_engine, make_sessionmaker
from web.settings import office_hours


@dataclass
class Services:
    """One database engine, its session factory and one runtime, per process."""

    db: Engine
    sessions: sessionmaker[Any]
    runtime: Runtime
    settings: dict[str, str]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One command = one session = one transaction (rolled back on any error)."""
        with self.sessions.begin() as session:
            yield session


def build_services(settings: dict[str, str], clock: Clock | None = None) -> Services:
    url = make_url(settings["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)  # the embedded default
    db = make_engine(settings["DATABASE_URL"])
    runtime = Runtime(
        clock or SystemClock(),
        hours=office_hours(settings["OFFICE_HOURS"], settings["TIMEZONE"]),
        script_time_limit=float(settings["SCRIPT_TIME_LIMIT"]),
        code_format=settings["DOSSIER_CODE_FORMAT"],
        workflows=WorkflowCache(int(settings["LIVE_WORKFLOWS"])),
    )
    return Services(db, make_sessionmaker(db), runtime, settings)
