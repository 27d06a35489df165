"""Every setting, in one place, with its help text. Read from LIENTHONG_* variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    @property
    def env(self) -> str:
        return f"LIENTHONG_{self.name}"


SETTINGS = (
    Setting("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'lienthong.db'}",
            "SQLAlchemy URL of the database: SQLite (embedded default) or "
            "postgresql+psycopg://user@host:5432/db."),
    Setting("WORKFLOWS", str(ROOT / "workflows"),
            "Folder of the shipped .bpmn procedures that `make run` deploys."),
    Setting("SECRET_KEY", "dev-only-change-me",
            "Key that signs session cookies; set a long random value in production."),
    Setting("SECURE_COOKIES", "0",
            "1 to send the session cookie over HTTPS only (set it behind HTTPS)."),
    Setting("OFFICE_HOURS", "08:00-12:00,13:00-17:00",
            "Default office hours of every unit, comma-separated periods."),
    Setting("TIMEZONE", "Asia/Ho_Chi_Minh", "Time zone of office hours and displayed times."),
    Setting("SCRIPT_TIME_LIMIT", "1.0",
            "Seconds a diagram script or expression may run before it is refused."),
    Setting("DOSSIER_CODE_FORMAT", "{unit}-{date:%y%m%d}-{seq:04d}",
            "Format of dossier codes: unit code, receipt date, daily sequence."),
    Setting("DEFAULT_UNIT", "PHUCLOI", "Unit code used when a command names none."),
    Setting("WORKER_INTERVAL", "30", "Seconds between two ticks of `lienthong worker`."),
    Setting("LIVE_WORKFLOWS", "128",
            "Workflows of recently saved dossiers each process keeps live (0: none)."),
)


def load(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings' values: the environment's where set, else the defaults."""
    environ = os.environ if environ is None else environ
    return {s.name: environ.get(s.env, s.default) for s in SETTINGS}
