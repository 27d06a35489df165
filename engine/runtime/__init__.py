"""Running dossiers on SpiffWorkflow: receive a dossier and run it to its first wait;
claim, unclaim, complete and send back its tasks; task records with due times and
handovers; BPMN messages between dossiers through an outbox, delivered exactly once;
the workflow state stored without its spec, live workflows kept per process; diagram
scripts in a sandbox; daily dossier codes.

Commands take the caller's session and the process's `Runtime` and hand back frozen
records (`DossierRef`, `TaskRef`); they never commit."""

from engine.runtime.commands import claim, complete, send_back, start, unclaim
from engine.runtime.context import Run, Step
from engine.runtime.delivery import MAX_DELIVERIES, deliver, deliver_pending, pending_messages
from engine.runtime.events import record_event
from engine.runtime.finishing import MAX_SUPPLEMENTS_ON_TIME, finish
from engine.runtime.forms import BAD_CHARACTERS, EARLIEST_DAY, LATEST_DAY, MAX_LENGTH, MAX_NUMBER
from engine.runtime.lookups import dossier_row, task_and_dossier
from engine.runtime.position import workflow_position
from engine.runtime.receiving import CHANNELS
from engine.runtime.refs import DossierRef, TaskRef
from engine.runtime.runtime import Runtime
from engine.runtime.sandbox import make_script_engine
from engine.runtime.step_minutes import StepMinutes, count_minutes, store_minutes
from engine.runtime.task_data import ShownValue, display_text, shown_values
from engine.runtime.workflow_cache import WorkflowCache

__all__ = [
    "BAD_CHARACTERS", "CHANNELS", "EARLIEST_DAY", "LATEST_DAY", "MAX_DELIVERIES",
    "MAX_LENGTH", "MAX_NUMBER", "MAX_SUPPLEMENTS_ON_TIME", "DossierRef", "Run", "Runtime",
    "ShownValue", "Step", "StepMinutes", "TaskRef", "WorkflowCache", "claim", "complete",
    "count_minutes", "deliver", "deliver_pending", "display_text", "dossier_row", "finish",
    "make_script_engine", "pending_messages", "record_event", "send_back", "shown_values",
    "start", "store_minutes", "task_and_dossier", "unclaim", "workflow_position",
]
