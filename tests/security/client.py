"""A bare HTTP client for the security tests, as an attacker's script would be: its own
cookie jar, redirects not followed, every header visible."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPConnection
from http.cookiejar import Cookie, CookieJar
from typing import Any


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("location", "")

    @property
    def page(self) -> str:
        """The text without what differs on every page: the CSRF token (it carries a
        timestamp) and the clock."""
        text = re.sub(r'name="csrf_token" value="[^"]+"', "", self.text)
        return re.sub(r"\d\d:\d\d:\d\d", "", text)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """One visitor: a cookie jar on one server, coming from `address` (the server trusts
    one proxy, as behind nginx, so the address travels in X-Forwarded-For)."""

    def __init__(self, base: str, address: str = "198.51.100.1") -> None:
        self.base, self.address = base, address
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, method: str, path: str, *, data: bytes | None = None,
                form: dict[str, str] | None = None, json_body: Any = None,
                headers: dict[str, str] | None = None) -> Answer:
        headers = {"X-Forwarded-For": self.address, **(headers or {})}
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if json_body is not None:
            data = json.dumps(json_body, ensure_ascii=False).encode()
            headers.setdefault("Content-Type", "application/json")
        request = urllib.request.Request(  # noqa: S310 - the test server's http URL
            self.base + path, data=data, method=method, headers=headers)
        try:
            with self._opener.open(request, timeout=60) as response:
                return Answer(response.status, _lower(response.headers.items()),
                              response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, _lower(error.headers.items()), error.read())

    def oversized(self, path: str, body: bytes, headers: dict[str, str]) -> Answer:
        """POST a body the server refuses before reading it: it answers, then closes the
        connection while the body is still being sent (a broken pipe here, which a
        browser or curl shows as the answer it got)."""
        parts = urllib.parse.urlsplit(self.base)
        connection = HTTPConnection(parts.hostname or "", parts.port, timeout=60)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        connection.putrequest("POST", path)
        for name, value in {"X-Forwarded-For": self.address, "Cookie": cookie,
                            "Content-Length": str(len(body)), **headers}.items():
            connection.putheader(name, value)
        try:
            connection.endheaders()
            try:
                connection.send(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            response = connection.getresponse()
            return Answer(response.status, _lower(response.getheaders()), response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.request("POST", path, **kwargs)

    def csrf(self, path: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', self.get(path).text)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def sign_in(self, username: str, password: str, next_path: str | None = None) -> Answer:
        token = self.csrf("/login")
        query = f"?next={urllib.parse.quote(next_path, safe='/')}" if next_path else ""
        return self.post(f"/login{query}", form={"csrf_token": token, "username": username,
                                                 "password": password})

    def session_cookie(self) -> str:
        return next(c.value for c in self.cookies if c.name == "session")

    def set_session_cookie(self, value: str) -> None:
        host = urllib.parse.urlsplit(self.base).hostname or ""
        self.cookies.set_cookie(Cookie(
            0, "session", value, None, False, host, False, False, "/", True, False, None,
            False, None, None, {}))


def _lower(items: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in items}
