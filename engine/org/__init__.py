"""The organisation: units (city › district › ward and the linked agencies) with their
departments, the people who work in them (roles, passwords, sign-in), API tokens, and
the reference data every installation starts with."""

from engine.org.reference import DEFAULT_DEPARTMENTS, seed_departments
from engine.org.tokens import authenticate_token, create_token, revoke_tokens
from engine.org.units import (
    UNIT_KINDS,
    UnitView,
    add_unit,
    ancestors,
    descendants,
    get_unit,
    serving_units,
)
from engine.org.users import (
    ROLES,
    UserView,
    add_user,
    authenticate,
    find_user,
    get_user,
    hash_password,
)

__all__ = [
    "DEFAULT_DEPARTMENTS", "ROLES", "UNIT_KINDS", "UnitView", "UserView", "add_unit",
    "add_user", "ancestors", "authenticate", "authenticate_token", "create_token",
    "descendants", "find_user", "get_unit", "get_user", "hash_password", "revoke_tokens",
    "seed_departments", "serving_units",
]
