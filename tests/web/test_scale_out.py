"""Scale-out as docs/deployment.md describes it: two server processes and two workers on
one database (SQLite, and the suite's PostgreSQL). The interlinked procedure runs through
both servers at once, the ward's steps on one and the police's and the social-insurance
office's on the other, while the workers fire due timers and deliver what waits in the
outbox: every step, message and timer is done once, and no process exits."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from engine.org import create_token
from engine.storage import Dossier, Event, Message, TaskRecord, make_sessionmaker
from tests.conftest import BACKENDS, VN, empty_database
from tests.due_timers import due_escalations
from tests.live_server import lienthong_command, live_server
from tests.samples import CHILD, MOTHER

DOSSIERS = 6  # interlinked dossiers worked at the same time
TIMERS = 30  # birth registrations whose escalation timer is due (since March)
WARD, POLICE, INSURANCE = "tiepnhan.phucloi", "congan.phucloi", "bhxh.longbien"
USERS = (WARD, "hotich.phucloi", "lanhdao.phucloi", POLICE, INSURANCE)
WAIT_SECONDS = 90  # for a task that a worker's delivery brings


class Desk:
    """One user's API client on one server."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - the test server's http URL
            f"{self.base}/api{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            pytest.fail(f"{method} {path}: {error.code} {error.read()!r}")

    def task_of(self, code: str) -> dict[str, Any]:
        """The user's ready task of the dossier, once it is there (a message the worker
        delivers brings it on the worker's next tick)."""
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            tasks = [t for t in self.call("GET", "/tasks") if t["dossier_code"] == code]
            if tasks:
                return dict(tasks[0])
            time.sleep(0.2)  # polling for another process's work, not timing it
        pytest.fail(f"no task of {code} for this user within {WAIT_SECONDS} s")

    def complete(self, code: str, data: dict[str, Any]) -> Any:
        task = self.task_of(code)
        return self.call("POST", f"/tasks/{task['id']}/complete", {"data": data})


def interlinked(ward: dict[str, Desk], agencies: dict[str, Desk]) -> str:
    """One interlinked dossier from reception to its return: the ward's steps on one
    server, the police's and social insurance's on the other."""
    code = str(ward[WARD].call("POST", "/dossiers", {
        "procedure": "birth_residence_health_card", "applicant": MOTHER,
        "documents": ["Tờ khai", "Giấy chứng sinh"]})["code"])
    ward[WARD].complete(code, CHILD)
    ward["hotich.phucloi"].complete(code, {"decision": "approve", "register_number": "1"})
    signed = ward["lanhdao.phucloi"].complete(code, {"leader_decision": "approve"})["dossier"]
    police = next(link["code"] for link in signed["links"]
                  if link["process_key"] == "residence_linked_part")
    agencies[POLICE].complete(police, {"residence_decision": "approve",
                                       "needs_verification": False})
    agencies[POLICE].complete(police, {"residence_number": "CT-1"})
    card = next(link["code"] for link in ward[WARD].call("GET", f"/dossiers/{code}")["links"]
                if link["process_key"] == "health_card_linked_part")
    agencies[INSURANCE].complete(card, {"card_decision": "approve"})
    agencies[INSURANCE].complete(card, {"card_number": "0126012345",
                                        "card_valid_from": "2026-02-27"})
    ward[WARD].complete(code, {"returned_to": "Trần Thị Bích", "return_channel": "desk"})
    return code


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    with empty_database(request.param, tmp_path, "scale_out") as engine:
        yield engine


def test_two_servers_and_two_workers_on_one_database(database, tmp_path):
    url = database.url.render_as_string(hide_password=False)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    with live_server(tmp_path / "a", DATABASE_URL=url) as first, \
            live_server(tmp_path / "b", prepare=False, DATABASE_URL=url) as second:
        timers = due_escalations(database, TIMERS)
        with make_sessionmaker(database).begin() as session:
            tokens = {user: create_token(session, user, "scale-out", datetime.now(VN))
                      for user in USERS}
        workers = [subprocess.Popen(  # noqa: S603
            [lienthong_command(), "worker", "--interval", "0.2"], env=first.env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        try:
            ward = {user: Desk(first.url, tokens[user]) for user in USERS}
            agencies = {user: Desk(second.url, tokens[user]) for user in USERS}
            with ThreadPoolExecutor(DOSSIERS) as pool:
                codes = list(pool.map(lambda _: interlinked(ward, agencies), range(DOSSIERS)))
            deadline = time.monotonic() + WAIT_SECONDS
            while time.monotonic() < deadline and fired(database, timers) < len(timers):
                time.sleep(0.2)  # waiting for the workers' ticks, not timing them
            running = [worker.poll() for worker in workers]
        finally:
            for worker in workers:
                worker.terminate()
            logs = [worker.communicate(timeout=30)[0] for worker in workers]
        assert running == [None, None], logs  # no worker exited
        for server in (first, second):
            assert "Traceback" not in server.output()
            os.kill(server.pid, 0)  # still serving

    with make_sessionmaker(database)() as check:
        statuses = Counter(check.execute(select(Dossier.process_key, Dossier.status)).all())
        assert statuses == {("birth_residence_health_card", "returned"): DOSSIERS,
                            ("residence_linked_part", "completed"): DOSSIERS,
                            ("health_card_linked_part", "completed"): DOSSIERS,
                            ("birth_registration", "running"): TIMERS}
        assert set(check.scalars(select(Dossier.code).where(
            Dossier.process_key == "birth_residence_health_card"))) == set(codes)
        events = check.execute(select(Event.kind, Event.detail)).all()
        received = Counter(detail["id"] for kind, detail in events if kind == "message_received")
        messages = check.execute(select(Message.id, Message.status)).all()
        assert len(messages) == 4 * DOSSIERS  # two requests, two results per dossier
        assert {status for _, status in messages} == {"delivered"}
        assert received == Counter(message_id for message_id, _ in messages)  # once each
        completed = check.scalar(select(func.count()).select_from(TaskRecord).where(
            TaskRecord.status == "completed"))
        assert Counter(kind for kind, _ in events)["task_completed"] == completed
    assert fired(database, timers) == len(timers)


def fired(database: Engine, codes: list[str]) -> int:
    """How many of these dossiers' timers fired, each exactly once (else the test fails)."""
    with make_sessionmaker(database)() as check:
        counts = Counter(check.scalars(select(Dossier.code).join(
            Event, Event.dossier_id == Dossier.id).where(
            Event.kind == "timer_fired", Dossier.code.in_(codes))))
    assert set(counts.values()) <= {1}, counts
    return len(counts)
