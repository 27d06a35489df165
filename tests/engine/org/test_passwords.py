"""The password policy: long enough, not the user name, not a common password; each
refusal names its reason by a code the pages translate."""

from __future__ import annotations

import pytest

from engine.errors import InvalidAction
from engine.org import check_password
from engine.simulation import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import refused


@pytest.mark.parametrize(("password", "code", "params"), [
    ("12345678", "password_too_short", {"minimum": 10}),
    ("abcdefghi", "password_too_short", {"minimum": 10}),
    ("x" * 129, "password_too_long", {"maximum": 128}),
    ("hotich.phucloi", "password_has_username", {}),
    ("HoTich.PhucLoi-2026", "password_has_username", {}),
    ("1234567890", "password_common", {}),
    ("qwertyuiop", "password_common", {}),
    ("Password123!", "password_common", {}),
    ("iloveyou12", "password_common", {}),
    ("12345678901", "password_guessable", {}),
    ("aaaaaaaaaaaaaaaa", "password_guessable", {}),
    ("Summer2024!", "password_common", {}),  # summer, with a year
    ("correcthorse", "password_guessable", {}),
    ("abcdefghijk", "password_guessable", {}),
])
def test_weak_passwords_are_refused_with_their_reason(password, code, params):
    with refused(InvalidAction, code, None, **params):
        check_password(password, "hotich.phucloi")


@pytest.mark.parametrize("password", ["mat-khau-dai", "Trời xanh mây trắng", "hoa-hong-do-2026"])
def test_long_uncommon_passwords_pass(password):
    check_password(password, "hotich.phucloi")


def test_the_demo_password_passes_for_every_demo_user():
    for username, *_ in DEMO_USERS:
        check_password(DEMO_PASSWORD, username)
