"""Issue 12's province-scale data: a year of Hà Nội (126 communes) with DOSSIERS dossiers
of the shipped ward procedures and their task records, written in bulk (COPY on
PostgreSQL), for the supervisors' views to be timed on (bench/supervision.py).

The rows are what the runtime leaves after each step (ready, claimed, completed, due,
outcome, handovers between departments, working minutes), drawn at random with a fixed
seed: 4 % of the finished dossiers refused, withdrawn or stopped, 8 % asked for a
supplement once, a tenth of the late ones apologised for; with the day and month counts the
runtime keeps (counted by its own `dossier_cells` and `task_cells`). The workflow state
is left empty: no view reads it.

    .venv/bin/python bench/province.py --postgresql-url URL [--dossiers 1000000]

**It drops and recreates that database's Liên Thông tables.**
"""

# ruff: noqa: E402 - sys.path must hold the repository before `engine` and `bench`
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.engine import prepare_database
from engine.calendar import FixedClock, limit_parser
from engine.definitions import SpecCache, deploy_files, latest_versions, read_paths
from engine.org import add_unit
from engine.runtime import Runtime
from engine.simulation import seed_demo_map
from engine.storage import TaskRecord, dossier_cells, event_cells, task_cells, write_counts

VN = ZoneInfo("Asia/Ho_Chi_Minh")
START = date(2025, 7, 1)  # a year of the new map
DAYS = 365
COMMUNES = 126
PROCEDURES = {  # process key -> (share, field of work, limit in days)
    "birth_registration": (0.35, "Hộ tịch", 1),
    "certified_copy": (0.45, "Chứng thực", 1),
    "marriage_registration": (0.12, "Hộ tịch", 1),
    "birth_residence_health_card": (0.08, "Hộ tịch", 3),
}
OPEN_DAYS = 10  # dossiers received in the last days are still open
DOSSIER_COLUMNS = (
    "id", "code", "definition_id", "process_key", "unit", "channel", "status", "applicant",
    "field_of_work", "documents", "received_at", "counting_from", "appointment_at",
    "original_appointment_at", "verification", "completed_at", "resolved_at", "returned_at",
    "finished_at", "finish_kind", "supplement_count", "apologized", "outcome", "state",
    "version")
TASK_COLUMNS = (
    "id", "task_id", "dossier_id", "spec_id", "process_id", "name", "department", "status",
    "sla", "ready_at", "due_at", "claimed_by", "claimed_at", "received_by", "received_at",
    "completed_by", "completed_at", "outcome", "handover", "handed_from", "handed_by",
    "unit", "dossier_definition_id", "working_minutes", "waiting_minutes",
    "handover_minutes", "previous_completed_at", "version")
PERIODS = ((8 * 60, 12 * 60), (13 * 60, 17 * 60))  # the default office hours, in minutes
PAUSE_COLUMNS = ("dossier_id", "started_at", "ended_at", "deadline_at", "requested_by",
                 "items", "reason")
APOLOGY_COLUMNS = ("dossier_id", "at", "reason", "old_appointment_at", "new_appointment_at",
                   "signed_by")
# How finished dossiers end: mostly resolved; a few refused, withdrawn or stopped
ENDINGS, ENDING_WEIGHTS = ("resolved", "refused", "withdrawn", "stopped"), (96, 2, 1.5, 0.5)
SUPPLEMENTED = 0.08  # asked for a supplement once
APOLOGISED = 0.1  # of the late dossiers
EVENT_COLUMN = {"pause": "supplement_requests", "apology": "apologies"}


def communes(session: Session) -> list[str]:
    """The 126 communes of the benchmark city (HN-C001 ... under HANOI)."""
    codes = [f"HN-C{n:03d}" for n in range(1, COMMUNES + 1)]
    for code in codes:
        add_unit(session, code=code, name=f"Phường {code[-3:]}", kind="ward", parent="HANOI",
                 departments=["reception", "civil_status", "leadership"], valid_from=START)
    return codes


def _office_instant(rng: random.Random, day: date) -> datetime:
    minutes = rng.choice([rng.randint(0, 210), rng.randint(300, 510)])  # 8:00–11:30, 13:00–16:30
    return datetime(day.year, day.month, day.day, 8, tzinfo=VN) + timedelta(minutes=minutes)


