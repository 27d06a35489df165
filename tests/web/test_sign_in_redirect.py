"""After signing in, the browser goes back to the page it asked for: on this site only,
whatever spelling of another site the `next` parameter tries."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from engine.simulation import DEMO_PASSWORD
from web.auth import safe_next


def sign_in_to(client, target: str) -> str:
    """Where signing in sends the browser: a Location, or "refused" when the request
    itself is refused (a control character in the query is a 400 before sign-in)."""
    response = client.post(f"/login?next={quote(target, safe='/')}",
                           data={"username": "tiepnhan.phucloi", "password": DEMO_PASSWORD})
    if response.status_code == 400:
        assert "Location" not in response.headers
        return "refused"
    assert response.status_code == 302
    return response.headers["Location"]


@pytest.mark.parametrize("target", [
    "/\t/evil.example/x",  # sent as /%09/evil.example/x: browsers drop the tab
    "/\n/evil.example/x", "/\r/evil.example/x", "//evil.example/x", "/\\evil.example/x",
    "/\\/evil.example/x", "https://evil.example/x", "javascript:alert(1)", " /desk/",
    "/ /evil.example",
])
def test_sign_in_never_sends_the_browser_to_another_site(client, target):
    control = any(ord(ch) < 32 for ch in target)  # refused before sign-in, else home
    assert sign_in_to(client, target) == ("refused" if control else "/")


def test_sign_in_goes_back_to_the_page_asked_for(client):
    assert sign_in_to(client, "/dossiers?q=Nguy%E1%BB%85n") == "/dossiers?q=Nguy%E1%BB%85n"


def test_the_rule_itself():
    assert safe_next("/desk/receive?procedure=1.001193", "/") == "/desk/receive?procedure=1.001193"
    assert safe_next(None, "/home") == "/home"
    assert safe_next("/\x7f/evil.example", "/") == "/"
