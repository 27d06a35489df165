"""The server itself: what it is, the key it signs sessions with, where sign-in may send
the browser, the headers of every kind of response, and what its log keeps."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from urllib.parse import quote

import pytest
from flask import Flask

from engine.simulation import DEMO_PASSWORD
from tests.live_server import LiveServer, lienthong_command


def test_the_server_is_the_production_server_and_names_no_version(visitor):
    answer = visitor().get("/healthz")
    assert answer.status == 200 and answer.headers["server"] == "gunicorn"


def test_a_reload_replaces_the_workers_and_the_server_keeps_answering(visitor, server):
    """`systemctl reload` sends SIGHUP: new workers start, the old ones finish and stop."""
    booted = server.output().count("Booting worker")
    clerk = visitor()
    clerk.sign_in("tiepnhan.phucloi", DEMO_PASSWORD)
    os.kill(server.pid, signal.SIGHUP)
    deadline = time.monotonic() + 30
    while server.output().count("Booting worker") < booted + 2:
        assert time.monotonic() < deadline, server.output()[-2000:]
        time.sleep(0.1)  # waiting for the new workers' start, not for a page
    assert all(clerk.get("/desk/").status == 200 for _ in range(20))  # still signed in


@pytest.mark.parametrize("key", ["", "dev-only-change-me", "too-short"])
def test_no_server_starts_with_a_missing_published_or_short_key(server: LiveServer, key):
    env = {**server.env, "LIENTHONG_SECRET_KEY": key}
    done = subprocess.run([lienthong_command(), "serve", "--port", "1"],  # noqa: S603
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "LIENTHONG_SECRET_KEY" in done.stderr


def test_a_cookie_signed_with_the_published_key_opens_nothing(visitor):
    forger = Flask("forger")
    forger.secret_key = "dev-only-change-me"  # noqa: S105 - the key once published
    cookie = forger.session_interface.get_signing_serializer(forger).dumps({"user_id": 1})
    attacker = visitor()
    attacker.set_session_cookie(cookie)
    answer = attacker.get("/desk/")
    assert answer.status == 302 and answer.location.startswith("/login")


@pytest.mark.parametrize("target", ["/\t/evil.example/x", "/\\evil.example/x",
                                    "//evil.example/x", "https://evil.example/"])
def test_sign_in_never_redirects_off_site(visitor, target):
    answer = visitor().sign_in("tiepnhan.phucloi", DEMO_PASSWORD, next_path=target)
    if "\t" in target:  # a control character in the query: refused before sign-in
        assert answer.status == 400 and "location" not in answer.headers
    else:
        assert answer.status == 302 and answer.location == "/"


def _assert_protective_headers(headers: dict[str, str]) -> None:
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self' 'nonce-" in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cache-control"] == "no-store"


def test_pages_papers_and_the_api_carry_the_protective_headers(visitor):
    clerk = visitor()
    assert clerk.sign_in("tiepnhan.phucloi", DEMO_PASSWORD).status == 302
    page = clerk.get("/dossiers")
    pdf = clerk.get("/papers/logbook?format=pdf")
    api = clerk.get("/api/openapi.json")
    assert pdf.headers["content-type"] == "application/pdf"
    for answer in (page, pdf, api):
        assert answer.status == 200
        _assert_protective_headers(answer.headers)


def test_a_name_searched_for_stays_out_of_the_access_log(visitor, server: LiveServer):
    clerk = visitor()
    clerk.sign_in("tiepnhan.phucloi", DEMO_PASSWORD)
    name = "Hoàng Thị Tìm Kiếm"
    assert clerk.get(f"/dossiers?q={quote(name)}").status == 200
    log = server.output()
    assert '"GET /dossiers HTTP/1.1" 200' in log
    assert name not in log and quote(name) not in log and "q=" not in log