def add_working(at: datetime, minutes: int) -> datetime:
    """`at` plus `minutes` of office hours (8:00-12:00, 13:00-17:00, Monday to Friday;
    no holidays): the wall-clock instant the engine's calendar would count that many
    working minutes to, on the days the generator uses. Whole minutes in, whole out."""
    day = at.replace(hour=0, minute=0, second=0, microsecond=0)
    now = at.hour * 60 + at.minute
    while True:
        if day.weekday() < 5:
            for start, end in PERIODS:
                begin = max(now, start)
                if begin < end:
                    if begin + minutes <= end:
                        return day + timedelta(minutes=begin + minutes)
                    minutes -= end - begin
                    now = end
        day, now = day + timedelta(days=1), 0


Row = tuple[object, ...]


def rows(session: Session, units: list[str], dossiers: int, seed: int
         ) -> Iterator[tuple[Row, list[Row], list[tuple[str, Row]]]]:
    """(dossier row, its task rows, its pause and apology rows) for `dossiers`
    dossiers, in id order."""
    rng = random.Random(seed)
    versions = latest_versions(session)
    keys = list(PROCEDURES)
    weights = [PROCEDURES[k][0] for k in keys]
    specs = SpecCache()
    steps = {k: [t for t in specs.get(session, versions[k].id).tasks.values() if t.department]
             for k in keys}
    last_day = START + timedelta(days=DAYS - 1)
    for number in range(1, dossiers + 1):
        key = rng.choices(keys, weights)[0]
        _share, field, limit = PROCEDURES[key]
        day = START + timedelta(days=rng.randrange(DAYS))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        received = _office_instant(rng, day)
        appointment = received + timedelta(days=limit + (2 if day.weekday() >= 3 else 0))
        open_ = (last_day - day).days < OPEN_DAYS
        at, tasks, previous_department = received, [], None
        done_steps = rng.randint(0, len(steps[key]) - 1) if open_ else len(steps[key])
        late_steps = 0
        last_done = None  # the dossier's previous completion
        for index, step in enumerate(steps[key][:done_steps + (1 if open_ else 0)]):
            ready = at
            due = ready + timedelta(hours=rng.choice([4, 8, 16]))
            finished = index < done_steps
            # Drawn in working minutes, then placed on the wall clock: the stored minutes
            # are what the engine's calendar gives for the instants (no pauses drawn).
            waiting = round(rng.expovariate(1 / 90)) if finished else None
            working = waiting + round(rng.expovariate(1 / 120)) if waiting is not None \
                else None
            claimed = add_working(ready, waiting) if waiting is not None else None
            completed = (add_working(claimed, working - waiting)
                         if claimed and working is not None else None)
            outcome = None
            if completed is not None:
                outcome = "late" if completed > due else "on_time"
                late_steps += outcome == "late"
                at = completed
            handover = previous_department not in (None, step.department)
            user = f"{step.department}.{number % 7}"
            unit = units[number % len(units)]
            tasks.append((str(uuid.uuid4()), str(uuid.uuid4()), number, step.id,
                          step.process_id, step.name, step.department,
                          "completed" if finished else "ready", step.sla, ready, due,
                          user if claimed else None, claimed,
                          user if handover and claimed else None,
                          claimed if handover else None,
                          user if completed else None, completed, outcome, handover,
                          previous_department if handover else None,
                          f"{previous_department}.{number % 7}" if handover else None,
                          unit, versions[key].id, working, waiting,
                          # received (claimed) from the previous step's completion,
                          # which made this one ready: its waiting time
                          waiting if handover and finished else None,
                          last_done if finished else None, 1))
            last_done = completed or last_done
            previous_department = step.department
        finished = None if open_ else at
        ending = None if open_ else rng.choices(ENDINGS, ENDING_WEIGHTS)[0]
        resolved = finished if ending == "resolved" else None
        outcome = ("late" if at > appointment else "on_time") if resolved else None
        status = "running" if open_ else "returned" if resolved else ending
        code = f"{units[number % len(units)]}-{day:%y%m%d}-{number:07d}"
        others: list[tuple[str, tuple[object, ...]]] = []
        supplements = 0
        if tasks and tasks[0][16] is not None and rng.random() < SUPPLEMENTED:
            # asked at the first step, supplied one to three days later (or not yet)
            asked = tasks[0][16]
            supplied = asked + timedelta(days=rng.randint(1, 3))
            others.append(("pause", (number, asked, supplied if supplied < at else None,
                                     asked + timedelta(days=10), "reception.1", "[]",
                                     "Bổ sung giấy tờ")))
            supplements = 1
        if outcome == "late" and rng.random() < APOLOGISED:
            others.append(("apology", (number, appointment - timedelta(hours=2), "Quá tải",
                                       appointment, appointment + timedelta(days=1),
                                       "leadership.1")))
        yield ((number, code, versions[key].id, key, units[number % len(units)],
                "online" if rng.random() < 0.15 else "in_person", status, "{}", field, "[]",
                received, received, appointment, appointment, False, finished, resolved,
                resolved, finished, ending, supplements, False, outcome, "{}", 1),
               tasks, others)


