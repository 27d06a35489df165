"""The dossier's life around its BPMN run (docs/lifecycle.md): supplements that pause
the clock, verification found later, refusal, withdrawal and stopping, late warnings,
leader-signed apologies and the public late list; the data of the standard papers
(docs/papers.md); and the tick that fires timers and retries messages."""

from engine.dossiers.apologies import (
    APOLOGY_NUMBER,
    DEFAULT_DISTRIBUTION,
    MAX_ADDRESSEE,
    MAX_APOLOGY_NUMBER,
    MAX_DISTRIBUTION,
    MAX_DISTRIBUTION_LINE,
    LateEntry,
    apologize,
    late_list,
)
from engine.dossiers.lifecycle import (
    ENDINGS,
    MAX_DOCUMENTS,
    AtRisk,
    at_risk_dossiers,
    close,
    expire_supplement,
    flag_at_risk,
    overdue_supplements,
    request_supplement,
    require_verification,
    settings_of,
    supply,
)
from engine.dossiers.notices import (
    Mail,
    NoticeView,
    Reason,
    Sender,
    leaders_for,
    mark_read,
    notice_of,
    notices_of,
    unread_count,
)
from engine.dossiers.paper_records import (
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
)
from engine.dossiers.papers import (
    PAPERS,
    apology,
    control_slip,
    logbook,
    logbook_entry,
    receipt,
    refusal,
    stop_notice,
    supplement_request,
)
from engine.dossiers.risk import SORTS, DossierRisk, OpenStep, RiskState, assess
from engine.dossiers.timers import (
    TickFailure,
    TickResult,
    Transaction,
    due_dossiers,
    fire_timers,
    tick,
)
from engine.dossiers.workload import (
    MAX_WEEKS,
    Load,
    OpenTask,
    WeekFigures,
    Workload,
    reassign,
    workload_of,
)

__all__ = [
    "APOLOGY_NUMBER", "DEFAULT_DISTRIBUTION", "ENDINGS", "MAX_ADDRESSEE", "MAX_APOLOGY_NUMBER",
    "MAX_DISTRIBUTION", "MAX_DISTRIBUTION_LINE", "MAX_DOCUMENTS", "PAPERS", "ApologyPaper",
    "AtRisk",
    "ControlRow", "ControlSlip", "Header", "LateEntry", "Logbook", "LogbookRow", "Receipt",
    "Refusal", "StopNotice", "SupplementRequest", "TickFailure", "TickResult", "Transaction",
    "apologize", "apology", "at_risk_dossiers", "close", "control_slip", "due_dossiers",
    "expire_supplement", "fire_timers", "flag_at_risk", "late_list", "logbook", "logbook_entry",
    "overdue_supplements", "receipt", "refusal", "request_supplement",
    "require_verification", "MAX_WEEKS", "SORTS", "DossierRisk", "Load", "Mail",
    "NoticeView", "OpenStep", "OpenTask", "Reason", "RiskState", "Sender", "WeekFigures",
    "Workload", "assess", "leaders_for", "mark_read", "notice_of", "notices_of", "reassign",
    "unread_count", "workload_of", "settings_of", "stop_notice", "supplement_request", "supply",
    "tick",
]
