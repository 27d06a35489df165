"""Users: roles and departments of their own unit, passwords stored hashed, sign-in."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import InvalidAction, NotFound
from engine.org import add_user, authenticate, find_user, get_user, hash_password
from engine.simulation import seed_demo_units
from engine.storage import User


@pytest.fixture
def units(session):
    seed_demo_units(session, password="test-password")
    return session


def test_a_new_user_signs_in_with_the_password_never_stored_in_clear(units):
    user = add_user(units, username="moi", full_name="Người Mới", unit="PHUCLOI",
                    roles=["staff"], departments=["land"], password="mat-khau-dai")
    stored = units.scalar(select(User.password_hash).where(User.username == "moi"))
    assert "mat-khau-dai" not in stored and stored.startswith("$argon2")
    assert authenticate(units, "moi", "mat-khau-dai") == user
    assert authenticate(units, "moi", "mat-khau-sai") is None
    assert authenticate(units, "nobody", "mat-khau-dai") is None
    assert get_user(units, user.id) == find_user(units, "moi") == user


def test_an_inactive_user_cannot_sign_in(units):
    add_user(units, username="cu", full_name="Người Cũ", unit="PHUCLOI", roles=["staff"],
             password="mat-khau-dai")
    units.scalar(select(User).where(User.username == "cu")).active = False
    assert authenticate(units, "cu", "mat-khau-dai") is None


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"roles": ["king"]}, "unknown role 'king'"),
    ({"departments": ["police"]}, "unit PHUCLOI has no department police"),
    ({"username": "tiepnhan.phucloi"}, "user tiepnhan.phucloi already exists"),
    ({"password": "short"}, "at least 8 characters"),
])
def test_bad_users_are_refused_by_name(units, kwargs, message):
    values = {"username": "moi", "full_name": "Người Mới", "unit": "PHUCLOI",
              "roles": ["staff"], "password": "mat-khau-dai"} | kwargs
    with pytest.raises(InvalidAction, match=message):
        add_user(units, **values)


def test_an_unknown_user_is_not_found_by_name(units):
    with pytest.raises(NotFound, match="user nobody does not exist") as missing:
        find_user(units, "nobody")
    assert missing.value.code == "user_not_found"
    assert hash_password("mat-khau-dai") != hash_password("mat-khau-dai")  # salted
