"""Live workflows of recently saved dossiers, so that the next command on the same
dossier in this process skips rebuilding the workflow from its stored state.

An entry is the workflow together with the exact state text it was saved as. A command
takes the entry only when the dossier row it read holds that same text: after a
rollback, a change by another process or any other write of the state, the texts
differ and the workflow is rebuilt from the row, as without the cache. Taking an entry
removes it, so a command that fails half-way through running a workflow never leaves
that workflow behind; the command's own save puts the workflow back.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from SpiffWorkflow.bpmn import BpmnWorkflow


class WorkflowCache:
    """A small LRU of (state text, workflow) per dossier id; `size` 0 turns it off."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._items: OrderedDict[int, tuple[str, BpmnWorkflow]] = OrderedDict()
        self._lock = Lock()  # web servers run commands on several threads
        self.hits = self.misses = 0  # takes that found the workflow, and that did not

    def take(self, dossier_id: int, state: str) -> BpmnWorkflow | None:
        """The dossier's workflow if it was saved as exactly `state`; the entry leaves."""
        with self._lock:
            entry = self._items.pop(dossier_id, None)
            found = entry is not None and entry[0] == state
            if found:
                self.hits += 1
            else:
                self.misses += 1
        return entry[1] if found and entry is not None else None

    def put(self, dossier_id: int, state: str, workflow: BpmnWorkflow) -> None:
        """Keep `workflow`, just saved as `state`, for the dossier's next command."""
        if self.size <= 0:
            return
        with self._lock:
            self._items[dossier_id] = (state, workflow)
            self._items.move_to_end(dossier_id)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
