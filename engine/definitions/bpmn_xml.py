"""Reading untrusted BPMN uploads safely, and the one-line error they produce.

A diagram is code and data from outside: it is size-capped, parsed with a
parser that never loads DTDs, entities or anything from the network, refused
if it carries a DOCTYPE at all, and validated against the BPMN 2.0 schema
(with SpiffWorkflow's extension schema) that ships inside SpiffWorkflow, so
validation needs no network either. Errors are short, one line, and name the
element where one is known; libxml2's raw output never reaches the user.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.spiff.parser.process import VALIDATOR

MAX_BPMN_BYTES = 2 * 1024 * 1024
# Shape limits far above any real procedure (a 300-step diagram with its layout
# has ~5,000 elements). They bound schema validation time: each schema error is
# located by counting the element's preceding same-name siblings, so a crafted
# file of many faulty siblings would otherwise take tens of seconds.
MAX_BPMN_ELEMENTS = 10_000
MAX_SIBLINGS = 2_000  # elements of one name under one parent
MAX_ATTRIBUTES = 30_000  # in the whole file

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}

# Schema errors shown per file; the rest are counted. One is usually enough to
# fix the diagram, and the message must stay one readable line.
_MAX_SCHEMA_PROBLEMS = 3
_MAX_MESSAGE = 300

# XMLSchema keeps the last run's error_log on the shared object, so two
# threads validating at once would read each other's errors.
_VALIDATE_LOCK = threading.Lock()

_SHORT_NS = {
    BPMN_NS: "bpmn",
    SPIFF_NS: "spiffworkflow",
    "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://www.omg.org/spec/DD/20100524/DC": "dc",
    "http://www.omg.org/spec/DD/20100524/DI": "di",
}
_CLARK = re.compile(r"\{([^}]*)\}")
_ELEMENT = re.compile(r"^Element '([^']+)'")
# "<!DOCTYPE" / "<!ENTITY" as they appear in UTF-8 (and ASCII-compatible encodings),
# UTF-16 and UTF-32: refused before the parser sees them.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_EXPECTED = re.compile(r"Expected is (one of )?\( ([^)]*) \)")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a diagram; `element_id` is None for file-level problems."""

    element_id: str | None
    message: str


class DefinitionError(ValueError):
    """A diagram (or a set of them) was refused; `problems` says why, all at once."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(source, self.problems)

    def __str__(self) -> str:
        parts = []
        for problem in self.problems:
            message = _one_line(problem.message)
            parts.append(f"{problem.element_id}: {message}" if problem.element_id else message)
        return f"{_one_line(self.source)}: " + "; ".join(parts)

    def __reduce__(self) -> tuple[type[DefinitionError], tuple[str, tuple[Problem, ...]]]:
        return (type(self), (self.source, self.problems))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _refuse(source: str, message: str, element_id: str | None = None) -> DefinitionError:
    return DefinitionError(source, [Problem(element_id, message)])


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers are not safe to share between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        attribute_defaults=False,
    )


def read_bpmn(data: bytes, source: str = "upload") -> etree._ElementTree:
    """Parse and schema-validate an untrusted BPMN file, or raise DefinitionError.

    Refuses files over MAX_BPMN_BYTES, any DOCTYPE (so no DTD and no entity
    can be declared), text that is not well-formed XML, a root other than
    bpmn:definitions, trees beyond the MAX_* shape limits, and anything the
    BPMN 2.0 + SpiffWorkflow schemas reject. The returned tree has had
    SpiffWorkflow's pre-validation rewrite applied, as SpiffBpmnParser would.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("read_bpmn takes the file's bytes")
    data = bytes(data)
    if len(data) > MAX_BPMN_BYTES:
        raise _refuse(
            source, f"file is {len(data)} bytes; diagrams are limited to {MAX_BPMN_BYTES} bytes"
        )
    # Refuse before parsing, so no entity is ever expanded; the docinfo check
    # after parsing is the backstop for encodings the byte scan cannot see.
    if any(marker in data for marker in _DTD_MARKERS):
        raise _refuse(source, "DOCTYPE and entity declarations are not allowed in a diagram")
    try:
        root = etree.fromstring(data, parser=_parser())  # hardened: see _parser()
    except etree.XMLSyntaxError as exc:
        raise _refuse(source, f"not a well-formed XML file: {_trim(exc.msg or str(exc))}") from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _refuse(source, "DOCTYPE and entity declarations are not allowed in a diagram")
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise _refuse(
            source,
            f"not a BPMN 2.0 diagram: the root element is {_short(str(root.tag))}, "
            "expected bpmn:definitions",
        )
    shape = _shape_problem(root)
    if shape is not None:
        raise DefinitionError(source, [shape])
    problems = _schema_problems(tree)
    if problems:
        raise DefinitionError(source, problems)
    return tree


def _shape_problem(root: etree._Element) -> Problem | None:
    """The first way the tree exceeds the shape limits, if any."""
    attributes = 0
    for count, element in enumerate(root.iter(), start=1):
        attributes += len(element.attrib)
        if count > MAX_BPMN_ELEMENTS:
            return Problem(None, f"file has more than {MAX_BPMN_ELEMENTS} XML elements")
        if attributes > MAX_ATTRIBUTES:
            return Problem(None, f"file has more than {MAX_ATTRIBUTES} XML attributes")
        if len(element) > MAX_SIBLINGS:
            tag, n = Counter(str(child.tag) for child in element).most_common(1)[0]
            if n > MAX_SIBLINGS:
                return Problem(
                    owner_id(element), f"more than {MAX_SIBLINGS} {_short(tag)} in one element"
                )
    return None


