"""The procedure catalog (danh mục thủ tục hành chính): legal facts, versioned like diagrams.

Each citizen-facing procedure has a TOML file next to its diagram in `workflows/`
(format in docs/catalog.md). Deploying stores a new version when the content changed;
a dossier records the catalog version in force when it was received.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.orm import Session

from engine.definitions.bpmn_xml import DefinitionError, Problem
from engine.definitions.diagram_info import LEVELS
from engine.definitions.repository import Deployed, Files, LimitParser, deploy
from engine.definitions.settings import SETTINGS, check_settings, stated_settings
from engine.errors import InvalidAction
from engine.storage import DefinitionVersion, ProcedureVersion
from engine.vocabulary import Counting

ONLINE_LEVELS = ("full", "partial")
_REQUIRED = ("code", "name", "process", "field_of_work", "time_limit", "effective_from")
# The limits an entry may state; each needs a source or an `unverified` note (docs/catalog.md).
LIMITS = ("time_limit", "verification_time_limit", "cutoff", "supplement_time_limit")
COUNTING = "counting"  # the key naming how the limits in days are counted (`Counting`)


@dataclass(frozen=True)
class Document:
    name: str
    copies: int
    required: bool


@dataclass(frozen=True)
class ProcedureView:
    """A catalog entry as users see it (the version in force)."""

    id: int
    code: str
    version: int
    name: str
    process_key: str
    field_of_work: str
    level: str
    legal_basis: tuple[str, ...]
    time_limit: str
    verification_time_limit: str | None
    cutoff: str | None
    fee: str
    online_level: str
    effective_from: date
    abolished_on: date | None
    documents: tuple[Document, ...]
    # limit name ("time_limit", "parts.<process>.time_limit") -> "article, document"
    sources: Mapping[str, str] = field(default_factory=dict)
    # limit name -> why it could not be confirmed (what is known)
    unverified: Mapping[str, str] = field(default_factory=dict)
    # every limit stated, by the names sources use (`stated_limits`)
    limits: Mapping[str, str] = field(default_factory=dict)
    counting: str = Counting.WORKING_HOURS.value  # how its limits in days are counted


def counting_rule(data: Mapping[str, Any] | None) -> Counting:
    """The counting rule a stored catalog entry (its `data`) chose; `working_hours` when
    it states none or there is no entry. Versions are never rewritten, so a dossier
    reading it through the version it recorded keeps the rule it was received under."""
    return Counting((data or {}).get(COUNTING, Counting.WORKING_HOURS))


@dataclass(frozen=True)
class UnverifiedLimit:
    """A limit of a catalog entry that no text could confirm (`lienthong catalog --unverified`)."""

    code: str
    procedure: str
    limit: str
    value: str
    reason: str
    source: str | None


def stated_limits(data: Mapping[str, Any]) -> dict[str, str]:
    """Every limit an entry states, by name: its own (time_limit, verification_time_limit,
    cutoff, supplement_time_limit) and its agency parts' (`parts.<process>.<limit>`); the
    counting rule and the `[settings]` (`settings.<key>`) too when stated, since they need
    a source like them."""
    limits = {key: str(data[key]) for key in (*LIMITS, COUNTING) if data.get(key) is not None}
    limits.update(stated_settings(data))
    parts = data.get("parts", {})
    if isinstance(parts, dict):
        for process, values in parts.items():
            if isinstance(values, dict):
                limits.update({f"parts.{process}.{key}": str(values[key])
                               for key in LIMITS if values.get(key) is not None})
    return limits


def _check_sources(data: dict[str, Any]) -> list[Problem]:
    """Each limit cites its source or is marked unverified with a reason; nothing else is
    cited or marked (a misspelt name would otherwise hide a missing source)."""
    problems = []
    tables = {}
    for table in ("sources", "unverified"):
        value = data.get(table, {})
        if not isinstance(value, dict) or not all(
                isinstance(v, str) and v.strip() for v in value.values()):
            problems.append(Problem(table, "must be a table of limit = \"text\" "
                                           "(the article and document, or why unverified)"))
            value = {}
        tables[table] = value
    limits = stated_limits(data)
    for name in limits:
        if name not in tables["sources"] and name not in tables["unverified"]:
            problems.append(Problem(name, "has no source: add it to [sources] "
                                          "(article, document) or to [unverified] with the reason"))
    for table, value in tables.items():
        problems.extend(Problem(f"{table}.{name}", "names no limit of this entry")
                        for name in value if name not in limits)
    parts = data.get("parts", {})
    if not isinstance(parts, dict) or not all(isinstance(v, dict) for v in parts.values()):
        problems.append(Problem("parts", "must be tables [parts.<process>] of limits"))
    return problems


def _check(source: str, data: dict[str, Any], limit_parser: LimitParser) -> list[Problem]:
    problems = [Problem(key, "is missing") for key in _REQUIRED if key not in data]
    for key, value in stated_limits(data).items():
        if key.startswith(f"{SETTINGS}."):
            continue  # checked by check_settings, with their own types
        if key == COUNTING:
            if value not in tuple(Counting):
                problems.append(Problem(key, f"{value!r} is not a counting rule: use one of "
                                             f"{', '.join(Counting)}"))
            continue
        if key.rsplit(".", 1)[-1] == "cutoff":
            if not (len(value) == 5 and value[2] == ":" and value.replace(":", "").isdigit()):
                problems.append(Problem(key, f"{value!r} is not a time of day such as 15:00"))
            continue
        try:
            limit_parser(value)
        except ValueError as exc:
            problems.append(Problem(key, str(exc)))
    for key in ("effective_from", "abolished_on"):
        if key in data and not isinstance(data[key], date):
            problems.append(Problem(key, "must be a date such as 2024-07-01"))
    if data.get("online_level", "partial") not in ONLINE_LEVELS:
        problems.append(Problem("online_level", f"must be one of {', '.join(ONLINE_LEVELS)}"))
    if data.get("level", "ward") not in LEVELS:
        problems.append(Problem("level", f"must be one of {', '.join(LEVELS)}"))
    for i, doc in enumerate(data.get("documents", [])):
        if not isinstance(doc, dict) or not isinstance(doc.get("name"), str):
            problems.append(Problem(f"documents[{i}]", "needs a name"))
    return problems + check_settings(data, limit_parser) + _check_sources(data)


def read_entry(source: str, raw: bytes, limit_parser: LimitParser) -> dict[str, Any]:
    """Parse and check one catalog file; DefinitionError (one line) if it is wrong."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DefinitionError(source, [Problem(None, f"not a valid TOML file: {exc}")]) from None
    problems = _check(source, data, limit_parser)
    if problems:
        raise DefinitionError(source, problems)
    return data


