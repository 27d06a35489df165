"""Issue 12's province-scale timings: the supervisors' three heaviest views on the
database bench/province.py wrote (a year of 126 communes), each asked ROUNDS times warm,
with its median and 95th percentile. The target is p95 under 1 second for each of the
first four (the issue's three views, the dashboard also for this month); a step's
detail and one ward's audit are timed beside them.

    .venv/bin/python bench/supervision.py --postgresql-url URL [--rounds 20] [--explain]

`--explain` then prints PostgreSQL's plan (EXPLAIN ANALYZE) of every query each view
sent, with its time, for bench/README.md.
"""

# ruff: noqa: E402 - sys.path must hold the repository before `engine` and `bench`
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from engine.calendar import FixedClock
from engine.dossiers import assess
from engine.org import descendants
from engine.reporting import build_dashboard, step_audit, step_detail
from engine.runtime import Runtime
from engine.storage import make_engine

VN = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR = (date(2025, 7, 1), date(2026, 6, 30))
NOW = datetime(2026, 6, 30, 16, tzinfo=VN)  # the last day of the generated year


def timed(name: str, rounds: int, limit: float, view: Callable[[], object]) -> None:
    """Ask `view` once to warm up, then `rounds` times (or until `limit` seconds pass);
    print the median and p95."""
    view()
    seconds: list[float] = []
    started = time.perf_counter()
    while len(seconds) < rounds and time.perf_counter() - started < limit:
        began = time.perf_counter()
        view()
        seconds.append(time.perf_counter() - began)
    p95 = statistics.quantiles(seconds, n=20)[18] if len(seconds) > 1 else seconds[0]
    verdict = "ok" if p95 < 1 else "OVER 1 s"
    print(f"{name:<48} n={len(seconds):>2}  median {statistics.median(seconds):7.3f} s  "
          f"p95 {p95:7.3f} s  {verdict}", flush=True)


def explain(db: Engine, name: str, view: Callable[[], object]) -> None:
    """Run `view` once, then EXPLAIN ANALYZE each statement it sent (same parameters)."""
    sent: list[tuple[str, object]] = []

    def keep(_conn: Connection, _cursor: object, statement: str, parameters: object,
             _context: object, _many: bool) -> None:
        sent.append((statement, parameters))

    event.listen(db, "before_cursor_execute", keep)
    try:
        view()
    finally:
        event.remove(db, "before_cursor_execute", keep)
    print(f"\n## {name}: {len(sent)} queries", flush=True)
    with db.connect() as conn:
        for statement, parameters in sent:
            plan = [row[0] for row in conn.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)]  # type: ignore[arg-type]
            print("\n" + " ".join(statement.split())[:300] + " ...")
            print("\n".join(plan), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgresql-url", required=True)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--limit", type=float, default=300,
                        help="seconds a view may take in all before its figures are printed")
    parser.add_argument("--only", choices=("dashboard", "month", "risk", "audit", "detail",
                                           "ward-audit"),
                        help="time one view only")
    parser.add_argument("--explain", action="store_true",
                        help="print the plan of every query of the views timed")
    args = parser.parse_args()
    db = make_engine(args.postgresql_url)
    runtime = Runtime(FixedClock(NOW))
    with Session(db) as session:
        city = descendants(session, "HANOI")
        ward = descendants(session, "HN-C001")
        views: dict[str, tuple[str, Callable[[], object]]] = {
            "dashboard": ("dashboard of the city, a year", lambda: build_dashboard(
                session, unit="HANOI", start=YEAR[0], end=YEAR[1])),
            "month": ("dashboard of the city, this month", lambda: build_dashboard(
                session, unit="HANOI", start=NOW.date().replace(day=1), end=NOW.date())),
            "risk": ("at-risk list of one ward", lambda: assess(session, runtime, ward, NOW)),
            "audit": ("step audit of birth registration, city, a year", lambda: step_audit(
                session, "birth_registration", units=city, start=YEAR[0], end=YEAR[1],
                calendars=lambda unit: runtime.calendar(session, unit))),
            "detail": ("a step's late runs and slowest 5%, city, a year", lambda: step_detail(
                session, "birth_registration", "register_birth", units=city, start=YEAR[0],
                end=YEAR[1], calendars=lambda unit: runtime.calendar(session, unit))),
            "ward-audit": ("step audit of birth registration, one ward, a year",
                           lambda: step_audit(session, "birth_registration", units=ward,
                                              start=YEAR[0], end=YEAR[1],
                                              calendars=lambda unit: runtime.calendar(
                                                  session, unit))),
        }
        chosen = [(name, view) for key, (name, view) in views.items()
                  if args.only in (None, key)]
        for name, view in chosen:
            timed(name, args.rounds, args.limit, view)
        for name, view in chosen if args.explain else ():
            explain(db, name, view)


if __name__ == "__main__":
    main()