def _schema_problems(tree: etree._ElementTree) -> list[Problem]:
    """Validate with SpiffWorkflow's own BPMN 2.0 + spiffworkflow validator."""
    with _VALIDATE_LOCK:
        # Same rewrite SpiffBpmnParser does before validating: bpmn-js writes
        # correlation retrieval expressions in a shape the XSD rejects.
        VALIDATOR.preprocess(tree)
        if VALIDATOR.validator.validate(tree):
            return []
        errors = [(e.message, e.line, e.path) for e in VALIDATOR.validator.error_log]
    # Only the shown errors are located (a 2 MiB file can hold thousands of them).
    prefixes = {p: uri for node in tree.iter() for p, uri in node.nsmap.items() if p}
    problems: list[Problem] = []
    rest = 0
    for index, (message, line, path) in enumerate(errors):
        if len(problems) == _MAX_SCHEMA_PROBLEMS or index == 4 * _MAX_SCHEMA_PROBLEMS:
            rest = len(errors) - index
            break
        problem = Problem(
            _element_id_at(tree, prefixes, message, line, path),
            f"invalid BPMN: {_trim(message)} (line {line})",
        )
        if problem not in problems:  # libxml2 can report one fault several times
            problems.append(problem)
    if rest:
        problems.append(Problem(None, f"and {rest} more schema errors"))
    return problems


def _element_id_at(
    tree: etree._ElementTree,
    prefixes: dict[str, str],
    message: str,
    line: int,
    path: str | None,
) -> str | None:
    """Id of the element (or its nearest ancestor with one) a schema error is about."""
    element = None
    if path:
        # libxml2 writes the path with the document's own prefixes (or /*[n] steps).
        try:
            found = tree.xpath(path, namespaces=prefixes)
        except etree.XPathError:
            found = None
        if isinstance(found, list) and found and isinstance(found[0], etree._Element):
            element = found[0]
    if element is None:
        match = _ELEMENT.match(message)
        if match is not None:
            element = next((e for e in tree.iter(match.group(1)) if e.sourceline == line), None)
    while element is not None:
        if element.get("id"):
            return str(element.get("id"))
        element = element.getparent()
    return None


def _short(text: str) -> str:
    """Write {namespace}name as prefix:name for the namespaces a designer knows."""
    return _CLARK.sub(lambda m: f"{_SHORT_NS[m.group(1)]}:" if m.group(1) in _SHORT_NS else "",
                      text)


def _trim(message: str) -> str:
    """The essential line of a libxml2 message: short names, a short 'expected' list."""

    def expected(match: re.Match[str]) -> str:
        names = [name.strip() for name in match.group(2).split(",")]
        shown = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        return f"Expected is {match.group(1) or ''}({shown})"

    text = _one_line(_short(message.splitlines()[0] if message else ""))
    if "This element is not expected" in text:
        # libxml2 lists what could follow the previous sibling, which misleads more than it helps.
        text = text.split(" Expected is", 1)[0]
    text = _EXPECTED.sub(expected, text).rstrip(".")
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


# --- reading BPMN elements (shared by the definition checks) ---------------------


def bpmn_tag(local: str) -> str:
    """The Clark name of a BPMN model element, e.g. bpmn_tag("userTask")."""
    return f"{{{BPMN_NS}}}{local}"


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def lanes_by_node(root: etree._Element) -> dict[str, etree._Element]:
    """flow node id -> lane, as SpiffWorkflow assigns them (the last, innermost lane wins)."""
    lanes: dict[str, etree._Element] = {}
    for ref in root.iter(bpmn_tag("flowNodeRef")):
        if ref.text and ref.text.strip():
            lanes[ref.text.strip()] = ref.getparent()
    return lanes


def lane_of(
    task: etree._Element, process: etree._Element, lanes: Mapping[str, etree._Element]
) -> etree._Element | None:
    """A task inside an embedded subprocess takes the subprocess's lane, as in SpiffWorkflow."""
    chain = []
    node = task
    while node is not None and node is not process:
        chain.append(node)
        node = node.getparent()
    for element in reversed(chain):
        lane = lanes.get(element.get("id") or "")
        if lane is not None:
            return lane
    return None


def owner_id(element: etree._Element) -> str | None:
    node = element
    while node is not None:
        if node.get("id"):
            return str(node.get("id"))
        node = node.getparent()
    return None


def in_skipped_process(element: etree._Element) -> bool:
    process = next(element.iterancestors(bpmn_tag("process")), None)
    return process is not None and process.get("isExecutable", "true") != "true"


def read_properties(element: etree._Element) -> tuple[dict[str, str], list[str]]:
    """The element's spiffworkflow properties as SpiffWorkflow reads them, and what is wrong.

    SpiffWorkflow keeps the last of two same-named properties and fails on one
    without a value; both are reported here instead.
    """
    result: dict[str, str] = {}
    errors: list[str] = []
    for prop in element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties//spiffworkflow:property",
        namespaces=NSMAP,
    ):
        name, value = prop.get("name"), prop.get("value")
        if not name or value is None:
            errors.append("a spiffworkflow:property needs both a name and a value")
        elif name in result:
            errors.append(f"property '{name}' is declared twice")
        else:
            result[name] = value
    return result, errors
