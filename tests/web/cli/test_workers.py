"""`lienthong worker`: several worker processes over the same due work on one database
(SQLite, and PostgreSQL when the suite has one) do each piece once, and none exits."""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter

from sqlalchemy import select

from engine.queries import list_tasks
from engine.runtime import Runtime, complete
from engine.storage import Dossier, Event, make_sessionmaker
from tests.conftest import WORKFLOWS, deploy_files, vn
from tests.due_timers import due_escalations
from tests.live_server import lienthong_command

DUE = 90  # dossiers whose escalation timer is due (months ago, by the real clock)
CANCELLED = 30  # dossiers whose timer the officer's completion cancelled


def test_three_workers_fire_every_due_timer_once(committed, clock):
    sessions = make_sessionmaker(committed)
    with sessions.begin() as setup:
        deploy_files(setup, Runtime(clock), WORKFLOWS)
    due_escalations(committed, DUE)
    cancelled = due_escalations(committed, CANCELLED)
    with sessions.begin() as setup:
        for task in list_tasks(setup, department="civil_status"):
            if task.dossier_code in cancelled:  # the officer's step cancels the escalation
                complete(setup, Runtime(clock), task.id, user="officer",
                         data={"decision": "approve"}, at=vn("2026-03-06 16:30"))
    env = dict(os.environ,
               LIENTHONG_DATABASE_URL=committed.url.render_as_string(hide_password=False))
    workers = [subprocess.Popen(  # noqa: S603
        [lienthong_command(), "worker", "--ticks", "3", "--interval", "0.1"], env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [worker.communicate(timeout=240)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0], outputs

    with sessions.begin() as check:
        events = check.execute(select(Dossier.code, Event.kind, Event.detail).join(
            Event, Event.dossier_id == Dossier.id)).all()
        fired = Counter(code for code, kind, _ in events if kind == "timer_fired")
        flagged = Counter(code for code, kind, _ in events if kind == "at_risk")
        running = check.scalars(select(Dossier.code).where(Dossier.status == "running")).all()
        still_due = check.scalars(select(Dossier.code).where(
            Dossier.next_timer_at.is_not(None))).all()
    assert len(fired) == DUE and set(fired.values()) == {1}, fired
    assert all(detail["deadline"] for _, kind, detail in events if kind == "timer_fired")
    assert still_due == []
    # every running dossier is past its appointment: flagged at risk once, by one worker
    assert len(running) == DUE + CANCELLED and flagged == Counter(running)
    assert all("left for the next tick" in output for output in outputs)


def test_a_worker_outlives_a_failing_tick(run_cli):
    """On a database without tables every tick fails: the worker says so and goes on."""
    output = run_cli("worker", "--ticks", "2", "--interval", "0").output
    assert output.count("tick failed: OperationalError") == 2


def test_a_worker_killed_mid_tick_leaves_nothing_half_done(committed, clock):
    """kill -9 while a worker fires timers: the next worker fires what is left, and
    every timer fired once (each dossier's timers are one transaction)."""
    sessions = make_sessionmaker(committed)
    with sessions.begin() as setup:
        deploy_files(setup, Runtime(clock), WORKFLOWS)
    codes = due_escalations(committed, DUE)
    env = dict(os.environ,
               LIENTHONG_DATABASE_URL=committed.url.render_as_string(hide_password=False))
    worker = subprocess.Popen([lienthong_command(), "worker"], env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not fired_counts(sessions):
            time.sleep(0.01)  # waiting for the first fired timer, not timing anything
    finally:
        worker.kill()
        worker.wait()
    assert fired_counts(sessions), "the worker fired nothing within 120 s"
    after = subprocess.run([lienthong_command(), "worker", "--ticks", "1"], env=env,  # noqa: S603
                           capture_output=True, text=True, check=False)
    assert after.returncode == 0, after.stdout + after.stderr
    assert fired_counts(sessions) == Counter(codes)


def fired_counts(sessions) -> Counter[str]:
    with sessions() as check:
        return Counter(check.scalars(select(Dossier.code).join(
            Event, Event.dossier_id == Dossier.id).where(Event.kind == "timer_fired")))
