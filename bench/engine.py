"""Benchmark: N dossiers of a five-user-task diagram through the engine, with persistence,
against the same diagram on raw SpiffWorkflow (in memory; JSON round trip after each task).

    .venv/bin/python bench/engine.py [--dossiers 200] [--database-url URL] [--seed 1]

Prints tasks/s, the ratio to raw Spiff with a JSON round trip, p50/p99 ms per completion
and stored bytes per finished dossier, then PASS/FAIL for the target (engine on its
database >= 0.5x raw Spiff with round trip). See bench/README.md for what is measured.
"""

# ruff: noqa: E402 - sys.path must be fixed before `engine` is imported (see below)
from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and would shadow the
# `engine` package with this very module.
_HERE = Path(__file__).resolve().parent
for _entry in [p for p in sys.path if Path(p or ".").resolve() == _HERE]:
    sys.path.remove(_entry)
if str(_HERE.parent) not in sys.path:  # for `bench.stored_bytes`
    sys.path.insert(0, str(_HERE.parent))

import argparse
import cProfile
import gc
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from bench.stored_bytes import Storage, measure_storage
from engine.calendar import FixedClock, limit_parser
from engine.definitions import build_specs, deploy, read_paths
from engine.org import add_unit, seed_departments
from engine.queries import ready_task_ids
from engine.runtime import Runtime, WorkflowCache, complete, make_script_engine, start
from engine.storage import Base, Dossier, Unit, make_engine, make_sessionmaker, upgrade

