"""Issue 10's acceptance run: two servers, three workers and 32 clients on one database.
The clients receive dossiers of the five-step bench procedure and complete every step
through the JSON API (each client on one of the servers, each step's answer giving the
next task), while the workers fire the escalation timers of 1,000 birth registrations
received in March. Then the database is read back and the run is judged: receipts
refused, completions answered 200 but not stored or stored twice, timers fired twice,
processes that exited.

    .venv/bin/python bench/scale_out.py --postgresql-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/scale_out.py --completions 2000 --timers 200     # SQLite, shorter

**--postgresql-url drops and recreates that database's Liên Thông tables.**
"""

# ruff: noqa: E402 - sys.path must hold the repository before `engine` and `tests`
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse
import multiprocessing
import subprocess
import tempfile
import time
import urllib.request
from collections import Counter
from typing import Any

from sqlalchemy import Engine, func, select

from bench.bench_desk import APPLICANT, NOTE, Desk, prepare, ready_task
from bench.engine import clear_database
from engine.storage import Dossier, Event, TaskRecord, make_engine, make_sessionmaker
from tests.due_timers import due_escalations
from tests.live_server import lienthong_command, live_server


def _client(port: int, token: str, completions: int, results: Any) -> None:
    """Receive dossiers and complete all their steps until `completions` were answered."""
    desk = Desk(port, token)
    statuses: Counter[str] = Counter()
    done = 0
    while done < completions:
        status, dossier = desk.call("POST", "/api/dossiers", APPLICANT)
        statuses[f"receipt {status}"] += 1
        if status != 201:
            continue
        task = ready_task(dossier)
        while task and done < completions:
            status, answer = desk.call("POST", f"/api/tasks/{task}/complete", NOTE)
            statuses[f"completion {status}"] += 1
            if status == 200:
                done += 1
                task = ready_task(answer["dossier"])
    results.put(statuses)


def judge(db: Engine, timers: list[str], answered: int) -> dict[str, int]:
    """What the database holds after the run, against what the clients were told."""
    bench = Dossier.process_key == "bench_five_tasks"
    with make_sessionmaker(db)() as check:
        stored = check.scalar(select(func.count()).select_from(TaskRecord).join(
            Dossier, Dossier.id == TaskRecord.dossier_id).where(
            bench, TaskRecord.status == "completed")) or 0
        recorded = check.scalar(select(func.count()).select_from(Event).join(
            Dossier, Dossier.id == Event.dossier_id).where(
            bench, Event.kind == "task_completed")) or 0
        fired = Counter(check.scalars(select(Dossier.code).join(
            Event, Event.dossier_id == Dossier.id).where(Event.kind == "timer_fired")))
    return {
        "completions answered 200": answered,
        "completions stored": stored,
        "completions recorded twice": recorded - stored,
        "due timers": len(timers),
        "due timers fired": sum(1 for code in timers if fired[code]),
        "timers fired twice": sum(1 for count in fired.values() if count > 1),
    }


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


def run(url: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="lienthong-scale-") as scratch:
        folder = Path(scratch)
        for name in ("a", "b"):
            (folder / name).mkdir()
        db = make_engine(url)
        if db.dialect.name != "sqlite":
            clear_database(db)
        settings = {"DATABASE_URL": url, "ACCESS_LOG": ""}
        with live_server(folder / "a", **settings) as first, \
                live_server(folder / "b", prepare=False, **settings) as second:
            token = prepare(first, folder)
            began = time.monotonic()
            timers = due_escalations(db, args.timers)
            print(f"{args.timers} due timers received in {time.monotonic() - began:.0f} s",
                  flush=True)
            workers = [subprocess.Popen(  # noqa: S603
                [lienthong_command(), "worker", "--interval", "1"], env=first.env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                for _ in range(args.workers)]
            ports = [int(server.url.rsplit(":", 1)[1]) for server in (first, second)]
            results: Any = multiprocessing.Queue()
            each = -(-args.completions // args.clients)
            clients = [multiprocessing.Process(target=_client, args=(
                ports[n % 2], token, each, results)) for n in range(args.clients)]
            began = time.monotonic()
            for client in clients:
                client.start()
            statuses: Counter[str] = Counter()
            for _ in clients:
                statuses.update(results.get(timeout=3600))
            for client in clients:
                client.join()
            took = time.monotonic() - began
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and judge(db, timers, 0)["due timers fired"] \
                    < len(timers):
                time.sleep(1)
            exited, tracebacks = sum(worker.poll() is not None for worker in workers), 0
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=60)
            for server in (first, second):
                exited += not _answers(server.url)
                tracebacks += server.output().count("Traceback")
        answered = statuses["completion 200"]
        print(f"\n{args.clients} clients, 2 servers, {args.workers} workers, "
              f"{db.dialect.name}: {answered} completions in {took:.0f} s "
              f"({answered / took:.0f}/s, receipts included)")
        for status, count in sorted(statuses.items()):
            print(f"  answers {status}: {count}")
        for what, count in judge(db, timers, answered).items():
            print(f"  {what}: {count}")
        refused = sum(c for s, c in statuses.items() if s.startswith("receipt ") and
                      s != "receipt 201")
        print(f"  receipts refused: {refused}\n  processes that exited: {exited}\n"
              f"  tracebacks in the servers' logs: {tracebacks}")
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--completions", type=int, default=10_000)
    parser.add_argument("--timers", type=int, default=1_000)
    parser.add_argument("--postgresql-url", help="WARNING: its Liên Thông tables are dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lienthong-scale-db-") as scratch:
        run(args.postgresql_url or f"sqlite:///{Path(scratch) / 'lienthong.db'}", args)


if __name__ == "__main__":
    main()
