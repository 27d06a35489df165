"""Sessions, sign-in, passwords, tokens and the security log, tried against the real
server as the attacker of issue 9 tried them."""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from engine.simulation import DEMO_PASSWORD
from tests.live_server import LiveServer

STRONG = "Hoa-sữa-nở-muộn-2026"
WRONG = "not-the-password-1"


def add_user(server: LiveServer, username: str, password: str = STRONG):
    return server.lienthong("add-user", username, "--name", "Người Thử An Ninh", "--unit",
                            "PHUCLOI", "--role", "reception", "--password", password)


def signed_in(visitor, username: str = "tiepnhan.phucloi", password: str = DEMO_PASSWORD):
    client = visitor()
    assert client.sign_in(username, password).status == 302
    return client


def test_signing_out_ends_the_session_the_old_cookie_opens_nothing(visitor):
    clerk = signed_in(visitor)
    cookie = clerk.session_cookie()
    assert clerk.get("/desk/").status == 200
    token = clerk.csrf("/desk/")
    assert clerk.post("/logout", form={"csrf_token": token}).status == 302
    replay = visitor()
    replay.set_session_cookie(cookie)
    answer = replay.get("/desk/")
    assert answer.status == 302 and answer.location.startswith("/login")


def test_guessing_a_password_is_locked_out_and_the_right_one_refused_then(visitor, server):
    assert add_user(server, "thu.khoa").returncode == 0
    guesser = visitor()
    statuses = [guesser.sign_in("thu.khoa", f"{WRONG}{n}").status for n in range(89)]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
    locked = guesser.sign_in("thu.khoa", STRONG)
    assert locked.status == 429 and int(locked.headers["retry-after"]) > 0
    assert "tạm bị khóa" in locked.text
    assert visitor().sign_in("thu.khoa", STRONG).status == 429  # the name, from anywhere


def test_an_unknown_name_is_answered_and_locked_like_a_real_one(visitor, server):
    assert add_user(server, "thu.thuc").returncode == 0
    answers = {}
    for name in ("thu.thuc", "khong.ton.tai"):
        client = visitor()
        answers[name] = [client.sign_in(name, f"{WRONG}{n}") for n in range(6)]
    real, unknown = answers["thu.thuc"], answers["khong.ton.tai"]
    assert [a.status for a in real] == [a.status for a in unknown] == [401] * 4 + [429] * 2

    assert real[0].page == unknown[0].page and real[-1].page == unknown[-1].page


def test_one_address_trying_many_names_is_locked_other_addresses_are_not(visitor, server):
    assert add_user(server, "thu.diachi").returncode == 0
    sprayer = visitor()
    for n in range(20):  # 20 names, one wrong password each: no name reaches its limit
        sprayer.sign_in(f"ten.{n}", WRONG)
    assert sprayer.sign_in("thu.diachi", STRONG).status == 429
    assert visitor().sign_in("thu.diachi", STRONG).status == 302


@pytest.mark.parametrize(("username", "password", "reason"), [
    ("thu.yeu1", "12345678", "at least 10 characters"),
    ("thu.yeu2", "1234567890", "most common"),
    ("thu.yeu3", "thu.yeu3-2026!", "must not contain the user name"),
    ("thu.yeu4", "password123", "most common"),
])
def test_weak_passwords_are_refused_with_their_reason(server, visitor, username, password,
                                                      reason):
    done = add_user(server, username, password)
    assert done.returncode == 1 and reason in done.stderr
    assert visitor().sign_in(username, password).status == 401  # no such user was made


def test_passwords_are_hashed_with_the_stated_memory_budget(visitor, server):
    signed_in(visitor, "hotich.phucloi")  # a sign-in rehashes an old hash
    with sqlite3.connect(server.folder / "lienthong.db") as database:
        (stored,) = database.execute("SELECT password_hash FROM app_user WHERE username = ?",
                                     ("hotich.phucloi",)).fetchone()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_api_tokens_expire_record_their_use_and_die_with_revocation(visitor, server):
    made = server.lienthong("token", "create", "tiepnhan.phucloi", "--name", "thu", "--days",
                            "2")
    token = made.stdout.strip()
    bearer = {"Authorization": f"Bearer {token}"}
    assert visitor().get("/api/me", headers=bearer).status == 200
    (listed,) = [t for t in json.loads(server.lienthong(
        "token", "list", "tiepnhan.phucloi", "--json").stdout) if t["name"] == "thu"]
    expires = datetime.fromisoformat(listed["expires_at"])
    created = datetime.fromisoformat(listed["created_at"])
    assert expires - created == timedelta(days=2) and listed["last_used_at"] is not None
    server.lienthong("token", "revoke", "tiepnhan.phucloi", "--name", "thu")
    assert visitor().get("/api/me", headers=bearer).status == 401


def test_the_security_log_shows_administrators_the_lock_and_the_refusals(visitor, server):
    assert add_user(server, "thu.nhatky").returncode == 0
    guesser = visitor()
    for n in range(5):
        guesser.sign_in("thu.nhatky", f"{WRONG}{n}")
    clerk = signed_in(visitor)
    assert clerk.get("/admin/security-events").status == 403  # not for a clerk
    admin = signed_in(visitor, "admin")
    log = admin.get("/admin/security-events?user=thu.nhatky")
    assert log.status == 200
    assert log.text.count("signin_failed") >= 4 and "signin_locked" in log.text
    refusals = admin.get("/admin/security-events?kind=permission_refused").text
    assert "tiepnhan.phucloi" in refusals and "/admin/security-events" in refusals
    assert WRONG not in log.text  # never a password


def test_sixteen_guesses_at_once_are_each_answered(visitor, server):
    """The attacker's 16 parallel guesses: each gets its refusal (401, or 429 once the
    name is locked), none an error, while the counters are written by several processes."""
    assert add_user(server, "thu.songsong").returncode == 0
    guessers = [visitor() for _ in range(16)]
    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(lambda g: g[1].sign_in("thu.songsong", f"{WRONG}{g[0]}").status,
                                 enumerate(guessers)))
    assert set(statuses) == {401, 429} and statuses.count(401) >= 4


def test_many_requests_at_once_with_one_token_and_one_session_all_succeed(visitor, server):
    """Every request notes when its session or token was last used (at most once a
    minute): those writes never fail a request, however many come at once."""
    token = server.lienthong("token", "create", "tiepnhan.phucloi", "--name", "songsong"
                             ).stdout.strip()
    clerk = signed_in(visitor)
    bearer = {"Authorization": f"Bearer {token}"}

    def ask(n: int) -> int:
        if n % 2:
            return clerk.get("/dossiers").status
        return visitor().get("/api/me", headers=bearer).status

    with ThreadPoolExecutor(16) as pool:
        statuses = list(pool.map(ask, range(400)))
    assert statuses == [200] * 400


def test_an_administrator_lifts_a_lock_before_its_time(visitor, server):
    assert add_user(server, "thu.mokhoa").returncode == 0
    guesser = visitor()
    for n in range(5):
        guesser.sign_in("thu.mokhoa", f"{WRONG}{n}")
    assert visitor().sign_in("thu.mokhoa", STRONG).status == 429
    done = server.lienthong("unlock-signin", "thu.mokhoa")
    assert done.returncode == 0 and "account:thu.mokhoa" in done.stdout
    assert visitor().sign_in("thu.mokhoa", STRONG).status == 302
    events = json.loads(server.lienthong("security-events", "--user", "thu.mokhoa",
                                         "--json").stdout)
    assert events[0]["kind"] == "signin" and events[1]["kind"] == "signin_unlocked"
