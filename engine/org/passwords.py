"""Passwords: the policy a new one must meet, and argon2 hashing.

Argon2 parameters: time_cost=2, memory_cost=19 MiB, parallelism=1, the minimum OWASP's
Password Storage Cheat Sheet gives for argon2id. argon2-cffi's defaults take 64 MiB per
hash, so 16 sign-ins at once took about 1 GiB; with these they take 16 × 19 MiB ≈ 304 MiB
above the process's own memory (bench/signin.py measures both). Hashes made with other
parameters are made again at the next successful sign-in (`needs_rehash`).
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from engine.errors import InvalidAction

MIN_LENGTH = 10
MAX_LENGTH = 128  # argon2 takes any length; a bound keeps a form from sending megabytes
TIME_COST = 2
MEMORY_COST_KIB = 19_456
PARALLELISM = 1
# zxcvbn's score: 3 is "safely unguessable" by an online attack (about 10^10 guesses);
# 2 lets "Summer2024!" and "correcthorse" through. zxcvbn reads at most 72 characters.
MIN_SCORE = 3
SCORED_LENGTH = 72


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB,
                          parallelism=PARALLELISM)


@cache
def _common() -> frozenset[str]:
    """The 30,000 most common passwords of leaked lists, as zxcvbn ships them."""
    return frozenset(FREQUENCY_LISTS["passwords"])


@cache
def _dummy_hash() -> str:
    """A hash of a password no one knows: an unknown user's sign-in verifies against it,
    so it costs the same time and memory as a real one."""
    return hasher().hash(secrets.token_urlsafe(32))


def check_password(password: str, username: str) -> None:
    """Refuse a password that is too short or too long, contains the user name (in any
    case), is one of the common passwords, or is otherwise easy to guess by zxcvbn's
    measure (sequences, repeats, dates, keyboard rows): InvalidAction with a code per
    reason."""
    if len(password) < MIN_LENGTH:
        raise InvalidAction(f"a password needs at least {MIN_LENGTH} characters",
                            code="password_too_short", minimum=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidAction(f"a password has at most {MAX_LENGTH} characters",
                            code="password_too_long", maximum=MAX_LENGTH)
    lowered = password.casefold()
    if username and username.casefold() in lowered:
        raise InvalidAction("a password must not contain the user name",
                            code="password_has_username")
    if lowered in _common() or lowered.rstrip("0123456789!.") in _common():
        raise InvalidAction("this password is one of the most common ones; choose another",
                            code="password_common")
    if zxcvbn(password[:SCORED_LENGTH], user_inputs=[username])["score"] < MIN_SCORE:
        raise InvalidAction("this password is easy to guess (a sequence, a repeat, a date or "
                            "a common word); choose a longer, less regular one",
                            code="password_guessable")


def hash_password(password: str) -> str:
    """An argon2 hash of `password` (check it with `check_password` first)."""
    return hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether `password` matches `stored_hash`; with no hash (an unknown or inactive
    user) the work is the same and the answer is False."""
    if len(password) > MAX_LENGTH * 8:  # none we stored is this long: same work, no match
        stored_hash, password = None, "-"
    try:
        return hasher().verify(stored_hash or _dummy_hash(), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether a hash was made with other parameters than today's."""
    try:
        return hasher().check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False
