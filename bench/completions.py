"""Task completions over HTTP on the production server (`lienthong serve`, gunicorn) at
1, 8 and 32 clients, on SQLite and PostgreSQL, beside the engine's own figure in process
(bench/engine.py) on the same database, in one run.

    .venv/bin/python bench/completions.py                          # SQLite only
    .venv/bin/python bench/completions.py --postgresql-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME
    .venv/bin/python bench/completions.py --clients 32 --workers 3 --threads 8

**--postgresql-url drops and recreates that database's Liên Thông tables.** The workload
is bench/engine.py's: five user tasks in a row (bench/data/five_tasks.bpmn), deployed
with a catalog entry so the desk's API receives it. Each client is a process with one
keep-alive connection and one request at a time: it receives its share of the dossiers
first (not timed), then, for --seconds, completes the ready task of one dossier after
another, taking the next task's id from the answer, as an integration would: in a
closed loop (--rate 0, the capacity), or offering R completions/s between them on a
fixed schedule (--rate R), latency counted from the scheduled send. The clients share
the machine's cores with the server.
"""

# ruff: noqa: E402 - sys.path must hold the repository before `engine` and `tests`
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this file's folder comes first on sys.path and would shadow the
# `engine` package with bench/engine.py.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

import argparse
import math
import multiprocessing
import os
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.bench_desk import NOTE, Desk, prepare, ready_task
from bench.completion_profile import profile
from bench.engine import clear_database, engine_figure
from engine.storage import make_engine
from tests.live_server import LiveServer, live_server
from web.settings import load as load_settings


@dataclass
class Figures:
    """What the clients of one run saw."""

    seconds: float
    latencies: list[float] = field(default_factory=list)  # of the 200 answers
    statuses: Counter[int] = field(default_factory=Counter)  # every answer by status
    receipts: int = 0  # dossiers received during the timed run (a client ran out)
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the run, by whom
    elapsed: float = 0.0  # offered load: until the last client's last answer
    unsent: int = 0  # offered load: sends given up on, the server being too far behind

    @property
    def per_second(self) -> float:
        return len(self.latencies) / max(self.seconds, self.elapsed)

    def ms(self, p: int) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1] * 1000


def _client(port: int, token: str, dossiers: int, seconds: float, rate: float,
            phase: float, ready: Any, start: Any, results: Any) -> None:
    """Closed loop when `rate` is 0: the next request as soon as the answer comes. Else
    offered load: this client sends at `rate` per second on a fixed schedule (shifted by
    `phase` seconds) and each latency counts from the scheduled send, not from the
    actual one, so a server that falls behind is not hidden (no coordinated omission)."""
    desk = Desk(port, token)
    pending = [desk.receive() for _ in range(dossiers)]
    ready.put(None)
    at = start.get()
    # The server closes a connection idle for 5 s (keep-alive), as this one may be while
    # the other clients receive theirs: a new one, opened on the first request.
    desk.connection.close()
    until = at + seconds
    # Offered load: the sends scheduled before `until`; those still unsent a further
    # `seconds` later are given up on and reported as not sent.
    due = at + phase if rate else 0.0
    latencies, statuses, receipts = [], Counter[int](), 0
    task = pending.pop()
    while (due < until and time.monotonic() < until + seconds) if rate else (
            time.monotonic() < until):
        if not task:  # the dossier is done: the next one (received now if none is left)
            receipts += not pending
            task = pending.pop() if pending else desk.receive()
            continue
        if rate and (wait := due - time.monotonic()) > 0:
            time.sleep(wait)
        began = due if rate else time.monotonic()
        status, answer = desk.call("POST", f"/api/tasks/{task}/complete", NOTE)
        took = time.monotonic() - began
        statuses[status] += 1
        if status == 200:
            latencies.append(took)
            task = ready_task(answer["dossier"])
            due += 1 / rate if rate else 0.0
        elif status not in (0, 409):  # a refusal or a broken connection (a worker
            # replaced) is counted; the same task is tried again
            raise RuntimeError(f"completing task {task} answered {status}: {answer}")
    unsent = max(0, math.ceil((until - due) * rate)) if rate else 0
    results.put((latencies, statuses, receipts, time.monotonic() - at, unsent))


def _ticks(path: str) -> int:
    """User + system CPU ticks of a /proc stat file (a process's, or the machine's "cpu"
    line without idle and iowait)."""
    text = Path(path).read_text()
    if path == "/proc/stat":
        fields = [int(v) for v in text.split("\n", 1)[0].split()[1:]]
        return sum(fields) - fields[3] - fields[4]
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def server_ticks(arbiter: int) -> dict[str, int]:
    """CPU ticks of each of the server's worker processes (the arbiter's children)."""
    children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
    return {pid: _ticks(f"/proc/{pid}/stat") for pid in children}


