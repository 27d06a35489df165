"""What the dossier-lifecycle tests share: the simple procedure deployed, a dossier
of it received, and its next step worked."""

from __future__ import annotations

import pytest

from engine.queries import list_tasks, show_dossier
from engine.runtime import complete, start
from engine.simulation import seed_demo_units
from tests.conftest import DATA, deploy_files, vn

SIMPLE = (DATA / "simple_procedure.bpmn", DATA / "simple_procedure.toml")


@pytest.fixture
def simple(session, runtime):
    seed_demo_units(session, password="test-password")
    deploy_files(session, runtime, *SIMPLE)
    return runtime


def receive(runtime, session, at="2026-03-02 09:00", **kw):
    """A dossier of the simple procedure received at the desk, as it then stands."""
    kw.setdefault("unit", "PHUCLOI")
    kw.setdefault("applicant", {"name": "Nguyễn Văn A", "address": "Số 1 Phúc Lợi"})
    kw.setdefault("documents", ["Tờ khai"])
    ref = start(session, runtime, "9.000001", actor="tiepnhan.phucloi", at=vn(at), **kw)
    return show_dossier(session, ref.code)


def work(runtime, session, code, at, data=None, user="u"):
    task = next(t for t in list_tasks(session) if t.dossier_code == code)
    complete(session, runtime, task.id, user=user, data=data or {}, at=vn(at))
    return task
