"""Deployed procedure definitions: versions in the database, parsed specs cached per version."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from engine.definitions.bpmn_xml import DefinitionError, Problem
from engine.definitions.diagram_info import (
    DefinitionInfo,
    ShownSpec,
    UserTaskInfo,
    info_from_json,
    info_to_json,
)
from engine.definitions.rules import inspect_definition
from engine.definitions.specs import build_specs, check_references
from engine.errors import NotFound
from engine.storage import DefinitionVersion, Department

# Files to deploy as (where they come from, their bytes); a check of working-time limits.
Files = Sequence[tuple[str, bytes]]
LimitParser = Callable[[str], object]


@dataclass(frozen=True)
class Deployed:
    """What deploying one file did."""

    key: str
    version: int
    source: str
    created: bool


def department_spellings(session: Session) -> dict[str, str]:
    """Every accepted spelling of a department (code and name) -> its code."""
    spellings: dict[str, str] = {}
    for dept in session.scalars(select(Department)):
        spellings[dept.code] = dept.code
        spellings[dept.name] = dept.code
    return spellings


def latest_versions(session: Session) -> dict[str, DefinitionVersion]:
    """The newest version of every deployed procedure, by key."""
    newest = (
        select(DefinitionVersion.key, func.max(DefinitionVersion.version).label("v"))
        .group_by(DefinitionVersion.key)
        .subquery()
    )
    rows = session.scalars(
        select(DefinitionVersion).join(
            newest,
            (DefinitionVersion.key == newest.c.key) & (DefinitionVersion.version == newest.c.v),
        )
    )
    return {row.key: row for row in rows}


_VERSIONS = DefinitionVersion.__table__.c
_LATEST_VERSION_ID = (select(_VERSIONS.id).where(_VERSIONS.key == bindparam("key"))
                      .order_by(_VERSIONS.version.desc()).limit(1))


@dataclass(frozen=True)
class DefinitionSummary:
    """The newest deployed version of a procedure diagram, as listed to users."""

    key: str
    version: int
    name: str
    source: str
    deployed_by: str
    deployed_at: datetime
    time_limit: str | None


def deployed_definitions(session: Session) -> list[DefinitionSummary]:
    """The newest version of every deployed procedure diagram, by key."""
    return [DefinitionSummary(v.key, v.version, v.name, v.source, v.deployed_by,
                              v.deployed_at, v.info.get("properties", {}).get("time_limit"))
            for v in sorted(latest_versions(session).values(), key=lambda v: v.key)]


def latest_version_id(session: Session, key: str) -> int | None:
    """The id of the newest deployed version of one procedure diagram (a light query:
    every start runs it; the XML stays in the database)."""
    return session.connection().execute(_LATEST_VERSION_ID, {"key": key}).scalar()


def read_paths(paths: Sequence[Path], suffixes: tuple[str, ...] = (".bpmn", ".toml")
               ) -> list[tuple[str, bytes]]:
    """The files named (folders are searched, sorted by name) as (source, bytes):
    diagrams (.bpmn) and catalog entries (.toml)."""
    files: list[tuple[str, bytes]] = []
    for path in paths:
        found = sorted(p for p in path.iterdir() if p.suffix in suffixes) \
            if path.is_dir() else [path]
        if path.is_dir() and not found:
            raise DefinitionError(str(path), [Problem(None, "no .bpmn files in this folder")])
        for file in found:
            if file.suffix not in suffixes:
                raise DefinitionError(str(file), [Problem(None, "is not a .bpmn or .toml file")])
            try:
                files.append((str(file), file.read_bytes()))
            except OSError as exc:
                raise DefinitionError(
                    str(file), [Problem(None, exc.strerror or "unreadable")]
                ) from None
    return files


def deploy(session: Session, files: Files, *, user: str, at: datetime,
           limit_parser: LimitParser) -> list[Deployed]:
    """Check every file, then store a new version of each whose content changed.

    Raises DefinitionError (nothing stored) if any file fails a check. Called processes
    and messages must resolve among these files and the procedures already deployed.
    """
    with session.begin_nested():  # a failure leaves nothing behind in the session
        return _deploy(session, files, user=user, at=at, limit_parser=limit_parser)


def _deploy(session: Session, files: Files, *, user: str, at: datetime,
            limit_parser: LimitParser) -> list[Deployed]:
    spellings = department_spellings(session)
    infos = [
        inspect_definition(data, source=source, departments=spellings, limit_parser=limit_parser)
        for source, data in files
    ]
    keys = [info.key for info in infos]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise DefinitionError("deploy", [Problem(dup, "two files define this process")])
    latest = latest_versions(session)
    known = [info_from_json(v.info) for k, v in latest.items() if k not in keys]
    check_references(infos, known)

    provider: dict[str, str] = {}  # process id -> key of the definition holding it
    for info in [*known, *infos]:
        for pid in info.process_ids:
            provider.setdefault(pid, info.key)
    calls = {info.key: info.called_elements for info in [*known, *infos]}
    blobs = {info.key: data for info, (_, data) in zip(infos, files, strict=True)}
    blobs.update({k: v.xml for k, v in latest.items() if k not in blobs})

    results: list[Deployed] = []
    rows: dict[str, DefinitionVersion] = {}
    for info, (source, data) in zip(infos, files, strict=True):
        others = [blobs[k] for k in _dependency_keys(info.key, calls, provider)]
        try:
            build_specs(data, others, info.key)
        except DefinitionError:
            raise
        except Exception as exc:  # Spiff's own parse errors: report, store nothing
            raise DefinitionError(source, [Problem(None, str(exc).splitlines()[0])]) from exc
        digest = hashlib.sha256(data).hexdigest()
        same = session.scalar(
            select(DefinitionVersion).where(
                DefinitionVersion.key == info.key, DefinitionVersion.content_hash == digest
            )
        )
        if same is not None:
            rows[info.key] = same
            results.append(Deployed(info.key, same.version, source, created=False))
            continue
        previous = latest.get(info.key)
        row = DefinitionVersion(
            key=info.key,
            version=(previous.version + 1) if previous else 1,
            name=info.name,
            content_hash=digest,
            xml=data,
            source=Path(source).name,
            info=info_to_json(info),
            dependencies=[],
            deployed_by=user,
            deployed_at=at,
        )
        session.add(row)
        rows[info.key] = row
        results.append(Deployed(info.key, row.version, source, created=True))
    session.flush()
    for key, row in rows.items():
        if row.dependencies or not any(r.created and r.key == key for r in results):
            continue
        deps = _dependency_keys(key, calls, provider)
        row.dependencies = [(rows.get(k) or latest[k]).id for k in deps]
    session.flush()
    return results


def _dependency_keys(
    key: str, calls: dict[str, tuple[str, ...]], provider: dict[str, str]
) -> list[str]:
    """Keys of the definitions a definition calls, transitively (not itself)."""
    seen: list[str] = []
    pending = [key]
    while pending:
        current = pending.pop()
        for called in calls.get(current, ()):
            dep = provider.get(called)
            if dep and dep != key and dep not in seen:
                seen.append(dep)
                pending.append(dep)
    return seen


@dataclass(frozen=True)
class LoadedDefinition:
    """A definition version ready to run: specs and the facts about its user tasks."""

    version_id: int
    key: str
    version: int
    info: DefinitionInfo
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    tasks: dict[tuple[str, str], UserTaskInfo]
    uses_messages: bool  # whether any of its processes waits for a message
    # process id -> the data its user tasks show (`show:` on the process), of every file
    shown: dict[str, tuple[ShownSpec, ...]] = field(default_factory=dict)


class SpecCache:
    """Parsed specs per definition version (an LRU), so nothing is re-parsed per step."""

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._items: OrderedDict[int, LoadedDefinition] = OrderedDict()

    def get(self, session: Session, version_id: int) -> LoadedDefinition:
        hit = self._items.get(version_id)
        if hit is not None:
            self._items.move_to_end(version_id)
            return hit
        row = session.get(DefinitionVersion, version_id)
        if row is None:
            raise NotFound(f"definition version {version_id} does not exist")
        deps = [session.get(DefinitionVersion, dep_id) for dep_id in row.dependencies]
        dep_rows = [d for d in deps if d is not None]
        spec, subs = build_specs(row.xml, [d.xml for d in dep_rows], row.key)
        tasks: dict[tuple[str, str], UserTaskInfo] = {}
        shown: dict[str, tuple[ShownSpec, ...]] = {}
        infos = [info_from_json(source.info) for source in [*dep_rows, row]]
        for info in infos:
            for task in info.user_tasks:
                tasks[(task.process_id, task.id)] = task
            shown.update(info.shown)
        loaded = LoadedDefinition(
            row.id, row.key, row.version, infos[-1], spec, subs, tasks,
            uses_messages=any(info.messages_caught for info in infos), shown=shown,
        )
        self._items[version_id] = loaded
        if len(self._items) > self._size:
            self._items.popitem(last=False)
        return loaded
