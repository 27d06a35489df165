"""Where a dossier stands in its diagram: the elements of its main process that ran and
those it waits at, read from its stored workflow state (for a diagram viewer)."""

from __future__ import annotations

from SpiffWorkflow.util.task import TaskState

from engine.definitions import LoadedDefinition
from engine.runtime.state import load_state


def workflow_position(loaded: LoadedDefinition, state: str
                      ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(done, current): ids of the main process's elements that ran, and of those the
    dossier stands at (ready or running steps, events and gateways that wait). Steps of
    called processes are not in the main diagram: their call activity is current while
    they run, done after."""
    done: list[str] = []
    current: list[str] = []
    if state:
        wf = load_state(state, loaded.spec, loaded.subprocess_specs)
        for task in wf.get_tasks(skip_subprocesses=True):
            element = task.task_spec.bpmn_id  # None for Spiff's own bookkeeping tasks
            if element is None or task.workflow is not wf:
                continue
            if task.state & (TaskState.READY | TaskState.STARTED | TaskState.WAITING):
                current.append(element)
            elif task.state == TaskState.COMPLETED:
                done.append(element)
    now = tuple(dict.fromkeys(current))
    return tuple(e for e in dict.fromkeys(done) if e not in now), now
