"""Builds the engine's collaborators from settings, for the CLI and the Flask app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import time
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from engine import OfficeHours, Runtime, SystemClock, make_engine, make_sessionmaker
from engine.clock import Clock
from engine.workflow_cache import WorkflowCache


def parse_office_hours(text: str, tz: str) -> OfficeHours:
    """'08:00-12:00,13:00-17:00' -> OfficeHours."""
    periods = []
    for part in text.split(","):
        start, _, end = part.strip().partition("-")
        periods.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
    return OfficeHours(periods=tuple(periods), tz=tz)


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
    db = make_engine(settings["DATABASE_URL"])
    runtime = Runtime(
        clock or SystemClock(),
        hours=parse_office_hours(settings["OFFICE_HOURS"], settings["TIMEZONE"]),
        script_time_limit=float(settings["SCRIPT_TIME_LIMIT"]),
        code_format=settings["DOSSIER_CODE_FORMAT"],
        workflows=WorkflowCache(int(settings["LIVE_WORKFLOWS"])),
    )
    return Services(db, make_sessionmaker(db), runtime, settings)
