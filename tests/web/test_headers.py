"""What every response says about itself: the security headers, the nonce of the inline
scripts, no caching of citizens' data, and the client's address behind a proxy."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import login
from web.app import create_app


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def test_pages_forbid_framing_sniffing_and_foreign_scripts(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = csp(response)
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert policy["default-src"] == "'self'" and "unsafe-inline" not in policy["script-src"]


def test_inline_scripts_carry_the_nonce_of_their_response(client):
    login(client, "tiepnhan.phucloi")
    first, second = client.get("/desk/receive"), client.get("/desk/receive")
    nonces = []
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", csp(response)["script-src"]).group(1)
        html = response.get_data(as_text=True)
        assert html.count("<script") == html.count(f'<script nonce="{nonce}"') > 0
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # a new one each time


@pytest.mark.parametrize("path", ["/login", "/healthz", "/api/openapi.json", "/no-such-page"])
def test_nothing_but_static_files_is_cached(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_personal_pages_and_papers_are_not_cached(client):
    login(client, "tiepnhan.phucloi")
    assert client.get("/dossiers?q=Nguyễn").headers["Cache-Control"] == "no-store"
    assert client.get("/papers/logbook?format=pdf").headers["Cache-Control"] == "no-store"


def test_static_files_may_be_cached(client):
    with client.get("/static/app.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_client_address_comes_from_the_trusted_proxy_only(app):
    seen = {}

    @app.get("/test-address")
    def address() -> str:
        from flask import request

        seen["address"] = request.remote_addr
        return ""

    app.test_client().get("/test-address", headers={"X-Forwarded-For": "203.0.113.9"},
                          environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen["address"] == "10.0.0.2"  # PROXY_HOPS=0: the header is a client's claim

    behind = create_app({"TESTING": True, "LIENTHONG": {"PROXY_HOPS": "1"}})
    behind.add_url_rule("/test-address", view_func=address)
    behind.test_client().get("/test-address", headers={"X-Forwarded-For": "203.0.113.9"},
                             environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen["address"] == "203.0.113.9"
