"""Users: roles and departments of their own unit, passwords stored hashed, sign-in,
new passwords and deactivation."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from engine.errors import InvalidAction, NotFound
from engine.org import (
    add_user,
    authenticate,
    find_account,
    find_user,
    get_user,
    hash_password,
    list_users,
    set_active,
    set_password,
)
from engine.simulation import seed_demo_units
from engine.storage import User


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def stored_hash(session, username: str) -> str:
    return session.scalar(select(User.password_hash).where(User.username == username))


def test_a_new_user_signs_in_with_the_password_never_stored_in_clear(units):
    user = add_user(units, username="moi", full_name="Người Mới", unit="PHUCLOI",
                    roles=["staff"], departments=["land"], password="mat-khau-dai")
    stored = stored_hash(units, "moi")
    assert "mat-khau-dai" not in stored and stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert authenticate(units, "moi", "mat-khau-dai") == user
    assert authenticate(units, "moi", "mat-khau-sai") is None
    assert authenticate(units, "nobody", "mat-khau-dai") is None
    assert authenticate(units, "moi", "x" * 5000) is None
    assert get_user(units, user.id) == find_user(units, "moi") == user


def test_an_inactive_user_cannot_sign_in(units):
    add_user(units, username="cu", full_name="Người Cũ", unit="PHUCLOI", roles=["staff"],
             password="mat-khau-dai")
    units.scalar(select(User).where(User.username == "cu")).active = False
    assert authenticate(units, "cu", "mat-khau-dai") is None


def test_a_hash_made_with_the_old_parameters_is_made_anew_at_sign_in(units):
    old = PasswordHasher().hash("mat-khau-dai")  # argon2-cffi's defaults: 64 MiB
    add_user(units, username="cu", full_name="Người Cũ", unit="PHUCLOI", roles=["staff"],
             password_hash=old)
    assert authenticate(units, "cu", "sai-mat-khau") is None
    assert stored_hash(units, "cu") == old  # a wrong password changes nothing
    assert authenticate(units, "cu", "mat-khau-dai") is not None
    assert stored_hash(units, "cu").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert authenticate(units, "cu", "mat-khau-dai") is not None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"roles": ["king"]}, "unknown role 'king'"),
    ({"departments": ["police"]}, "unit PHUCLOI has no department police"),
    ({"username": "tiepnhan.phucloi"}, "user tiepnhan.phucloi already exists"),
    ({"password": "short"}, "at least 10 characters"),
    ({"password": "12345678901"}, "easy to guess"),
    ({"password": "qwertyuiop"}, "most common"),
    ({"password": "Moi-la-toi-2026"}, "must not contain the user name"),
])
def test_bad_users_are_refused_by_name(units, kwargs, message):
    values = {"username": "moi", "full_name": "Người Mới", "unit": "PHUCLOI",
              "roles": ["staff"], "password": "mat-khau-dai"} | kwargs
    with pytest.raises(InvalidAction, match=message):
        add_user(units, **values)
    assert "moi" not in [a.user.username for a in list_users(units)]


def test_a_new_password_replaces_the_old_one_and_meets_the_policy(units):
    with pytest.raises(InvalidAction, match="most common") as refused:
        set_password(units, "hotich.phucloi", "password123")
    assert refused.value.code == "password_common"
    assert authenticate(units, "hotich.phucloi", "test-password") is not None
    set_password(units, "hotich.phucloi", "một-mật-khẩu-mới")
    assert authenticate(units, "hotich.phucloi", "test-password") is None
    assert authenticate(units, "hotich.phucloi", "một-mật-khẩu-mới") is not None


def test_a_deactivated_user_cannot_sign_in_until_reactivated(units):
    account = set_active(units, "hotich.phucloi", False)
    assert not account.active and not find_account(units, "hotich.phucloi").active
    assert authenticate(units, "hotich.phucloi", "test-password") is None
    assert get_user(units, account.user.id) is None
    assert set_active(units, "hotich.phucloi", True).active
    assert authenticate(units, "hotich.phucloi", "test-password") == account.user


def test_an_unknown_user_is_not_found_by_name(units):
    with pytest.raises(NotFound, match="user nobody does not exist") as missing:
        find_user(units, "nobody")
    assert missing.value.code == "user_not_found"
    with pytest.raises(NotFound, match="user nobody does not exist"):
        set_active(units, "nobody", False)
    assert hash_password("mat-khau-dai") != hash_password("mat-khau-dai")  # salted


def test_an_unknown_or_inactive_name_costs_the_same_argon2_work_as_a_real_one(
        units, monkeypatch):
    """The attacker timed 5 ms for an unknown name against 305 ms for a real one: each
    sign-in now verifies one argon2 hash of today's parameters, whoever it names."""
    from engine.org import passwords

    real, verified = passwords.hasher(), []

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            verified.append(stored)
            return real.verify(stored, password)

        def __getattr__(self, name: str):
            return getattr(real, name)

    monkeypatch.setattr(passwords, "hasher", Counting)
    set_active(units, "diachinh.phucloi", False)
    for name in ("tiepnhan.phucloi", "khong.ton.tai", "diachinh.phucloi"):
        assert authenticate(units, name, "wrong-password-1") is None
    assert len(verified) == 3
    assert all(h.startswith("$argon2id$v=19$m=19456,t=2,p=1$") for h in verified)
