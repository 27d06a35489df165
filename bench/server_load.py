"""HTTP load on the production server (`lienthong serve`, gunicorn) beside the
development server (`lienthong serve --dev`, Werkzeug) in the same run, on the same
demo database: requests per second and latency percentiles of a few typical requests.

    .venv/bin/python bench/server_load.py                  # 10 s per request kind and server
    .venv/bin/python bench/server_load.py --seconds 20 --clients 16

The load comes from client processes on the same machine (keep-alive connections, one
request at a time each), so both servers share the cores with their clients: the
figures compare the two servers, they are not the capacity of a dedicated machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.simulation import DEMO_PASSWORD  # noqa: E402
from tests.live_server import (  # noqa: E402
    LiveServer,
    free_port,
    lienthong_command,
    live_server,
    wait_until_up,
)
from tests.security.client import Client  # noqa: E402

APPLICANT = {"name": "Người Thử Tải", "address": "Phúc Lợi, Long Biên"}


def _client(port: int, path: str, headers: dict[str, str], until: float,
            results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors = [], 0
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except OSError:
            errors += 1
            connection = HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
    results.put((latencies, errors))


def load(port: int, path: str, headers: dict[str, str], clients: int,
         seconds: float) -> dict[str, float]:
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    until = time.monotonic() + seconds
    workers = [multiprocessing.Process(target=_client,
                                       args=(port, path, headers, until, results))
               for _ in range(clients)]
    for worker in workers:
        worker.start()
    latencies: list[float] = []
    errors = 0
    for _ in workers:
        found, failed = results.get()
        latencies.extend(found)
        errors += failed
    for worker in workers:
        worker.join()
    latencies.sort()
    cut = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"rps": len(latencies) / seconds, "p50": cut[49] * 1000, "p95": cut[94] * 1000,
            "p99": cut[98] * 1000, "errors": errors}


def api(server: LiveServer, token: str, method: str, path: str,
        payload: object | None = None) -> object:
    request = urllib.request.Request(  # noqa: S310 - our own server on loopback
        f"{server.url}{path}", method=method,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read())


@contextmanager
def dev_server(server: LiveServer) -> Iterator[int]:
    """`lienthong serve --dev` on the same database as `server`."""
    port = free_port()
    log = server.folder / "dev-server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [lienthong_command(), "serve", "--dev", "--port", str(port)], env=server.env,
            cwd=server.folder, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, log)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", default="2")
    parser.add_argument("--threads", default="4")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder, live_server(
            Path(folder), WORKERS=args.workers, THREADS=args.threads, ACCESS_LOG="") as server:
        made = server.lienthong("token", "create", "tiepnhan.phucloi", "--name", "bench")
        token = made.stdout.strip().splitlines()[-1]
        codes = [api(server, token, "POST", "/api/dossiers",
                     {"procedure": "birth_registration", "applicant": APPLICANT})["code"]
                 for _ in range(20)]
        auth = {"Authorization": f"Bearer {token}"}
        clerk = Client(server.url)
        clerk.sign_in("tiepnhan.phucloi", DEMO_PASSWORD)
        signed_in = {"Cookie": f"session={clerk.session_cookie()}"}
        kinds = [("GET /healthz", "/healthz", {}),
                 ("GET /login (a page)", "/login", {}),
                 ("GET /dossiers (signed in)", "/dossiers", signed_in),
                 ("GET /api/dossiers/<code>", f"/api/dossiers/{codes[0]}", auth),
                 ("GET /api/dossiers?limit=20", "/api/dossiers?limit=20", auth)]
        production_port = int(server.url.rsplit(":", 1)[1])
        print(f"{args.clients} clients, {args.seconds:g} s per request kind and server; "
              f"production: {args.workers} processes x {args.threads} threads (gunicorn "
              "gthread); development: Werkzeug, one process, a thread per request\n")
        print(f"{'request':28} {'server':12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'errors':>7}")
        with dev_server(server) as dev_port:
            for label, path, headers in kinds:
                for name, port in (("production", production_port), ("development", dev_port)):
                    figures = load(port, path, headers, args.clients, args.seconds)
                    print(f"{label:28} {name:12} {figures['rps']:8.0f} {figures['p50']:8.1f} "
                          f"{figures['p95']:8.1f} {figures['p99']:8.1f} "
                          f"{figures['errors']:7.0f}", flush=True)


if __name__ == "__main__":
    main()
