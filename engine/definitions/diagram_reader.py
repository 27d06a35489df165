"""Reading one parsed diagram while collecting every problem found in it: the elements'
spiffworkflow properties, durations, expressions, and the `field:` and `show:`
declarations. The rules (rules.py) build on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from lxml import etree

from engine.definitions.bpmn_xml import Problem, lanes_by_node, owner_id, read_properties
from engine.definitions.departments import DepartmentNames
from engine.definitions.diagram_info import FieldSpec, ShownSpec, parse_field, parse_shown

D = TypeVar("D", FieldSpec, ShownSpec)


class DiagramReader:
    """One pass over one parsed file, collecting every problem before raising."""

    def __init__(
        self,
        tree: etree._ElementTree,
        departments: Mapping[str, str],
        limit_parser: Callable[[str], object],
    ) -> None:
        self.tree = tree
        self.root = tree.getroot()
        self.departments = DepartmentNames(departments)
        self.limit_parser = limit_parser
        self.problems: list[Problem] = []
        self._props: dict[str, dict[str, str]] = {}
        self._reported_lanes: set[str] = set()
        self.lanes = lanes_by_node(self.root)

    def problem(self, element_id: str | None, message: str) -> None:
        self.problems.append(Problem(element_id, message))

    # --- reading -----------------------------------------------------------

    def props(self, element: etree._Element) -> dict[str, str]:
        """The element's spiffworkflow properties (problems reported once per element)."""
        path = self.tree.getpath(element)
        if path not in self._props:
            self._props[path], errors = read_properties(element)
            for error in errors:
                self.problem(owner_id(element), error)
        return self._props[path]

    def duration(self, element_id: str | None, what: str, text: str) -> None:
        try:
            self.limit_parser(text)
        except ValueError as exc:
            self.problem(element_id, f"{what} '{text}' is not a working-time duration: {exc}")

    def expression(self, element_id: str | None, what: str, text: str) -> None:
        """Syntax check only; evaluation belongs to the engine's sandbox."""
        try:
            compile(text.strip(), "<diagram>", "eval")
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            reason = exc.msg if isinstance(exc, SyntaxError) else type(exc).__name__
            self.problem(element_id, f"{what} is not a valid expression: {reason}")

    def fields(self, task_id: str, props: Mapping[str, str]) -> tuple[FieldSpec, ...]:
        """The user task's `field:<name>` declarations, in the order written."""
        return self.declared(task_id, props, "field", parse_field)

    def shown(self, element_id: str | None, props: Mapping[str, str]
              ) -> tuple[ShownSpec, ...]:
        """The element's `show:<name>` declarations, in the order written."""
        return self.declared(element_id, props, "show", parse_shown)

    def declared(self, element_id: str | None, props: Mapping[str, str], kind: str,
                 parse: Callable[[str, str], D]) -> tuple[D, ...]:
        result = []
        for prop_name, value in props.items():
            if prop_name.startswith(f"{kind}:"):
                name = prop_name[len(kind) + 1:].strip()
                try:
                    result.append(parse(name, value))
                except ValueError as exc:
                    self.problem(element_id, f"{kind} '{name}': {exc}")
        return tuple(result)