DIAGRAM = _HERE / "data" / "five_tasks.bpmn"
PROCESS = "bench_five_tasks"
TASKS_PER_DOSSIER = 5
UNIT = "BENCH"
START = datetime(2026, 3, 2, 8, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
USERS = ("an", "binh", "chi", "dung", "giang", "ha")
NOTE = {"note": "x"}


@dataclass
class Result:
    """One variant's measurements (warm-up excluded)."""

    name: str
    tasks: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds per completion
    bytes_per_dossier: float | None = None

    @property
    def tasks_per_s(self) -> float:
        return self.tasks / self.seconds

    def percentile_ms(self, p: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


@dataclass
class Script:
    """What happens to each dossier, drawn once from the seed so every variant does the
    same: who works each step and how many minutes pass before it."""

    users: list[list[str]]
    minutes: list[list[int]]

    @classmethod
    def draw(cls, count: int, seed: int) -> Script:
        rng = random.Random(seed)
        steps = TASKS_PER_DOSSIER + 1  # the start, then each task
        return cls(
            users=[[rng.choice(USERS) for _ in range(steps)] for _ in range(count)],
            minutes=[[rng.randint(1, 30) for _ in range(steps)] for _ in range(count)],
        )


@contextmanager
def timing(result: Result, count: bool) -> Iterator[None]:
    """Add the block's wall time to `result` (unless warming up)."""
    began = time.perf_counter()
    yield
    if count:
        result.seconds += time.perf_counter() - began


# -- raw SpiffWorkflow -------------------------------------------------------------------
class RawSpiff:
    """Raw Spiff: specs parsed once, one shared sandboxed script engine; with `round_trip`
    the workflow goes through serialize_json + deserialize_json after every task and the
    run carries on with the copy (as if it had been stored and loaded again)."""

    def __init__(self, name: str, round_trip: bool) -> None:
        self.spec, self.subprocess_specs = build_specs(DIAGRAM.read_bytes(), [], PROCESS)
        self.script_engine = make_script_engine()
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        self.round_trip = round_trip
        self.result = Result(name)
        self.sizes: list[int] = []

    def dossier(self, index: int, script: Script, counted: bool) -> None:
        result, stored = self.result, ""
        with timing(result, counted):
            wf = BpmnWorkflow(self.spec, self.subprocess_specs)
            wf.script_engine = self.script_engine
            for first in wf.get_tasks(state=TaskState.READY):
                first.data.update({"dossier_code": f"raw-{index}", "unit": UNIT,
                                   "applicant": {}})
            wf.do_engine_steps()
            for _ in range(TASKS_PER_DOSSIER):
                began = time.perf_counter()
                task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
                task.data.update(NOTE)
                task.run()
                wf.do_engine_steps()
                if self.round_trip:
                    stored = self.serializer.serialize_json(wf)
                    wf = self.serializer.deserialize_json(stored)
                    wf.script_engine = self.script_engine
                if counted:
                    result.latencies.append(time.perf_counter() - began)
        if not wf.completed:
            raise RuntimeError(f"{result.name}: workflow {index} did not finish")
        if counted:
            result.tasks += TASKS_PER_DOSSIER
            if self.round_trip:
                self.sizes.append(len(stored.encode()))

    def finish(self) -> Result:
        if self.sizes:  # the finished workflow's JSON, spec included
            self.result.bytes_per_dossier = statistics.fmean(self.sizes)
        return self.result


# -- the engine ----------------------------------------------------------------------------
def clear_database(db: Engine) -> None:
    """Drop Liên Thông's tables (and Alembic's record of them) from a PostgreSQL database."""
    Base.metadata.drop_all(db)
    with db.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def prepare_database(url: str) -> Engine:
    """A migrated, seeded database: PostgreSQL's Liên Thông tables are dropped first."""
    db = make_engine(url)
    if db.dialect.name != "sqlite":
        clear_database(db)
    upgrade(db)
    with Session(db) as session, session.begin():
        seed_departments(session)
    return db


class EngineRun:
    """Each dossier: one transaction to start it, then one per task that finds the ready
    task (ready_task_ids of the dossier, one light query, as a client would) and
    completes it. Latency is per completion transaction, commit included.

    With `live_workflows` false the runtime keeps no live workflows (WorkflowCache(0)):
    every command rebuilds the workflow from the stored JSON, as when each step of a
    dossier is done by another server process."""

    def __init__(self, db: Engine, profile: cProfile.Profile | None = None,
                 live_workflows: bool = True) -> None:
        self.db = db
        self.clock = FixedClock(START)
        self.runtime = Runtime(self.clock, workflows=None if live_workflows
                               else WorkflowCache(0))
        self.sessions: sessionmaker[Session] = make_sessionmaker(db)
        self.profile = profile
        self.unit = UNIT if live_workflows else f"{UNIT}-COLD"
        self.result = Result(f"engine, {db.dialect.name}" if live_workflows
                             else f"engine, {db.dialect.name}, rebuilt")
        self.started = 0
        with self.sessions.begin() as s:
            if s.get(Unit, self.unit) is None:  # dossiers are received by known units
                add_unit(s, code=self.unit, name="Phường đo hiệu năng", kind="ward")
            deploy(s, read_paths([DIAGRAM]), user="bench", at=self.clock.now(),
                   limit_parser=limit_parser(self.runtime.calendar(s, self.unit)))

    def dossier(self, index: int, script: Script, counted: bool) -> None:
        result, runtime, clock = self.result, self.runtime, self.clock
        users, minutes = script.users[index], script.minutes[index]
        if self.profile is not None and counted:
            self.profile.enable()
        with timing(result, counted):
            clock.advance(timedelta(minutes=minutes[0]))
            with self.sessions.begin() as s:
                code = start(s, runtime, PROCESS, unit=self.unit, actor=users[0],
                             at=clock.now()).code
            for user, step_minutes in zip(users[1:], minutes[1:], strict=True):
                clock.advance(timedelta(minutes=step_minutes))
                began = time.perf_counter()
                with self.sessions.begin() as s:
                    ready = ready_task_ids(s, code)
                    complete(s, runtime, ready[0], user=user, data=NOTE, at=clock.now())
                if counted:
                    result.latencies.append(time.perf_counter() - began)
        if self.profile is not None:
            self.profile.disable()
        self.started += 1
        if counted:
            result.tasks += TASKS_PER_DOSSIER

    def finish(self) -> Result:
        with self.sessions.begin() as s:
            statuses = dict(s.execute(
                select(Dossier.status, func.count()).where(Dossier.unit == self.unit)
                .group_by(Dossier.status)).all())
        if statuses != {"completed": self.started}:
            raise RuntimeError(f"{self.result.name}: dossiers did not all finish: {statuses}")
        return self.result


def engine_figure(url: str, dossiers: int, warmup: int = 10, seed: int = 1) -> Result:
    """The engine alone on `url`, in this process, one dossier after another (live
    workflows, as `engine` above): what other benchmarks compare their figures with.
    PostgreSQL's Liên Thông tables are dropped first."""
    script = Script.draw(warmup + dossiers, seed)
    db = prepare_database(url)
    try:
        run = EngineRun(db)
        for index in range(warmup + dossiers):
            run.dossier(index, script, counted=index >= warmup)
        return run.finish()
    finally:
        db.dispose()


# -- report -------------------------------------------------------------------------------
def report(results: list[Result], reference: Result, target: Result, storage: Storage,
           dialect: str) -> bool:
    """Print the table and the storage figures; return whether the target is met."""
    print(f"{'variant':<34} {'tasks/s':>9} {'vs (b)':>7} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'bytes/dossier':>14}")
    for r in results:
        size = f"{r.bytes_per_dossier:,.0f}" if r.bytes_per_dossier is not None else "-"
        print(f"{r.name:<34} {r.tasks_per_s:>9,.0f} {r.tasks_per_s / reference.tasks_per_s:>6.2f}x"
              f" {r.percentile_ms(50):>8.2f} {r.percentile_ms(99):>8.2f} {size:>14}")
    print()
    print(f"stored per finished dossier ({dialect}):")
    print(f"  dossier.state JSON            {storage.state:>10,.0f} B")
    print(f"  all its rows, as text         {storage.as_text:>10,.0f} B"
          f"  ({', '.join(f'{k} {v:g}' for k, v in storage.rows.items())} rows)")
    print(f"  all its rows, as stored       {storage.records:>10,.0f} B"
          f"  ({'dbstat payload' if dialect == 'sqlite' else 'pg_column_size'})")
    print(f"  tables + indexes on disk      {storage.on_disk:>10,.0f} B"
          f"  ({'dbstat pages' if dialect == 'sqlite' else 'pg_total_relation_size'})")
    ratio = target.tasks_per_s / reference.tasks_per_s
    passed = ratio >= 0.5
    print()
    print(f"target: engine ({dialect}) >= 0.5x raw Spiff with JSON round trip:"
          f" {ratio:.2f}x -> {'PASS' if passed else 'FAIL'}")
    return passed


def print_profile(profile: cProfile.Profile, limit: int) -> None:
    stats = pstats.Stats(profile, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(limit)
    stats.sort_stats("tottime").print_stats(limit)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dossiers", type=int, default=200, metavar="N",
                        help="dossiers per variant, warm-up excluded (default 200)")
    parser.add_argument("--warmup", type=int, default=10, metavar="W",
                        help="dossiers run first and left out of the figures (default 10)")
    parser.add_argument("--database-url", metavar="URL",
                        help="run the engine on this database instead of a fresh SQLite file"
                        " in a temporary folder, e.g. postgresql+psycopg://user@host/db."
                        " WARNING: drops and recreates that database's Liên Thông tables"
                        " (all their data is lost)")
    parser.add_argument("--rounds", type=int, default=5, metavar="R",
                        help="interleave the variants in R rounds (default 5)")
    parser.add_argument("--seed", type=int, default=1, metavar="S",
                        help="seed for who works each step and the minutes between steps")
    parser.add_argument("--profile", type=int, nargs="?", const=30, metavar="LINES",
                        help="profile the engine run (cProfile) and print the top LINES")
    args = parser.parse_args(argv)
    if args.dossiers < 2 or args.warmup < 0 or not 1 <= args.rounds <= args.dossiers:
        parser.error("need --dossiers >= 2, --warmup >= 0 and 1 <= --rounds <= --dossiers")

    script = Script.draw(args.warmup + args.dossiers, args.seed)
    with tempfile.TemporaryDirectory(prefix="lienthong-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        db = prepare_database(url)
        try:
            dialect = db.dialect.name
            profile = cProfile.Profile() if args.profile else None
            variants: list[RawSpiff | EngineRun] = [
                RawSpiff("(a) raw Spiff, in memory", round_trip=False),
                RawSpiff("(b) raw Spiff, JSON round trip", round_trip=True),
                EngineRun(db, profile),
                EngineRun(db, live_workflows=False),
            ]
            for variant in variants:
                for index in range(args.warmup):
                    variant.dossier(index, script, counted=False)
            # Rounds, each running every variant on its share of the dossiers: a shared
            # machine's slow spells then hit all variants alike instead of one of them.
            indices = list(range(args.warmup, args.warmup + args.dossiers))
            for round_ in range(args.rounds):
                for variant in variants:
                    gc.collect()
                    for index in indices[round_::args.rounds]:
                        variant.dossier(index, script, counted=True)
            memory, round_trip, engine_result, rebuilt = (v.finish() for v in variants)
            storage = measure_storage(db)
            engine_result.bytes_per_dossier = storage.records
        finally:
            db.dispose()

    print(f"{args.dossiers} dossiers x {TASKS_PER_DOSSIER} tasks per variant"
          f" (+{args.warmup} warm-up), {args.rounds} rounds, seed {args.seed},"
          f" Python {sys.version.split()[0]}")
    if profile is not None:
        print("profiling: the engine figures below are slowed by cProfile; don't quote them")
    print()
    results = [memory, round_trip, engine_result, rebuilt]
    report(results, round_trip, engine_result, storage, dialect)
    if profile is not None:
        print()
        print_profile(profile, args.profile)
    return 0  # a missed target is a finding, not an error (figures depend on the machine)


if __name__ == "__main__":
    sys.exit(main())