def deploy_catalog(session: Session, files: Files, *, user: str, at: datetime,
                   limit_parser: LimitParser) -> list[Deployed]:
    """Store a new version of each catalog entry whose content changed.

    The process an entry names must be deployed (deploy diagrams first, in the same
    transaction). Nothing is stored if any file is refused.
    """
    with session.begin_nested():
        entries = [(source, raw, read_entry(source, raw, limit_parser)) for source, raw in files]
        keys = set(session.scalars(select(DefinitionVersion.key).distinct()))
        missing = [(s, d["process"]) for s, _, d in entries if d["process"] not in keys]
        if missing:
            source, key = missing[0]
            raise DefinitionError(source, [Problem("process", f"no diagram defines {key!r}")])
        for source, _, data in entries:
            _check_parts(session, source, data)
        results = []
        for source, raw, data in entries:
            digest = hashlib.sha256(raw).hexdigest()
            same = session.scalar(select(ProcedureVersion).where(
                ProcedureVersion.code == data["code"], ProcedureVersion.content_hash == digest))
            if same is not None:
                results.append(Deployed(data["code"], same.version, source, created=False))
                continue
            last = session.scalar(select(func.max(ProcedureVersion.version))
                                  .where(ProcedureVersion.code == data["code"])) or 0
            session.add(ProcedureVersion(
                code=data["code"], version=last + 1, process_key=data["process"],
                name=data["name"], field_of_work=data["field_of_work"],
                time_limit=str(data["time_limit"]),
                verification_time_limit=data.get("verification_time_limit"),
                cutoff=data.get("cutoff"), effective_from=data["effective_from"],
                abolished_on=data.get("abolished_on"),
                data=_jsonable(data), content_hash=digest, source=Path(source).name,
                deployed_by=user, deployed_at=at,
            ))
            results.append(Deployed(data["code"], last + 1, source, created=True))
        session.flush()
        return results


def _check_parts(session: Session, source: str, data: dict[str, Any]) -> None:
    """The limits an entry states for its agency parts are the ones their diagrams run
    with (the newest deployed version's properties): a cited figure the engine does not
    use would mislead."""
    problems = []
    for process, limits in data.get("parts", {}).items():
        info = session.scalar(select(DefinitionVersion.info).where(DefinitionVersion.key == process)
                              .order_by(DefinitionVersion.version.desc()).limit(1))
        if info is None:
            problems.append(Problem(f"parts.{process}", f"no diagram defines {process!r}"))
            continue
        properties = info.get("properties", {})
        problems.extend(
            Problem(f"parts.{process}.{key}",
                    f"{value!r} differs from the diagram's {key} {properties.get(key)!r}")
            for key, value in limits.items() if properties.get(key) != value)
    if problems:
        raise DefinitionError(source, problems)


