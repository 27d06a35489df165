"""Reading untrusted diagrams safely: hostile, malformed, oversized and schema-invalid
files are refused with one line, before anything is stored."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import SPIFF_XSD

from engine.definitions import MAX_BPMN_BYTES, DefinitionError, Problem, bpmn_xml, read_bpmn
from engine.definitions.bpmn_xml import MAX_ATTRIBUTES, MAX_BPMN_ELEMENTS, MAX_SIBLINGS
from tests.engine.definitions.diagrams import DATA, ENGINE, load, procedure, refusal

# --- refused files ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "element_id", "message"),
    [
        ("def_task_outside_lane.bpmn", "check_documents", "user task is not inside a lane"),
        ("def_unknown_department.bpmn", "Lane_land", "lane 'Thuỷ lợi' is not a known department"),
        ("def_bad_sla.bpmn", "register_birth", "sla 'P1Y' is not a working-time duration: use"),
        (
            "def_unresolved_message.bpmn",
            "notify_police",
            "messageRef 'Message_residence_request' is not a message in this file",
        ),
        ("def_xsd_unknown_element.bpmn", "approve", "'bpmn:approvalTask': This element is not"),
        ("def_xsd_bad_attribute.bpmn", "sign_result", "attribute 'deadline' is not allowed"),
    ],
)
def test_rule_and_schema_violations_name_the_element(
    name: str, element_id: str, message: str
) -> None:
    error = refusal(load(name), name)
    assert len(error.problems) == 1
    (problem,) = error.problems
    assert problem.element_id == element_id
    assert message in problem.message
    assert f"{name}: {element_id}: " in str(error)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("def_billion_laughs.bpmn", "DOCTYPE and entity declarations are not allowed"),
        ("def_external_entity.bpmn", "DOCTYPE and entity declarations are not allowed"),
        ("def_doctype_only.bpmn", "DOCTYPE and entity declarations are not allowed"),
        ("def_not_xml.bpmn", "not a well-formed XML file: Start tag expected"),
        ("def_not_bpmn.bpmn", "not a BPMN 2.0 diagram: the root element is svg"),
    ],
)
def test_unsafe_or_foreign_files_are_refused(name: str, message: str) -> None:
    error = refusal(load(name), name)
    assert error.problems == (Problem(None, error.problems[0].message),)
    assert message in str(error)
    assert "root:" not in str(error)


def test_entities_are_refused_in_utf16_too() -> None:
    for name in ("def_external_entity.bpmn", "def_billion_laughs.bpmn"):
        text = load(name).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        error = refusal(text.encode("utf-16"))
        assert "DOCTYPE and entity declarations are not allowed" in str(error)


@pytest.mark.parametrize(
    "name", ["def_external_entity.bpmn", "def_doctype_only.bpmn", "def_billion_laughs.bpmn"]
)
def test_parser_is_safe_even_without_the_byte_scan(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: if a DOCTYPE slipped past the scan, parsing loads nothing."""
    monkeypatch.setattr(bpmn_xml, "_DTD_MARKERS", ())
    with pytest.raises(DefinitionError) as caught:
        read_bpmn(load(name), name)
    message = str(caught.value)
    assert "root:" not in message and len(message) < 300
    if name != "def_billion_laughs.bpmn":  # libxml2 may stop that one first, as an XML error
        assert message == f"{name}: DOCTYPE and entity declarations are not allowed in a diagram"


def test_oversized_file_is_refused_before_parsing() -> None:
    valid = load("def_birth_registration.bpmn")
    filler = b"<!-- " + b"x" * (MAX_BPMN_BYTES - len(valid) - 10) + b" -->\n"
    at_limit = valid.replace(b"<bpmn:definitions", filler + b"<bpmn:definitions", 1)
    assert len(at_limit) == MAX_BPMN_BYTES
    assert read_bpmn(at_limit).getroot().get("id") == "def_birth_registration"
    error = refusal(at_limit + b" ", "big.bpmn")
    assert str(error) == (
        f"big.bpmn: file is {MAX_BPMN_BYTES + 1} bytes; "
        f"diagrams are limited to {MAX_BPMN_BYTES} bytes"
    )


def _tasks(n: int, attributes: str = "", prefix: str = "t") -> str:
    return "".join(f'<bpmn:task id="{prefix}{i}"{attributes}/>' for i in range(n))


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "".join(
                f'<bpmn:subProcess id="s{k}">{_tasks(1000, prefix=f"s{k}t")}</bpmn:subProcess>'
                for k in range(11)
            ),
            f"test: file has more than {MAX_BPMN_ELEMENTS} XML elements",
        ),
        (
            _tasks(MAX_SIBLINGS + 1),
            f"test: proc: more than {MAX_SIBLINGS} bpmn:task in one element",
        ),
        (
            _tasks(1500, "".join(f' a{j}="1"' for j in range(20))),
            f"test: file has more than {MAX_ATTRIBUTES} XML attributes",
        ),
    ],
)
def test_tree_shape_is_capped_before_validation(extra: str, expected: str) -> None:
    # Many faulty siblings make schema validation slow (each error is located by
    # counting preceding siblings), so the shape is bounded first.
    assert str(refusal(procedure(extra=extra))) == expected


def test_schema_errors_are_short_and_capped() -> None:
    bad = "".join(f'<bpmn:task id="t{i}" colour="red"/>' for i in range(10))
    error = refusal(procedure(extra=bad))
    assert [p.element_id for p in error.problems] == ["t0", "t1", "t2", None]
    assert error.problems[0].message == (
        "invalid BPMN: Element 'bpmn:task', attribute 'colour': "
        "The attribute 'colour' is not allowed (line 3)"
    )
    assert error.problems[-1] == Problem(None, "and 7 more schema errors")
    assert "{http" not in str(error) and len(str(error)) < 600


def test_validation_uses_the_shipped_schemas_only() -> None:
    """Every schema the validator loads is a local file: validation needs no network."""
    seen: set[Path] = set()
    todo = [Path(SPIFF_XSD), Path(SPIFF_XSD).parents[3] / "bpmn/parser/schema/BPMN20.xsd"]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        assert path.is_file(), path
        for node in etree.parse(str(path)).iter("{http://www.w3.org/2001/XMLSchema}*"):
            location = node.get("schemaLocation")
            if location is not None:
                assert "://" not in location, (path, location)
                todo.append(path.parent / location)
    assert {p.name for p in seen} >= {"BPMN20.xsd", "Semantic.xsd", "spiffworkflow.xsd"}


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare")
def test_validation_works_without_network() -> None:
    if subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0:  # noqa: S603, S607
        pytest.skip("this machine does not allow a private network namespace")
    script = f"""
import importlib.util, sys
spec = importlib.util.spec_from_file_location(
    "bpmn_xml", {str(ENGINE / "definitions" / "bpmn_xml.py")!r})
mod = sys.modules["bpmn_xml"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mod)
mod.read_bpmn(open({str(DATA / "def_birth_registration.bpmn")!r}, "rb").read())
try:
    mod.read_bpmn(open({str(DATA / "def_xsd_unknown_element.bpmn")!r}, "rb").read())
except mod.DefinitionError as exc:
    print(exc)
"""
    result = subprocess.run(  # noqa: S603
        ["unshare", "-rn", sys.executable, "-c", script],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "approve: invalid BPMN" in result.stdout


