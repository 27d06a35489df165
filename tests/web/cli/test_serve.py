"""`lienthong serve` refuses to put the app on a network without a real secret key."""

from __future__ import annotations

import pytest

from web.settings import secret_key_problem


@pytest.mark.parametrize(("key", "problem"), [
    ("", "is not set"),
    ("dev-only-change-me", "is a published default"),
    ("short-key", "has 9 characters, fewer than 32"),
])
def test_serve_refuses_to_start_without_a_real_secret_key(run_cli, monkeypatch, key, problem):
    monkeypatch.setenv("LIENTHONG_SECRET_KEY", key)
    result = run_cli("serve", "--port", "1", ok=False)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and problem in result.output
    assert "LIENTHONG_SECRET_KEY" in result.output and "secrets.token_urlsafe" in result.output


def test_a_long_random_key_is_accepted():
    assert secret_key_problem("x" * 31) is not None
    assert secret_key_problem("Zq8r" * 8) is None