def _jsonable(value: Any) -> Any:
    """TOML values as JSON (dates and times as ISO text)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | time):
        return value.isoformat()
    return value


def procedure_in_force(session: Session, code_or_key: str, on: date) -> Row[Any] | None:
    """The catalog version (a row of procedure_version) in force on `on` for a process
    key or a national code: the newest version already effective then, unless it was
    abolished by then. One light query per start when the key is a process key; None
    when the catalog does not know the name; InvalidAction when it knows the entry but
    it is not in force on `on`."""
    connection = session.connection()
    rows = connection.execute(_BY_CODE_OR_KEY, {"name": code_or_key}).all()
    if not rows:
        return None
    named = max(rows, key=lambda r: r.version)
    by_key = [r for r in rows if r.process_key == code_or_key]
    if not by_key:  # a national code: its process may have versions under other codes
        by_key = list(connection.execute(_BY_KEY, {"key": named.process_key}))
    entry = _in_force(by_key, on)
    if entry is None:
        raise InvalidAction(f"procedure {named.code} ({named.name}) is not in force on "
                            f"{on:%d/%m/%Y}", code="procedure_not_in_force",
                            procedure=named.name, day=on)
    return entry


_PROCEDURES = ProcedureVersion.__table__.c
_BY_CODE_OR_KEY = select(ProcedureVersion.__table__).where(or_(
    _PROCEDURES.code == bindparam("name"), _PROCEDURES.process_key == bindparam("name")))
_BY_KEY = select(ProcedureVersion.__table__).where(_PROCEDURES.process_key == bindparam("key"))


def _in_force(rows: Sequence[Row[Any]], on: date) -> Row[Any] | None:
    effective = [r for r in rows if r.effective_from <= on]
    if not effective:
        return None
    row = max(effective, key=lambda r: r.version)
    if row.abolished_on is not None and row.abolished_on <= on:
        return None
    return row


def procedure_view(row: ProcedureVersion) -> ProcedureView:
    data = row.data
    return ProcedureView(
        id=row.id, code=row.code, version=row.version, name=row.name,
        process_key=row.process_key, field_of_work=row.field_of_work,
        level=data.get("level", "ward"), legal_basis=tuple(data.get("legal_basis", ())),
        time_limit=row.time_limit, verification_time_limit=row.verification_time_limit,
        cutoff=row.cutoff, fee=str(data.get("fee", "")),
        online_level=data.get("online_level", "partial"),
        effective_from=row.effective_from, abolished_on=row.abolished_on,
        documents=tuple(Document(d["name"], int(d.get("copies", 1)), bool(d.get("required", True)))
                        for d in data.get("documents", ())),
        sources=dict(data.get("sources", {})), unverified=dict(data.get("unverified", {})),
        limits=stated_limits(data), counting=counting_rule(data).value,
    )


def unverified_limits(entries: Sequence[ProcedureView]) -> list[UnverifiedLimit]:
    """The limits of these entries marked unverified: procedure, limit, value and why."""
    found: list[UnverifiedLimit] = []
    for e in entries:
        found.extend(UnverifiedLimit(e.code, e.name, name, e.limits.get(name, "?"), reason,
                                     e.sources.get(name))
                     for name, reason in e.unverified.items())
    return found


def list_catalog(session: Session, on: date | None = None, level: str | None = None
                 ) -> list[ProcedureView]:
    """The newest version of every catalog entry: only those in force on `on` and those
    received at units of kind `level` (a ward's desk receives ward procedures, a police
    post police ones) if given."""
    newest = (select(ProcedureVersion.code, func.max(ProcedureVersion.version).label("v"))
              .group_by(ProcedureVersion.code).subquery())
    rows = session.scalars(
        select(ProcedureVersion).join(newest, (ProcedureVersion.code == newest.c.code)
                                      & (ProcedureVersion.version == newest.c.v))
        .order_by(ProcedureVersion.name))
    views = [procedure_view(r) for r in rows]
    if on is not None:
        views = [v for v in views if v.effective_from <= on
                 and (v.abolished_on is None or v.abolished_on > on)]
    if level is not None:
        views = [v for v in views if v.level == level]
    return views


def deploy_files(session: Session, files: Files, *, user: str, at: datetime,
                 limit_parser: LimitParser) -> tuple[list[Deployed], list[Deployed]]:
    """Deploy diagrams (.bpmn), then the catalog entries (.toml) that name them, in the
    caller's transaction: what `lienthong deploy` does with a folder. Nothing is stored if
    any file is refused."""
    diagrams = [(source, data) for source, data in files if source.endswith(".bpmn")]
    entries = [(source, data) for source, data in files if source.endswith(".toml")]
    with session.begin_nested():
        deployed = deploy(session, diagrams, user=user, at=at,
                          limit_parser=limit_parser) if diagrams else []
        catalog = deploy_catalog(session, entries, user=user, at=at,
                                 limit_parser=limit_parser) if entries else []
    return deployed, catalog
