"""Workflow state <-> JSON, without the spec: specs are stored once per definition version."""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.specs import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class _StateConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Spiff's workflow converter minus the spec, which is half the size and cost.

    Uses Spiff's documented extension point (a converter per class in the serializer
    config); `from_dict` receives the cached spec objects as keyword arguments.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(
        self,
        dct: dict[str, Any],
        spec: BpmnProcessSpec | None = None,
        subprocess_specs: dict[str, BpmnProcessSpec] | None = None,
    ) -> BpmnWorkflow:
        if spec is None:
            raise ValueError("workflow state needs its spec")
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


FORMAT = f"spiff-{SERIALIZER_VERSION}"


@cache
def _serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _StateConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


def dump_state(workflow: BpmnWorkflow) -> str:
    """The instance state as compact JSON (no spec), in UTF-8 text. orjson writes it in
    two thirds of the time of the standard library's json, on every command; keys that
    are not strings become strings, as json.dumps would make them."""
    dct = _serializer().to_dict(workflow)
    dct["format"] = FORMAT
    return orjson.dumps(dct, option=orjson.OPT_NON_STR_KEYS).decode()


def load_state(
    text: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
) -> BpmnWorkflow:
    """Rebuild a workflow from `dump_state` output and its (cached) specs."""
    dct = orjson.loads(text)
    found = dct.pop("format", None)
    if found != FORMAT:
        raise ValueError(f"workflow state format {found!r} is not {FORMAT!r}")
    return _serializer().from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
