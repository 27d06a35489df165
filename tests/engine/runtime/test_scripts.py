"""Diagram scripts run sandboxed: escapes are refused and the dossier stays as it was."""

from __future__ import annotations

import logging

import pytest

from engine.errors import ScriptFailed
from engine.queries import show_dossier
from engine.runtime import Runtime, complete, start
from tests.conftest import DATA, deploy_files, vn
from tests.engine.runtime.helpers import ready_task, snapshot


@pytest.fixture
def hostile(session, clock):
    runtime = Runtime(clock, script_time_limit=0.5)
    deploy_files(session, runtime, DATA / "hostile_script.bpmn")
    code = start(session, runtime, "hostile_script", unit="PHUCLOI",
                 applicant={"name": "Lê Văn Cường"}, at=vn("2026-03-06 09:00")).code
    return runtime, code


@pytest.mark.parametrize(("script", "reason"), [
    ("import_os", "import"),
    ("open_file", "open"),
    ("subclasses", "__class__"),
    ("endless", "time limit"),
    ("huge", "memory"),
])
def test_escape_is_refused_and_nothing_changes(session, hostile, script, reason, caplog):
    runtime, code = hostile
    task = ready_task(session, code)
    before = snapshot(session, code)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ScriptFailed) as err:
        complete(session, runtime, task.id, user="clerk", data={"script": script},
                 at=vn("2026-03-06 09:30"))
    message = str(err.value)
    assert message.startswith(f"{script}: ") and reason in message.lower()  # the element
    assert (err.value.code, err.value.params) == ("script_failed", {"reason": message})
    assert "\n" not in message
    assert snapshot(session, code) == before
    assert "Lê Văn Cường" not in caplog.text


def test_an_ordinary_script_runs(session, hostile):
    runtime, code = hostile
    complete(session, runtime, ready_task(session, code).id, user="clerk",
             data={"script": "fine"}, at=vn("2026-03-06 09:30"))
    assert ready_task(session, code).name == "Sau kịch bản"
    assert show_dossier(session, code).status == "running"