def _copy(db: Engine, table: str, columns: tuple[str, ...],
          batch: list[tuple[object, ...]]) -> None:
    """COPY rows into `table` (PostgreSQL's bulk load)."""
    raw = db.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(  # type: ignore[attr-defined]
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in batch:
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def generate(url: str, dossiers: int, seed: int = 1, batch_size: int = 20_000) -> Engine:
    db = prepare_database(url)
    clock = FixedClock(datetime(2025, 6, 1, tzinfo=VN))
    runtime = Runtime(clock)
    with Session(db) as session, session.begin():
        seed_demo_map(session)
        units = communes(session)
        deploy_files(session, read_paths([ROOT / "workflows"]), user="bench",
                     at=clock.now(),
                     limit_parser=limit_parser(runtime.calendar(session, "PHUCLOI")))
    counts: Counter[Any] = Counter()  # the day and month counts the runtime would keep
    with Session(db) as session:
        source = rows(session, units, dossiers, seed)
        started, written = time.perf_counter(), 0
        while True:
            chunk = [row for _, row in zip(range(batch_size), source, strict=False)]
            if not chunk:
                break
            _copy(db, "dossier", DOSSIER_COLUMNS, [d for d, _, _ in chunk])
            _copy(db, "task_record", TASK_COLUMNS, [t for _, ts, _ in chunk for t in ts])
            for table, columns in (("pause", PAUSE_COLUMNS), ("apology", APOLOGY_COLUMNS)):
                _copy(db, table, columns, [r for _, _, more in chunk for t, r in more
                                           if t == table])
            for dossier, tasks, more in chunk:
                values = dict(zip(DOSSIER_COLUMNS, dossier, strict=True))
                counts.update(dossier_cells(values))
                for task in tasks:
                    counts.update(task_cells(dict(zip(TASK_COLUMNS, task, strict=True)),
                                             str(dossier[4]), "HANOI"))
                for table, row in more:  # a pause's or apology's instant is its second
                    counts.update(event_cells(values, row[1], EVENT_COLUMN[table]))
            written += len(chunk)
            print(f"  {written:,} dossiers written ({time.perf_counter() - started:.0f} s)",
                  file=sys.stderr, flush=True)
    with Session(db) as session, session.begin():
        kept = write_counts(session, counts)
    print(f"  {kept:,} rows of day and month counts", file=sys.stderr, flush=True)
    with db.begin() as conn:
        conn.exec_driver_sql(
            "SELECT setval('dossier_id_seq', (SELECT max(id) FROM dossier))")
        conn.exec_driver_sql("ANALYZE")
    with db.connect() as conn:  # index-only scans need the visibility map
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM")
    with Session(db) as session:
        tasks = session.scalar(select(func.count()).select_from(TaskRecord))
        print(f"{dossiers:,} dossiers, {tasks:,} task records in {COMMUNES} communes")
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgresql-url", required=True,
                        help="drops and recreates its tables")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.postgresql_url, args.dossiers, args.seed)


if __name__ == "__main__":
    main()
