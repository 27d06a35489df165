"""The data a task shows read-only (`show:` declarations): read from the ready task's
data, only the declared names, from the procedure's process, the processes it called
and the task itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from engine.queries import get_task, list_tasks
from engine.runtime import Runtime, complete, display_text, start
from tests.conftest import deploy_files, vn
from tests.engine.definitions.diagrams import HEAD, props


def _show(**declared: str) -> str:
    return props(**{f"show:{name.replace('__', '.')}": value
                    for name, value in declared.items()})


# The agency's core work: its process shows the case number, its task a note.
CORE = (
    HEAD
    + '<bpmn:process id="core_proc" name="Giải quyết" isExecutable="true">'
    + _show(case_no="type=integer; label=Số hồ sơ")
    + '<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="Công an">'
    + "<bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>"
    + "<bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
    + '<bpmn:startEvent id="s"/>'
    + '<bpmn:userTask id="work" name="Thẩm định">'
    + props(**{"sla": "PT4H", "field:done": "type=boolean",
               "show:note": "type=text; label=Ghi chú của phường",
               "show:request.child_name": "label=Họ và tên của trẻ"})
    + "</bpmn:userTask><bpmn:endEvent id=\"e\"/>"
    + '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e"/>'
    + "</bpmn:process></bpmn:definitions>"
)

# The linked part: what arrived (set here by a script, as a message would) and the call.
PAYLOAD = ('request = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27", '
           '"siblings": ["Nguyễn Minh Khang"], "parent_phone": "0912345678", '
           '"verification": True, "registered_at": "2026-03-09T10:15:00"}\n'
           'note = "Trẻ ở cùng mẹ"\ncase_no = 7\nsecret = "dữ liệu của người khác"')
CALLER = (
    HEAD
    + '<bpmn:process id="caller_proc" name="Phần liên thông" isExecutable="true">'
    + props(**{"time_limit": "P2D",
               "show:request.child_name": "label=Họ và tên trẻ",
               "show:request.birth_date": "type=date; label=Ngày sinh",
               "show:request.verification": "type=boolean; label=Cần xác minh",
               "show:request.registered_at": "type=datetime; label=Ghi sổ lúc",
               "show:request.siblings": "label=Anh chị em",
               "show:request.missing": "label=Không có trong dữ liệu"})
    + '<bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="Công an">'
    + "<bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>prepare</bpmn:flowNodeRef>"
    + "<bpmn:flowNodeRef>call</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>"
    + "</bpmn:lane></bpmn:laneSet>"
    + '<bpmn:startEvent id="s"/>'
    + f'<bpmn:scriptTask id="prepare"><bpmn:script>{PAYLOAD}</bpmn:script></bpmn:scriptTask>'
    + '<bpmn:callActivity id="call" calledElement="core_proc"/>'
    + '<bpmn:endEvent id="e"/>'
    + '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="prepare"/>'
    + '<bpmn:sequenceFlow id="f2" sourceRef="prepare" targetRef="call"/>'
    + '<bpmn:sequenceFlow id="f3" sourceRef="call" targetRef="e"/>'
    + "</bpmn:process></bpmn:definitions>"
)


@pytest.fixture
def linked(session: Session, runtime: Runtime, tmp_path: Path) -> str:
    """A dossier of the linked part, at the core's task; its id."""
    for name, text in (("core.bpmn", CORE), ("caller.bpmn", CALLER)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    deploy_files(session, runtime, tmp_path)
    code = start(session, runtime, "caller_proc", unit="CA-PHUCLOI",
                 at=vn("2026-03-09 10:30")).code
    (task,) = list_tasks(session, dossier=code)
    return task.id


def test_a_ready_task_shows_what_its_processes_and_itself_declare(session, runtime, linked):
    view = get_task(session, runtime.specs, linked)
    # the caller's declarations first, then the core process's, then the task's own;
    # the task's label for request.child_name replaces the caller's, in its place
    assert [(v.name, v.label, v.value, v.text) for v in view.shown] == [
        ("request.child_name", "Họ và tên của trẻ", "Nguyễn Bảo An", "Nguyễn Bảo An"),
        ("request.birth_date", "Ngày sinh", "2026-02-27", "27/02/2026"),
        ("request.verification", "Cần xác minh", True, "Có"),
        ("request.registered_at", "Ghi sổ lúc", "2026-03-09T10:15:00", "09/03/2026 10:15"),
        ("case_no", "Số hồ sơ", 7, "7"),
        ("note", "Ghi chú của phường", "Trẻ ở cùng mẹ", "Trẻ ở cùng mẹ"),
    ]


def test_only_declared_scalar_values_are_exposed(session, runtime, linked):
    view = get_task(session, runtime.specs, linked)
    exposed = repr(view)
    # undeclared data, a declared list and a declared name without a value stay out
    for hidden in ("0912345678", "dữ liệu của người khác", "Nguyễn Minh Khang",
                   "Không có trong dữ liệu"):
        assert hidden not in exposed
    assert list_tasks(session)[0].shown == ()  # lists never read the workflow state


def test_a_completed_task_shows_nothing(session, runtime, linked):
    complete(session, runtime, linked, user="officer", data={"done": True},
             at=vn("2026-03-09 11:00"))
    assert get_task(session, runtime.specs, linked).shown == ()


@pytest.mark.parametrize(("kind", "value", "text"), [
    ("date", "2026-02-27", "27/02/2026"),
    ("date", "27/02/2026", "27/02/2026"),  # not ISO: as written
    ("datetime", "2026-03-09T08:05:00+07:00", "09/03/2026 08:05"),
    ("string", "2026-02-27", "2026-02-27"),  # only a declared date is rewritten
    ("boolean", False, "Không"),
    ("number", 1.5, "1.5"),
])
def test_display_text(kind, value, text):
    assert display_text(kind, value) == text
