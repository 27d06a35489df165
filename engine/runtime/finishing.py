"""A dossier leaving processing: resolved (timed against its appointment), or refused,
withdrawn or stopped with a reason."""

from __future__ import annotations

from engine.runtime.context import Run
from engine.runtime.events import record_event
from engine.vocabulary import MAX_SUPPLEMENTS_ON_TIME, DossierStatus, FinishKind, Outcome


def resolve(run: Run) -> None:
    """The result is ready: the dossier leaves processing, timed against its appointment.
    More than one supplement request counts as late in the national indicators."""
    dossier, step = run.dossier, run.step
    if dossier.finish_kind is not None:
        return
    dossier.resolved_at = dossier.finished_at = step.at
    dossier.finish_kind = FinishKind.RESOLVED
    dossier.status = DossierStatus.RESOLVED
    due = dossier.original_appointment_at or dossier.appointment_at  # apologies don't count
    if due is not None:
        dossier.outcome = run.calendar.outcome(due, step.at)
    if dossier.supplement_count > MAX_SUPPLEMENTS_ON_TIME:
        dossier.outcome = Outcome.LATE
    record_event(run.session, dossier, step.at, "resolved", step.actor, outcome=dossier.outcome)


def finish(run: Run, kind: FinishKind, reason: str) -> None:
    """The dossier leaves processing unresolved: refused, withdrawn or stopped."""
    dossier, step = run.dossier, run.step
    dossier.finished_at = step.at
    dossier.finish_kind = kind
    dossier.finish_reason = reason
    dossier.status = DossierStatus(kind.value)
    record_event(run.session, dossier, step.at, kind.value, step.actor)