def load(server: LiveServer, token: str, clients: int, seconds: float,
         dossiers: int, rate: float = 0.0) -> Figures:
    """`clients` processes completing tasks for `seconds`, after receiving `dossiers`
    dossiers between them: in a closed loop, or offering `rate` completions per second
    in all, each client its share on a fixed schedule, the clients' schedules staggered."""
    port = int(server.url.rsplit(":", 1)[1])
    ready, start, results = (multiprocessing.Queue() for _ in range(3))
    each = max(2, -(-dossiers // clients))
    processes = [multiprocessing.Process(target=_client, args=(
        port, token, each, seconds, rate / clients, i / rate if rate else 0.0, ready, start,
        results)) for i in range(clients)]
    for process in processes:
        process.start()
    for _ in processes:
        ready.get(timeout=600)
    at = time.monotonic() + 0.2
    for _ in processes:
        start.put(at)
    time.sleep(0.2)
    before = (_ticks("/proc/stat"), server_ticks(server.pid))
    figures = Figures(seconds)
    for _ in processes:
        latencies, statuses, receipts, elapsed, unsent = results.get(timeout=seconds + 120)
        figures.latencies.extend(latencies)
        figures.statuses.update(statuses)
        figures.receipts += receipts
        if rate:
            figures.elapsed = max(figures.elapsed, elapsed)
            figures.unsent += unsent
    # Until the last answer: offered load may end after `seconds`, the server behind.
    after = (_ticks("/proc/stat"), server_ticks(server.pid))
    for process in processes:
        process.join()
    tick = os.sysconf("SC_CLK_TCK")
    figures.cpu = {"machine": (after[0] - before[0]) / tick}
    if before[1].keys() == after[1].keys():  # else a worker was replaced (MAX_REQUESTS)
        figures.cpu["server"] = sum(after[1][pid] - before[1][pid] for pid in after[1]) / tick
    return figures


def row(label: str, clients: str, count: int, per_second: float, p50: float, p95: float,
        p99: float, refused: str) -> None:
    print(f"{label:34} {clients:>7} {count:>7} {per_second:>9.0f} {p50:>7.1f} {p95:>7.1f} "
          f"{p99:>7.1f}  {refused}", flush=True)


def run_database(name: str, url: str | None, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="lienthong-load-") as scratch:
        folder = Path(scratch)
        url = url or f"sqlite:///{folder / 'lienthong.db'}"
        alone = None if args.profile else engine_figure(url, args.engine_dossiers)
        if name != "sqlite":
            db = make_engine(url)
            clear_database(db)
            db.dispose()
        else:
            (folder / "lienthong.db").unlink(missing_ok=True)  # --profile measured nothing first
        defaults = load_settings({})
        workers = args.workers or defaults["WORKERS"]
        threads = args.threads or defaults["THREADS"]
        extra = dict(setting.split("=", 1) for setting in args.setting)
        with live_server(folder, **{"ACCESS_LOG": "", **extra, "DATABASE_URL": url,
                                    "WORKERS": workers, "THREADS": threads}) as server:
            token = prepare(server, folder)
            if alone is None:
                profile(server, token, args.profile_completions, args.profile, extra)
                return
            print(f"\n{name}: in process, bench/engine.py, {args.engine_dossiers} dossiers "
                  f"one after another; server: lienthong serve, {workers} processes x "
                  f"{threads} threads{''.join(f', {s}' for s in args.setting)}, "
                  f"{args.seconds:g} s per run")
            print(f"{'':34} {'clients':>7} {'done':>7} {'per s':>9} {'p50 ms':>7} "
                  f"{'p95 ms':>7} {'p99 ms':>7}  other answers")
            row("engine in process (tasks/s)", "1", alone.tasks, alone.tasks_per_s,
                alone.percentile_ms(50), alone.percentile_ms(95), alone.percentile_ms(99), "")
            for clients in args.clients:
                for rate in args.rate if clients > 1 else [0.0]:
                    found = load(server, token, clients, args.seconds, args.dossiers, rate)
                    print_load(found, clients, rate)


def print_load(found: Figures, clients: int, rate: float) -> None:
    other = ", ".join(f"{count} x {status or 'broken'}" for status, count in
                      sorted(found.statuses.items()) if status != 200)
    if found.receipts:
        other += f" ({found.receipts} dossiers received during the run)"
    if found.unsent:
        other += f" ({found.unsent} sends given up, the server too far behind)"
    done = max(1, len(found.latencies))
    server_cpu = (f"{found.cpu['server'] / done * 1000:.1f}" if "server" in found.cpu
                  else "? (a worker was replaced)")
    other += (f"; CPU ms per completion: server {server_cpu}, "
              f"machine {found.cpu['machine'] / done * 1000:.1f}")
    label = f"HTTP, {rate:g}/s offered" if rate else "HTTP completions, closed loop"
    row(label, str(clients), len(found.latencies), found.per_second, found.ms(50),
        found.ms(95), found.ms(99), other.lstrip("; ") or "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--rate", type=float, nargs="+", default=[0.0, 200.0],
                        metavar="R", help="per number of clients, one run per R: 0 is a "
                        "closed loop (each client sends again as soon as answered: the "
                        "capacity), R > 0 offers R completions/s in all on a fixed schedule, "
                        "latency counted from the scheduled send (default 0 200; one client "
                        "runs closed loop only)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per run (default 10)")
    parser.add_argument("--dossiers", type=int, default=600,
                        help="dossiers the clients receive before each run (default 600)")
    parser.add_argument("--engine-dossiers", type=int, default=100,
                        help="dossiers of the in-process figure (default 100)")
    parser.add_argument("--workers", default="", help="LIENTHONG_WORKERS (default: the "
                        "setting's default)")
    parser.add_argument("--threads", default="", help="LIENTHONG_THREADS")
    parser.add_argument("--setting", action="append", default=[], metavar="NAME=VALUE",
                        help="another setting of the server, without LIENTHONG_ "
                        "(e.g. MAX_REQUESTS=0); repeatable")
    parser.add_argument("--postgresql-url", help="also run on this PostgreSQL database; "
                        "WARNING: its Liên Thông tables are dropped")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--profile", type=int, nargs="?", const=30, metavar="LINES",
                        help="instead of the load: profile completions in this process "
                        "(cProfile) and print the top LINES")
    parser.add_argument("--profile-completions", type=int, default=300, metavar="N")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {multiprocessing.cpu_count()} cores, the load "
          "clients on the same machine")
    if not args.no_sqlite:
        run_database("sqlite", None, args)
    if args.postgresql_url:
        run_database("postgresql", args.postgresql_url, args)


if __name__ == "__main__":
    main()
