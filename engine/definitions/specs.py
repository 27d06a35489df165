"""Diagrams together: the references between the files being deployed and those already
deployed, and the SpiffWorkflow specs built from checked files. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.definitions.bpmn_xml import DefinitionError, Problem, read_bpmn
from engine.definitions.diagram_info import DefinitionInfo


def spiff_message(exc: ValidationException, doing: str = "load this diagram") -> str:
    """SpiffWorkflow's refusal in one line (at most 300 characters of its message)."""
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    return f"SpiffWorkflow cannot {doing}: {' '.join(message.split())[:300]}"


def spiff_problems(tree: etree._ElementTree, source: str, process_ids: Sequence[str]
                   ) -> list[Problem]:
    """Last safety net of the rules: the file must load in SpiffWorkflow's own parser.

    Our rules come first because they name every problem; the library stops at its
    first one, and raises arbitrary exceptions on odd input, which become a problem
    rather than a traceback.
    """
    try:
        parser = SpiffBpmnParser(validator=None)
        parser.add_bpmn_xml(tree, filename=source)
        for pid in process_ids:
            parser.get_spec(pid)
    except ValidationException as exc:
        return [Problem(exc.id or None, spiff_message(exc))]
    except Exception as exc:  # any failure here means "refuse the file", not a 500
        return [Problem(None, f"SpiffWorkflow cannot load this diagram: {type(exc).__name__}")]
    return []


def check_references(
    infos: Sequence[DefinitionInfo], known: Sequence[DefinitionInfo] = ()
) -> None:
    """Check files being deployed (`infos`) against each other and what is deployed (`known`).

    Every called process must exist and every thrown message must be caught
    by some procedure; otherwise DefinitionError("deploy", problems).
    """
    problems: list[Problem] = []
    owners: dict[str, str] = {}
    for info in infos:
        for pid in info.process_ids:
            if pid in owners and owners[pid] != info.key:
                problems.append(
                    Problem(pid, f"process id is defined by both '{owners[pid]}' and '{info.key}'")
                )
            owners.setdefault(pid, info.key)
    everything = [*infos, *known]
    process_ids = {pid for info in everything for pid in info.process_ids}
    caught = {name for info in everything for name in info.messages_caught}
    for info in infos:
        for target in info.called_elements:
            if target not in process_ids:
                problems.append(
                    Problem(info.key, f"calls process '{target}', which is not deployed")
                )
        for name in info.messages_thrown:
            if name not in caught:
                problems.append(
                    Problem(info.key, f"throws message '{name}', which no procedure catches")
                )
    if problems:
        raise DefinitionError("deploy", problems)


def build_specs(
    main: bytes, others: Sequence[bytes], process_id: str
) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """SpiffWorkflow specs for `process_id` of `main`, with the processes it calls from `others`.

    Files go through read_bpmn again (cheap, and the bytes may come from
    storage); the schema check there makes the parser's own validator redundant.
    """
    parser = SpiffBpmnParser(validator=None)
    for index, data in enumerate([main, *others]):
        source = "main" if index == 0 else f"others[{index - 1}]"
        tree = read_bpmn(data, source)
        try:
            parser.add_bpmn_xml(tree, filename=source)
        except ValidationException as exc:
            raise DefinitionError(source, [Problem(exc.id or None, spiff_message(exc))]) from None
    try:
        spec = parser.get_spec(process_id)
        subprocesses = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        problem = Problem(exc.id or None, spiff_message(exc, f"build process '{process_id}'"))
        raise DefinitionError(process_id, [problem]) from None
    return spec, subprocesses
