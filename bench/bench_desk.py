"""The bench procedure over HTTP: its catalog entry and user, put on a server's
database by `prepare`, and `Desk`, one client's keep-alive connection acting with the
user's API token (bench/completions.py and bench/scale_out.py)."""

from __future__ import annotations

import json
import secrets
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from bench.engine import DIAGRAM
from tests.live_server import LiveServer

USER = "bench.phucloi"
NOTE = {"data": {"note": "x"}}
APPLICANT = {"procedure": "BENCH-5", "applicant": {"name": "Người Thử Tải"}}
CATALOG = """code = "BENCH-5"
name = "Năm bước (đo hiệu năng)"
process = "bench_five_tasks"
field_of_work = "Đo hiệu năng"
level = "ward"
time_limit = "P3D"
effective_from = 2020-01-01

[unverified]
time_limit = "a benchmark's procedure: no legal text sets it"
"""


class Desk:
    """One client's connection, acting with the bench user's API token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection = HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, payload: object) -> tuple[int, Any]:
        body = json.dumps(payload).encode()
        try:
            self.connection.request(method, path, body=body, headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json"})
            response = self.connection.getresponse()
            data = response.read()
        except OSError:  # a broken connection counts as status 0; open a new one
            self.connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, None
        return response.status, json.loads(data) if data else None

    def receive(self) -> str:
        """A new dossier (asked again while refused as busy); its first ready task's id."""
        status, dossier = self.call("POST", "/api/dossiers", APPLICANT)
        while status == 409:
            status, dossier = self.call("POST", "/api/dossiers", APPLICANT)
        if status != 201:
            raise RuntimeError(f"receiving a dossier answered {status}: {dossier}")
        return ready_task(dossier)


def ready_task(dossier: dict[str, Any]) -> str:
    """The id of the dossier's ready step ("" once none is left)."""
    return next((s["id"] for s in dossier["steps"] if s["status"] == "ready"), "")


def prepare(server: LiveServer, folder: Path) -> str:
    """Deploy the bench diagram with its catalog entry, add the bench user (reception and
    civil status of the ward) and give back an API token of theirs."""
    diagrams = folder / "bench-procedure"
    diagrams.mkdir()
    (diagrams / DIAGRAM.name).write_bytes(DIAGRAM.read_bytes())
    (diagrams / "five_tasks.toml").write_text(CATALOG, encoding="utf-8")
    for args in (("deploy", str(diagrams), "--user", "bench"),
                 ("add-user", USER, "--name", "Người Đo", "--unit", "PHUCLOI",
                  "--role", "reception", "--role", "staff", "--department", "reception",
                  "--department", "civil_status", "--password", secrets.token_urlsafe(16)),
                 ("token", "create", USER, "--name", "bench")):
        done = server.lienthong(*args)
        if done.returncode != 0:
            raise RuntimeError(f"lienthong {args[0]} failed: {done.stdout}{done.stderr}")
    return done.stdout.strip().splitlines()[-1]
