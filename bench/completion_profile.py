"""`bench/completions.py --profile`: completions through the app in this process under
cProfile, with the SQL statements of each counted and the own time by package."""

from __future__ import annotations

import cProfile
import pstats
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bench.bench_desk import APPLICANT, NOTE, ready_task
from tests.live_server import LiveServer
from web.app import create_app
from web.db import services

ROOT = Path(__file__).resolve().parent.parent


def profile(server: LiveServer, token: str, completions: int, lines: int,
            settings: dict[str, str]) -> None:
    """`completions` completions through the app in this process (Flask's test client, no
    gunicorn) on the server's database, under cProfile; SQL statements counted."""
    app = create_app({"LIENTHONG": {
        **settings, "DATABASE_URL": server.env["LIENTHONG_DATABASE_URL"]}})
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    with app.app_context():
        db, workflows = services().db, services().runtime.workflows
    statements, counting, last = Counter[str](), [False], list[str]()

    @event.listens_for(db, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if counting[0]:
            statements[statement.split(None, 1)[0].upper()] += 1
            last.append(" ".join(statement.split())[:110])

    def received() -> str:
        answer = client.post("/api/dossiers", json=APPLICANT, headers=headers)
        return ready_task(answer.get_json())

    task, took = received(), 0.0
    for _ in range(10):  # a warm-up, left out
        task = ready_task(client.post(f"/api/tasks/{task}/complete", json=NOTE,
                                  headers=headers).get_json()["dossier"]) or received()
    profiler, counting[0] = cProfile.Profile(), True
    for _ in range(completions):
        began = time.perf_counter()
        last.clear()
        profiler.enable()
        answer = client.post(f"/api/tasks/{task}/complete", json=NOTE, headers=headers)
        profiler.disable()
        took += time.perf_counter() - began
        counting[0] = False
        task = ready_task(answer.get_json()["dossier"]) or received()
        counting[0] = True
    done = completions
    print(f"\nprofile: {done} completions in process, {took / done * 1000:.1f} ms each "
          f"with cProfile; SQL statements per completion: "
          + ", ".join(f"{kind} {count / done:.1f}" for kind, count in statements.most_common())
          + f"; live workflows taken from the cache {workflows.hits}, rebuilt "
          f"{workflows.misses}")
    print("the statements of the last completion:", *last, sep="\n  ")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print("own time by package: " + ", ".join(
        f"{name} {seconds / done * 1000:.2f} ms" for name, seconds in by_package(stats)))
    stats.strip_dirs().sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def by_package(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own (not cumulative) time of the profiled functions, by the package their file is
    in (site-packages' top folder, this repository's top folder, else "python")."""
    own: Counter[str] = Counter()
    for (filename, _line, _name), (_calls, _primitive, tottime, *_rest) in \
            stats.stats.items():  # type: ignore[attr-defined]
        parts = Path(filename).parts
        if "site-packages" in parts:
            package = parts[parts.index("site-packages") + 1]
        elif Path(filename).is_relative_to(ROOT):
            package = Path(filename).relative_to(ROOT).parts[0]
        else:
            package = "python"
        own[package.split(".", 1)[0].split("-", 1)[0]] += tottime
    return own.most_common()
