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
SECRET_KEY_LENGTH = 32
PUBLISHED_KEYS = ("dev-only-change-me", "browser-tests")  # keys the code and docs ever showed


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


def _at_least_one(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError("must be a whole number, 1 or more")
    return int(text)


def _size(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1024:
        raise ValueError("must be a whole number of bytes, 1024 or more")
    return int(text)


def _flag(text: str) -> str:
    if text not in ("0", "1"):
        raise ValueError("must be 0 or 1")
    return text


def _whole(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise ValueError("must be a whole number, 1 or more")
    return int(text)


def _throttle_storage(text: str) -> str:
    if text not in ("", "database") and not text.startswith(("redis://", "rediss://")):
        raise ValueError("must be empty (the database) or a redis:// URL")
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


def _port(text: str) -> int:
    if not text.strip().isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError("must be a port number, 1 to 65535")
    return int(text)


def _mail_address(text: str) -> str:
    if "@" not in text or any(c.isspace() or ord(c) < 32 for c in text) or len(text) > 254:
        raise ValueError("must be an e-mail address such as lienthong@phucloi.gov.vn")
    return text


SETTINGS = (
    Setting("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'lienthong.db'}",
            "SQLAlchemy URL of the database: SQLite (embedded default) or "
            "postgresql+psycopg://user@host:5432/db.", _database_url),
    Setting("WORKFLOWS", str(ROOT / "workflows"),
            "Folder of the shipped .bpmn procedures that `make run` deploys."),
    Setting("SECRET_KEY", "",
            f"Key that signs session cookies: a random value of at least {SECRET_KEY_LENGTH} "
            "characters. `lienthong serve` refuses to start without one; only "
            "`serve --dev` and the tests run without (a random key per process)."),
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
    Setting("WORKERS", "2",
            "Processes of the production server (`lienthong serve`); about 2 per core.",
            _at_least_one),
    Setting("THREADS", "4", "Threads per process of the production server.", _at_least_one),
    Setting("WORKER_TIMEOUT", "60",
            "Seconds a worker may be silent (one request running) before it is killed and "
            "replaced; the reverse proxy's read timeout should be a little longer.", _positive),
    Setting("GRACEFUL_TIMEOUT", "30",
            "Seconds running requests get to finish on a restart (SIGHUP) or stop (SIGTERM).",
            _positive),
    Setting("MAX_REQUESTS", "20000",
            "Requests after which a worker is replaced (with jitter), bounding slow leaks; "
            "0 never.", _count),
    Setting("PROXY_HOPS", "0",
            "Reverse proxies in front of the server whose X-Forwarded-For/-Proto are "
            "trusted (1 behind one nginx); 0 when clients connect directly.", _count),
    Setting("ACCESS_LOG", "-",
            "Where the production server writes its access log: a file path, '-' for "
            "standard output, '' for none. Lines carry no query strings.", None),
    Setting("MAX_REQUEST_BYTES", "1048576",
            "Largest request body accepted, in bytes; a larger one is refused (413).",
            _size),
    Setting("LIVE_WORKFLOWS", "128",
            "Workflows of recently saved dossiers each process keeps live (0: none).", _count),
    Setting("SESSION_IDLE_MINUTES", "30",
            "A signed-in session ends after this many minutes without a request.", _whole),
    Setting("SESSION_MAX_HOURS", "12",
            "A signed-in session ends this many hours after sign-in, used or not.", _whole),
    Setting("TOKEN_DAYS", "90",
            "Days an API token lasts when `lienthong token create` is given no --days.",
            _whole),
    Setting("SIGNIN_ACCOUNT_FAILURES", "5",
            "Failed sign-ins for one user name (known or not) before it is locked.", _whole),
    Setting("SIGNIN_ADDRESS_FAILURES", "20",
            "Failed sign-ins from one address, whatever the names, before it is locked.",
            _whole),
    Setting("SIGNIN_LOCK_MINUTES", "1",
            "Minutes of the first sign-in lock; each next lock lasts twice as long.", _whole),
    Setting("SIGNIN_LOCK_MAX_MINUTES", "60", "Minutes of the longest sign-in lock.", _whole),
    Setting("SMTP_HOST", "",
            "Mail server the worker sends notification e-mails through (plain SMTP, no "
            "login); empty: notifications stay in the app only.", None),
    Setting("SMTP_PORT", "25", "Port of the mail server.", _port),
    Setting("SMTP_FROM", "lienthong@localhost",
            "Sender address of notification e-mails.", _mail_address),
    Setting("RATELIMIT_STORAGE", "",
            "Where the sign-in counters live, shared by every server process: empty for the "
            "database, or a redis://host:6379/0 URL.", _throttle_storage),
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


def secret_key_problem(key: str) -> str | None:
    """Why `key` cannot sign the sessions of a server on a network, or None if it can."""
    how = ("set LIENTHONG_SECRET_KEY to a random value, e.g. the output of "
           "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if not key:
        return f"LIENTHONG_SECRET_KEY is not set: {how}"
    if key in PUBLISHED_KEYS:
        return f"LIENTHONG_SECRET_KEY is a published default: {how}"
    if len(key) < SECRET_KEY_LENGTH:
        return (f"LIENTHONG_SECRET_KEY has {len(key)} characters, fewer than "
                f"{SECRET_KEY_LENGTH}: {how}")
    return None
