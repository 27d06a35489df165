"""Read models for the command line and the web: dossiers (search, the whole dossier
with its steps, control slip, events and links, where it stands in its diagram) and
tasks (department inboxes, one task with its form and the data it shows). Everything
handed out is a frozen record."""

from engine.queries.dossiers import (
    DiagramView,
    DossierSummary,
    dossier_diagram,
    fold,
    has_dossiers,
    search_dossiers,
    show_dossier,
)
from engine.queries.tasks import (
    dossier_code_of_task,
    get_task,
    list_tasks,
    ready_task_ids,
    resolve_task_id,
)
from engine.queries.views import (
    ApologyView,
    DossierView,
    EventView,
    HandoverView,
    LinkView,
    PauseView,
    TaskView,
)
from engine.runtime import ShownValue

__all__ = [
    "ApologyView", "DiagramView", "DossierSummary", "DossierView", "EventView",
    "HandoverView", "LinkView", "PauseView", "ShownValue", "TaskView", "dossier_code_of_task",
    "dossier_diagram", "fold", "get_task", "has_dossiers", "list_tasks", "ready_task_ids",
    "resolve_task_id", "search_dossiers", "show_dossier",
]
