"""The organisation: units as dated data (province › commune and the linked agencies,
their reorganisations and which agencies serve which commune) with their departments,
the people who work in them (roles, passwords and their policy, sign-in, sessions,
sign-in throttling, deactivation), API tokens, the security events, and the reference
data every installation starts with."""

from engine.org.audit import EventPage, SecurityEventView, list_events, record_event
from engine.org.passwords import MIN_LENGTH, check_password, hash_password
from engine.org.reference import DEFAULT_DEPARTMENTS, seed_departments
from engine.org.reorganisation import (
    Reorganisation,
    Succession,
    answers_for,
    predecessors_of,
    reorganise,
    successors_of,
)
from engine.org.services import (
    AGENCY_KINDS,
    ServiceView,
    default_agency,
    serve,
    services_of,
    serving_units,
)
from engine.org.sessions import (
    SessionCheck,
    SessionLimits,
    SessionView,
    check_session,
    end_session,
    end_sessions,
    list_sessions,
    open_session,
    resume_session,
    revoke_session,
)
from engine.org.throttle import (
    Counter,
    DatabaseThrottle,
    ThrottleRules,
    ThrottleStore,
    account_key,
    address_key,
    locked_until,
    record_failure,
    record_success,
)
from engine.org.tokens import (
    DEFAULT_DAYS,
    TokenUse,
    TokenView,
    authenticate_token,
    check_token,
    create_token,
    list_tokens,
    revoke_tokens,
    use_token,
)
from engine.org.unit_map import MapLoad, UnitMap, load_map, read_map
from engine.org.units import (
    LEVELS,
    UNIT_KINDS,
    UnitView,
    add_unit,
    ancestors,
    descendants,
    get_unit,
    list_units,
    require_in_force,
)
from engine.org.users import (
    EMAIL_LENGTH,
    ROLES,
    AccountView,
    UserView,
    add_user,
    authenticate,
    check_email,
    find_account,
    find_user,
    get_user,
    list_users,
    set_active,
    set_email,
    set_password,
)

__all__ = [
    "AGENCY_KINDS", "AccountView", "EMAIL_LENGTH", "check_email", "set_email",
    "Counter", "DEFAULT_DAYS", "DEFAULT_DEPARTMENTS",
    "DatabaseThrottle", "EventPage", "LEVELS", "MIN_LENGTH", "MapLoad", "ROLES",
    "Reorganisation", "SecurityEventView", "ServiceView", "SessionCheck", "SessionLimits",
    "SessionView", "Succession", "ThrottleRules", "ThrottleStore", "TokenUse", "TokenView",
    "UNIT_KINDS", "UnitMap", "UnitView", "UserView", "account_key", "add_unit", "add_user",
    "address_key", "ancestors", "answers_for", "authenticate", "authenticate_token",
    "check_password", "check_session", "check_token", "create_token", "default_agency",
    "descendants", "end_session", "end_sessions", "find_account", "find_user", "get_unit",
    "get_user", "hash_password", "list_events", "list_sessions", "list_tokens", "list_units",
    "list_users", "load_map", "locked_until", "open_session", "predecessors_of", "read_map",
    "record_event", "record_failure", "record_success", "reorganise", "require_in_force",
    "resume_session", "revoke_session", "revoke_tokens", "seed_departments", "serve",
    "services_of", "serving_units", "set_active", "set_password", "successors_of", "use_token",
]
