"""A real server process for the browser and security tests: `lienthong serve` (the
production server, as docs/deployment.md starts it) on a free port, on a fresh SQLite
database with the demo units and users and the shipped procedures. Its output (the
access and error logs) is kept in a file, which the tests read."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30


@dataclass(frozen=True)
class LiveServer:
    url: str
    log: Path
    env: dict[str, str]
    folder: Path
    pid: int  # the server's main process (gunicorn's arbiter)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def lienthong(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `lienthong` command on the server's database."""
        return subprocess.run([lienthong_command(), *args], env=self.env,  # noqa: S603
                              cwd=self.folder, capture_output=True, text=True, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lienthong_command() -> str:
    """The `lienthong` console script of the interpreter running the tests."""
    beside = Path(sys.executable).parent / "lienthong"
    found = str(beside) if beside.exists() else shutil.which("lienthong")
    if found is None:
        pytest.fail("the `lienthong` command is not installed: run `make test`", pytrace=False)
    return found


def server_env(folder: Path, **settings: str) -> dict[str, str]:
    """The environment of a production server on a SQLite file in `folder`: the defaults,
    whatever the shell running the tests has set, with a fresh secret key."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("LIENTHONG_")}
    env.update(LIENTHONG_DATABASE_URL=f"sqlite:///{folder / 'lienthong.db'}",
               LIENTHONG_SECRET_KEY=secrets.token_urlsafe(48), PYTHONUNBUFFERED="1",
               LIENTHONG_WORKERS="2", LIENTHONG_THREADS="4")
    env.update({f"LIENTHONG_{name}": value for name, value in settings.items()})
    return env


def wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)  # polling the server's start, not waiting on a page
    state = (f"exited with code {server.returncode}" if server.poll() is not None
             else f"did not answer {url}/healthz within {START_SECONDS} s")
    pytest.fail(f"`lienthong serve` {state}. Its output:\n{log.read_text(errors='replace')}",
                pytrace=False)


@contextmanager
def live_server(folder: Path, prepare: bool = True, **settings: str) -> Iterator[LiveServer]:
    """`lienthong serve` on a free port of 127.0.0.1, on a new demo database in `folder`
    (or the DATABASE_URL of `settings`; `prepare=False` for one another server already
    prepared), stopped (SIGTERM, as systemd stops it) at the end."""
    env = server_env(folder, **settings)
    command = lienthong_command()
    steps = (["init-db"], ["seed-demo"], ["deploy", str(ROOT / "workflows")])
    for args in steps if prepare else ():
        done = subprocess.run([command, *args], env=env, cwd=folder,  # noqa: S603
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"`lienthong {' '.join(args)}` failed:\n{done.stdout}{done.stderr}",
                        pytrace=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=folder, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_up(url, server, log)
        yield LiveServer(url, log, env, folder, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
