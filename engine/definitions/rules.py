"""Liên Thông's rules for one procedure diagram (docs/diagram-conventions.md).

`inspect_definition` reads one uploaded .bpmn file (bpmn_xml.py does the hardened
parsing and schema validation), applies the rules and returns a plain description of
it, or raises one DefinitionError listing every problem found. Checking files against
each other and building SpiffWorkflow specs is specs.py. Pure: storing versions is the
caller's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from lxml import etree

from engine.definitions.bpmn_xml import (
    NSMAP,
    DefinitionError,
    bpmn_tag,
    in_skipped_process,
    lane_of,
    local_name,
    owner_id,
    read_bpmn,
)
from engine.definitions.diagram_info import (
    LEVELS,
    MILESTONES,
    DefinitionInfo,
    UserTaskInfo,
)
from engine.definitions.diagram_reader import DiagramReader
from engine.definitions.specs import spiff_problems

_THROW_EVENTS = {"intermediateThrowEvent", "endEvent"}
_CONDITIONAL_GATEWAYS = {"exclusiveGateway", "inclusiveGateway"}
# What SpiffWorkflow makes a spec of: a user task's workflow.spec.name is the nearest one.
_CONTAINERS = tuple(
    bpmn_tag(t) for t in ("process", "subProcess", "transaction", "adHocSubProcess")
)
_CUTOFF = re.compile(r"([01]?\d|2[0-3]):[0-5]\d")
# A bare ISO duration as a timer expression evaluates as a Python name and fails at run time.
_BARE_ISO = re.compile(r"R?\d*/?P[0-9WDTHMSY.,]*", re.IGNORECASE)


class _Inspector(DiagramReader):
    """Every rule over one parsed file; DefinitionError lists all the problems."""

    # --- the checks --------------------------------------------------------

    def run(self, source: str) -> DefinitionInfo:
        processes = self.root.findall(bpmn_tag("process"))
        executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
        process_ids = tuple(str(p.get("id")) for p in executable)
        if not executable:
            self.problem(None, 'the file has no executable process (isExecutable="true")')
            raise DefinitionError(source, self.problems)
        not_executable = {str(p.get("id")) for p in processes} - set(process_ids)

        messages = self.messages()
        called: list[str] = []
        for process in executable:
            for call in process.iter(bpmn_tag("callActivity")):
                target = call.get("calledElement")
                if not target:
                    self.problem(owner_id(call), "call activity has no calledElement")
                elif target in not_executable:
                    self.problem(
                        call.get("id"), f"calls process '{target}', which is not executable"
                    )
                else:
                    called.append(target)
        calls = {
            str(p.get("id")): {c.get("calledElement") for c in p.iter(bpmn_tag("callActivity"))}
            for p in executable
        }

        def called_by_another(pid: str) -> bool:
            return any(pid in targets for caller, targets in calls.items() if caller != pid)

        # Main: not called from inside the file; the first one if several (or a cycle).
        key = next((pid for pid in process_ids if not called_by_another(pid)), process_ids[0])
        main = executable[process_ids.index(key)]

        thrown, caught = self.message_uses(executable, messages)
        start_messages = _unique(
            messages[ref]
            for event in main.findall(bpmn_tag("startEvent"))
            for definition in event.findall(bpmn_tag("messageEventDefinition"))
            if (ref := definition.get("messageRef")) in messages and messages[ref]
        )
        for process in executable:
            self.process_properties(process)
            self.timers(process)
            self.gateways(process)
            self.scripts(process)
        user_tasks = tuple(
            info for process in executable for info in self.user_tasks(process)
        )
        shown = {
            str(process.get("id")): declared for process in executable
            if (declared := self.shown(process.get("id"), self.props(process)))
        }
        if not self.problems:
            self.problems.extend(spiff_problems(self.tree, source, process_ids))
        if self.problems:
            raise DefinitionError(source, self.problems)
        return DefinitionInfo(
            key=key,
            name=str(main.get("name") or key),
            process_ids=process_ids,
            called_elements=_unique(c for c in called if c not in process_ids),
            messages_thrown=thrown,
            messages_caught=caught,
            start_messages=start_messages,
            properties=dict(self.props(main)),
            user_tasks=user_tasks,
            shown=shown,
        )

    def messages(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for message in self.root.findall(bpmn_tag("message")):
            name = (message.get("name") or "").strip()
            if not name:
                self.problem(message.get("id"), "message has no name (the name is what is sent)")
            result[str(message.get("id"))] = name
        return result

    def message_uses(
        self, executable: list[etree._Element], messages: dict[str, str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        thrown: list[str] = []
        caught: list[str] = []
        checked: set[str] = set()
        for process in executable:
            for definition in process.iter(bpmn_tag("messageEventDefinition")):
                event = definition.getparent()
                uses = thrown if local_name(event) in _THROW_EVENTS else caught
                self.message_ref(event, definition.get("messageRef"), messages, uses)
                checked.add(self.tree.getpath(definition))
            for task in process.iter(bpmn_tag("sendTask"), bpmn_tag("receiveTask")):
                uses = thrown if local_name(task) == "sendTask" else caught
                self.message_ref(task, task.get("messageRef"), messages, uses)
                checked.add(self.tree.getpath(task))
        # messageRef anywhere else (message flows, correlation properties) must resolve too.
        for element in self.root.iterfind(".//*[@messageRef]"):
            if self.tree.getpath(element) in checked or in_skipped_process(element):
                continue
            ref = element.get("messageRef")
            if ref not in messages:
                self.problem(
                    owner_id(element), f"messageRef '{ref}' is not a message in this file"
                )
        return _unique(thrown), _unique(caught)

    def message_ref(
        self,
        owner: etree._Element,
        ref: str | None,
        messages: dict[str, str],
        uses: list[str],
    ) -> None:
        if not ref:
            self.problem(owner.get("id"), f"{local_name(owner)} has no messageRef")
        elif ref not in messages:
            self.problem(owner.get("id"), f"messageRef '{ref}' is not a message in this file")
        elif messages[ref]:
            uses.append(messages[ref])

    def process_properties(self, process: etree._Element) -> None:
        pid = process.get("id")
        props = self.props(process)
        for name in ("time_limit", "verification_time_limit"):
            if name in props:
                self.duration(pid, name, props[name])
        if "cutoff" in props and not _CUTOFF.fullmatch(props["cutoff"].strip()):
            self.problem(pid, f"cutoff '{props['cutoff']}' is not a time of day such as 15:00")
        if "department" in props and self.departments.code(props["department"]) is None:
            self.problem(pid, f"department '{props['department']}' is not a known department")
        if "level" in props and props["level"] not in LEVELS:
            self.problem(pid, f"level '{props['level']}' is not one of {', '.join(LEVELS)}")
        for holder in process.iterfind(".//bpmn:extensionElements/..", namespaces=NSMAP):
            if holder is process or local_name(holder) == "lane":
                continue
            props = self.props(holder)
            if "sla" in props:
                self.duration(holder.get("id"), "sla", props["sla"])
            if local_name(holder) != "userTask" and any(n.startswith("field:") for n in props):
                self.problem(holder.get("id"), "field declarations are only read on user tasks")
            if local_name(holder) != "userTask" and any(n.startswith("show:") for n in props):
                self.problem(holder.get("id"),
                             "show declarations are only read on user tasks and processes")

    def timers(self, process: etree._Element) -> None:
        for definition in process.iter(bpmn_tag("timerEventDefinition")):
            event_id = owner_id(definition.getparent())
            texts = [
                (e.text or "").strip()
                for local in ("timeDate", "timeDuration", "timeCycle")
                for e in definition.findall(bpmn_tag(local))
            ]
            texts = [t for t in texts if t]
            if not texts:
                self.problem(
                    event_id, "timer has no timeDate, timeDuration or timeCycle expression"
                )
            for text in texts:
                if _BARE_ISO.fullmatch(text):
                    self.problem(
                        event_id,
                        f"timer expression {text} is evaluated as Python: quote it, as \"{text}\"",
                    )
                else:
                    self.expression(event_id, "timer expression", text)

    def gateways(self, process: etree._Element) -> None:
        for flow in process.iter(bpmn_tag("sequenceFlow")):
            condition = flow.find(bpmn_tag("conditionExpression"))
            if condition is not None and (condition.text or "").strip():
                self.expression(flow.get("id"), "condition", condition.text or "")
        for gateway in process.iter(*(bpmn_tag(g) for g in _CONDITIONAL_GATEWAYS)):
            gid = gateway.get("id")
            container = gateway.getparent()
            flows = container.findall(bpmn_tag("sequenceFlow"))
            outgoing = [f for f in flows if f.get("sourceRef") == gid]
            default = gateway.get("default")
            if default and default not in {f.get("id") for f in outgoing}:
                self.problem(gid, f"default flow '{default}' does not leave this gateway")
            if len(outgoing) < 2:
                continue
            for flow in outgoing:
                condition = flow.find(bpmn_tag("conditionExpression"))
                text = (condition.text or "").strip() if condition is not None else ""
                if flow.get("id") != default and not text:
                    self.problem(
                        flow.get("id"),
                        f"flow leaving gateway '{gid}' has no condition and is not its default",
                    )

    def scripts(self, process: etree._Element) -> None:
        for task in process.iter(bpmn_tag("scriptTask")):
            script = task.find(bpmn_tag("script"))
            text = (script.text or "") if script is not None else ""
            try:
                compile(text, "<script>", "exec")
            except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
                reason = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
                self.problem(task.get("id"), f"script is not valid Python: {reason}")

    def user_tasks(self, process: etree._Element) -> list[UserTaskInfo]:
        result = []
        for task in process.iter(bpmn_tag("userTask")):
            tid = str(task.get("id"))
            props = self.props(task)
            lane = lane_of(task, process, self.lanes)
            department = None
            if lane is None:
                self.problem(tid, "user task is not inside a lane (lanes are departments)")
            if "department" in props:
                department = self.departments.code(props["department"])
                if department is None:
                    self.problem(
                        tid, f"department '{props['department']}' is not a known department"
                    )
            elif lane is not None:
                department = self.lane_department(lane)
            result.append(
                UserTaskInfo(
                    id=tid,
                    name=str(task.get("name") or tid),
                    process_id=str(next(task.iterancestors(*_CONTAINERS)).get("id")),
                    lane=lane.get("name") if lane is not None else None,
                    department=department,
                    sla=props.get("sla"),
                    fields=self.fields(tid, props),
                    milestone=self.milestone(tid, props.get("milestone")),
                    shown=self.shown(tid, props),
                )
            )
        return result

    def milestone(self, task_id: str, value: str | None) -> str | None:
        if value is not None and value not in MILESTONES:
            self.problem(task_id, f"milestone '{value}' is not one of {', '.join(MILESTONES)}")
            return None
        return value

    def lane_department(self, lane: etree._Element) -> str | None:
        lane_id = str(lane.get("id"))
        name = lane.get("name") or ""
        spelling = self.props(lane).get("department") or name
        code = self.departments.code(spelling) if spelling.strip() else None
        if code is None and lane_id not in self._reported_lanes:
            self._reported_lanes.add(lane_id)
            if not spelling.strip():
                self.problem(lane_id, "lane has no name and no department property")
            elif spelling == name:
                self.problem(lane_id, f"lane '{_flat(name)}' is not a known department")
            else:
                self.problem(
                    lane_id,
                    f"department '{spelling}' of lane '{_flat(name)}' is not a known department",
                )
        return code


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _flat(text: str) -> str:
    return " ".join(text.split())


def inspect_definition(
    data: bytes,
    *,
    source: str,
    departments: Mapping[str, str],
    limit_parser: Callable[[str], object],
) -> DefinitionInfo:
    """Read and check one diagram; DefinitionError lists every problem found.

    `departments` maps accepted spellings to department codes; `limit_parser`
    raises ValueError for a duration that is not working time.
    """
    tree = read_bpmn(data, source)
    return _Inspector(tree, departments, limit_parser).run(source)
