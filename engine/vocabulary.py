"""The fixed sets of values the engine stores and hands out: a dossier's status, a
task's status, how a dossier left processing, early / on time / late, the channel a
dossier came by. Each is a `StrEnum`: it is stored and sent as its text ("running"),
and compares equal to that text. Also the two rules every layer counts by: the zone
of local days and how many supplement requests a dossier may have and still be on time."""

from __future__ import annotations

from enum import StrEnum

# Where the engine's local days are counted (reports, day counts, default office hours).
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# More supplement requests than this make a resolved dossier late in the indicators.
MAX_SUPPLEMENTS_ON_TIME = 1


class DossierStatus(StrEnum):
    """Where a dossier stands (docs/lifecycle.md)."""

    RUNNING = "running"  # being worked on
    WAITING_SUPPLEMENT = "waiting_supplement"  # the clock stops until the citizen's papers come
    RESOLVED = "resolved"  # the result is ready; the workflow may still run (returning it)
    RETURNED = "returned"  # the result was handed back to the citizen
    COMPLETED = "completed"  # the workflow ended
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    STOPPED = "stopped"


# A dossier still in processing: a lifecycle command may act on it.
OPEN_STATUSES = (DossierStatus.RUNNING, DossierStatus.RESOLVED,
                 DossierStatus.WAITING_SUPPLEMENT)
# Its steps may be completed (not while it waits for the citizen).
WORKABLE_STATUSES = (DossierStatus.RUNNING, DossierStatus.RESOLVED)


class FinishKind(StrEnum):
    """How a dossier left processing."""

    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"
    STOPPED = "stopped"


class TaskStatus(StrEnum):
    """A task record's state."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # taken away by an interrupting event, a step sent back, an end


class Outcome(StrEnum):
    """A finish against its due instant (docs/working-time.md)."""

    EARLY = "early"  # on a working day before the due day
    ON_TIME = "on_time"  # on the due day, by the due instant
    LATE = "late"


class Counting(StrEnum):
    """How a procedure's time limit in days is counted (docs/working-time.md)."""

    WORKING_HOURS = "working_hours"  # N x the daily office hours from the counting start
    CIVIL_CODE = "civil_code"  # receipt day not counted; ends at the close of the Nth working day


class Channel(StrEnum):
    """How the dossier reached the desk."""

    IN_PERSON = "in_person"
    ONLINE = "online"
    POST = "post"


class Milestone(StrEnum):
    """What completing a user task marks, declared on it (`milestone` property)."""

    RESOLVED = "resolved"  # the result is ready
    RETURNED = "returned"  # the result was handed back to the citizen
    REFUSED = "refused"  # the decision was to refuse


class MessageStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"


class SecurityEventKind(StrEnum):
    """What a security event records (the administrators' Nhật ký an ninh). (S105: these
    are names of events, not passwords.)"""

    SIGNIN = "signin"  # a password sign-in succeeded
    SIGNIN_FAILED = "signin_failed"  # wrong name or password
    SIGNIN_LOCKED = "signin_locked"  # too many failures: the account or address is locked
    SIGNIN_REFUSED = "signin_refused"  # tried while locked
    SIGNIN_UNLOCKED = "signin_unlocked"  # an administrator lifted a lock early
    SIGNOUT = "signout"
    SESSION_REVOKED = "session_revoked"  # an administrator ended a session
    PASSWORD_CHANGED = "password_changed"  # noqa: S105
    EMAIL_CHANGED = "email_changed"  # set or cleared; the event never keeps the address
    USER_DEACTIVATED = "user_deactivated"
    USER_REACTIVATED = "user_reactivated"
    USER_MOVED = "user_moved"  # a reorganisation moved the account to the successor unit
    TOKEN_CREATED = "token_created"  # noqa: S105
    # at most once a minute per token: when its last use is written
    TOKEN_USED = "token_used"  # noqa: S105
    TOKEN_REFUSED = "token_refused"  # noqa: S105 - unknown, revoked or expired
    TOKEN_REVOKED = "token_revoked"  # noqa: S105
    PERMISSION_REFUSED = "permission_refused"  # a 403 (or the 404 that stands for one)
