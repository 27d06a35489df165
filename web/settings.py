"""Every setting, in one place, with its help text. Read from LIENTHONG_* variables and
checked when read: a value that cannot work stops the program with one line naming it."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from engine.calendar import OfficeHours

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Settings whose values cannot work; the message names each, one per line."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    check: Callable[[str], object] | None = None  # raises ValueError if the value is bad

    @property
    def env(self) -> str:
        return f"LIENTHONG_{self.name}"


def office_hours(text: str, tz: str = "Asia/Ho_Chi_Minh") -> OfficeHours:
    """'08:00-12:00,13:00-17:00' -> OfficeHours (ValueError if it is not that)."""
    periods = []
    for part in text.split(","):
        start, dash, end = part.strip().partition("-")
        try:
            periods.append((time.fromisoformat(start.strip()), time.fromisoformat(end.strip())))
        except ValueError:
            raise ValueError(f"'{part.strip()}' is not a period like 08:00-12:00") from None
        if not dash:
            raise ValueError(f"'{part.strip()}' is not a period like 08:00-12:00")
    return OfficeHours(periods=tuple(periods), tz=tz)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not value > 0:
        raise ValueError("must be more than 0")
    return value


def _count(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError("must be a whole number, 0 or more")
    return int(text)


def _size(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1024:
        raise ValueError("must be a whole number of bytes, 1024 or more")
    return int(text)


def _flag(text: str) -> str:
    if text not in ("0", "1"):
        raise ValueError("must be 0 or 1")
    return text


def _code_format(text: str) -> str:
    try:
        return text.format(unit="PHUCLOI", date=date(2026, 3, 9), seq=1)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"is not a format of unit, date and seq ({exc!r})") from None


def _database_url(text: str) -> object:
    try:
        return make_url(text)
    except ArgumentError:
        raise ValueError("is not a database URL such as sqlite:///path/to/file.db or "
                         "postgresql+psycopg://user@host:5432/db") from None


def _time_zone(text: str) -> ZoneInfo:
    try:
        return ZoneInfo(text)
    except (KeyError, ValueError):
        raise ValueError("is not a time zone name such as Asia/Ho_Chi_Minh") from None


SETTINGS = (
    Setting("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'lienthong.db'}",
            "SQLAlchemy URL of the database: SQLite (embedded default) or "
            "postgresql+psycopg://user@host:5432/db.", _database_url),
    Setting("WORKFLOWS", str(ROOT / "workflows"),
            "Folder of the shipped .bpmn procedures that `make run` deploys."),
    Setting("SECRET_KEY", "dev-only-change-me",
            "Key that signs session cookies; set a long random value in production."),
    Setting("SECURE_COOKIES", "0",
            "1 to send the session cookie over HTTPS only (set it behind HTTPS).", _flag),
    Setting("OFFICE_HOURS", "08:00-12:00,13:00-17:00",
            "Default office hours of every unit, comma-separated periods.", office_hours),
    Setting("TIMEZONE", "Asia/Ho_Chi_Minh", "Time zone of office hours and displayed times.",
            _time_zone),
    Setting("SCRIPT_TIME_LIMIT", "1.0",
            "Seconds a diagram script or expression may run before it is refused.", _positive),
    Setting("DOSSIER_CODE_FORMAT", "{unit}-{date:%y%m%d}-{seq:04d}",
            "Format of dossier codes: unit code, receipt date, daily sequence.", _code_format),
    Setting("DEFAULT_UNIT", "PHUCLOI", "Unit code used when a command names none."),
    Setting("WORKER_INTERVAL", "30", "Seconds between two ticks of `lienthong worker`.",
            _positive),
    Setting("MAX_REQUEST_BYTES", "1048576",
            "Largest request body accepted, in bytes; a larger one is refused (413).",
            _size),
    Setting("LIVE_WORKFLOWS", "128",
            "Workflows of recently saved dossiers each process keeps live (0: none).", _count),
)


def load(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The settings' values: the environment's where set, else the defaults.
    SettingsError names every value that cannot work."""
    environ = os.environ if environ is None else environ
    values = {s.name: environ.get(s.env, s.default) for s in SETTINGS}
    problems = []
    for setting in SETTINGS:
        if setting.check is None:
            continue
        try:
            setting.check(values[setting.name])
        except ValueError as exc:
            problems.append(f"{setting.env}={values[setting.name]!r} {exc}")
    if problems:
        raise SettingsError("\n".join(problems))
    return values
