"""The dossier's life around its BPMN run (docs/lifecycle.md): supplements that pause
the clock, verification found later, refusal, withdrawal and stopping, late warnings,
leader-signed apologies and the public late list; the data of the standard papers
(docs/papers.md); and the tick that fires timers and retries messages."""

from engine.dossiers.lifecycle import (
    ENDINGS,
    MAX_DOCUMENTS,
    SUPPLEMENT_PERIOD,
    AtRisk,
    LateEntry,
    apologize,
    at_risk_dossiers,
    close,
    expire_supplement,
    flag_at_risk,
    late_list,
    overdue_supplements,
    request_supplement,
    require_verification,
    supply,
)
from engine.dossiers.papers import (
    PAPERS,
    ApologyPaper,
    ControlRow,
    ControlSlip,
    Header,
    Logbook,
    LogbookRow,
    Receipt,
    Refusal,
    StopNotice,
    SupplementRequest,
    apology,
    control_slip,
    logbook,
    receipt,
    refusal,
    stop_notice,
    supplement_request,
)
from engine.dossiers.timers import (
    TickFailure,
    TickResult,
    Transaction,
    due_dossiers,
    fire_timers,
    tick,
)

__all__ = [
    "ENDINGS", "MAX_DOCUMENTS", "PAPERS", "SUPPLEMENT_PERIOD", "ApologyPaper", "AtRisk",
    "ControlRow", "ControlSlip", "Header", "LateEntry", "Logbook", "LogbookRow", "Receipt",
    "Refusal", "StopNotice", "SupplementRequest", "TickFailure", "TickResult", "Transaction",
    "apologize", "apology", "at_risk_dossiers", "close", "control_slip", "due_dossiers",
    "expire_supplement", "fire_timers", "flag_at_risk", "late_list", "logbook",
    "overdue_supplements", "receipt", "refusal", "request_supplement",
    "require_verification", "stop_notice", "supplement_request", "supply", "tick",
]
