"""Eight desks at once on the production server (`lienthong serve`, gunicorn, two
processes of four threads) on its embedded SQLite database: each receives dossiers and
completes their first step, all of them together, on dossiers nobody else touches.

A write request holds SQLite's write lock from its first statement (web.db.db), so the
desks wait their turn; before that, a request that read and then wanted to write was
refused whenever another had committed in between (issue 10: 449 refusals in 7 s).
Counts answers only: how long anything took is bench/completions.py's business."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections import Counter
from collections.abc import Iterator
from http.client import HTTPConnection
from typing import Any

import pytest

from tests.live_server import LiveServer, live_server
from tests.samples import MOTHER, RECEIVE

DESKS = 8
ROUNDS = 6  # dossiers each desk receives and moves on


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("desks")) as running:
        yield running


def _token(server: LiveServer) -> str:
    made = server.lienthong("token", "create", "tiepnhan.phucloi", "--name", "desks")
    assert made.returncode == 0, made.stderr
    return made.stdout.strip().splitlines()[-1]


def _desk(server: LiveServer, token: str, start: threading.Barrier,
          answers: Counter[int]) -> None:
    """Receive a dossier, complete its first step; again, ROUNDS times."""
    connection = HTTPConnection(server.url.removeprefix("http://"), timeout=120)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def post(path: str, payload: dict[str, Any]) -> dict[str, Any]:
        connection.request("POST", path, body=json.dumps(payload), headers=headers)
        response = connection.getresponse()
        body = json.loads(response.read())
        answers[response.status] += 1
        return body if isinstance(body, dict) else {}

    start.wait()
    for _ in range(ROUNDS):
        dossier = post("/api/dossiers", {"procedure": "birth_registration",
                                         "applicant": MOTHER})
        ready = [s["id"] for s in dossier.get("steps", ()) if s["status"] == "ready"]
        if ready:
            post(f"/api/tasks/{ready[0]}/complete", {"data": RECEIVE})
    connection.close()


def test_eight_desks_writing_at_once_are_never_refused(server: LiveServer):
    token = _token(server)
    start, answers = threading.Barrier(DESKS), Counter[int]()
    desks = [threading.Thread(target=_desk, args=(server, token, start, answers))
             for _ in range(DESKS)]
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.join()
    assert answers == {201: DESKS * ROUNDS, 200: DESKS * ROUNDS}
    assert "database is locked" not in server.output()
    # every receipt took the day's next number: none twice, no gap
    request = urllib.request.Request(f"{server.url}/api/dossiers?limit=100",  # noqa: S310
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as listed:  # noqa: S310 - loopback
        codes = sorted(d["code"] for d in json.loads(listed.read()))
    assert [code[-4:] for code in codes] == [f"{n:04d}" for n in range(1, DESKS * ROUNDS + 1)]
