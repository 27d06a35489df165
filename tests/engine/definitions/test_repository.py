"""Deploying definitions: versions, content hashes, pinned dossiers, refused files."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine.calendar import limit_parser
from engine.definitions import DefinitionError
from engine.queries import list_tasks, show_dossier
from engine.runtime import Runtime, start
from engine.storage import DefinitionVersion
from tests.conftest import DATA, WORKFLOWS, deploy_files, vn


def count_versions(session):
    return session.scalar(select(func.count()).select_from(DefinitionVersion))


def deploy_bytes(session, runtime, files):
    from engine.definitions import deploy

    cal = runtime.calendar(session, "PHUCLOI")
    return deploy(session, files, user="designer", at=vn("2026-03-02 08:00"),
                  limit_parser=limit_parser(cal))


def test_same_content_creates_nothing_new(session, runtime):
    first = deploy_files(session, runtime, WORKFLOWS)
    again = deploy_files(session, runtime, WORKFLOWS)
    assert ("birth_registration", 1, True) in [(r.key, r.version, r.created) for r in first]
    assert all(r.created for r in first) and not any(r.created for r in again)
    assert [r.key for r in again] == [r.key for r in first]
    row = session.scalar(select(DefinitionVersion).where(
        DefinitionVersion.key == "birth_registration"))
    assert (row.deployed_by, len(row.content_hash)) == ("designer", 64)


def test_running_dossiers_stay_on_their_version(session, clock, runtime):
    deploy_files(session, runtime, WORKFLOWS)
    old = start(session, runtime, "birth_registration", unit="PHUCLOI", at=vn("2026-03-06 09:00"))
    xml = (WORKFLOWS / "birth_registration.bpmn").read_bytes()
    renamed = xml.replace("Tiếp nhận và kiểm tra hồ sơ".encode(), "Tiếp nhận hồ sơ (mới)".encode())
    result = deploy_bytes(session, runtime, [("birth_registration.bpmn", renamed)])
    assert [(r.version, r.created) for r in result] == [(2, True)]

    new = start(session, Runtime(clock), "birth_registration", unit="PHUCLOI",
                at=vn("2026-03-06 09:05"))
    names = {t.dossier_code: t.name for t in list_tasks(session)}
    assert names == {old.code: "Tiếp nhận và kiểm tra hồ sơ", new.code: "Tiếp nhận hồ sơ (mới)"}
    assert show_dossier(session, old.code).definition_version == 1
    assert show_dossier(session, new.code).definition_version == 2


@pytest.mark.parametrize("name", ["def_billion_laughs.bpmn", "def_external_entity.bpmn",
                                  "def_not_xml.bpmn", "def_unknown_department.bpmn",
                                  "def_task_outside_lane.bpmn", "def_bad_sla.bpmn"])
def test_a_refused_file_stores_nothing(session, runtime, name):
    files = [("birth_registration.bpmn", (WORKFLOWS / "birth_registration.bpmn").read_bytes()),
             (name, (DATA / name).read_bytes())]
    with pytest.raises(DefinitionError) as err:
        deploy_bytes(session, runtime, files)
    assert "\n" not in str(err.value) and name in str(err.value)
    assert count_versions(session) == 0


def test_called_process_must_resolve(session, runtime):
    with pytest.raises(DefinitionError, match="birth_registration"):
        deploy_files(session, runtime, DATA / "def_linked_procedure.bpmn")
    assert count_versions(session) == 0


def test_a_call_pins_the_version_it_was_deployed_with(session, runtime):
    results = deploy_files(session, runtime, DATA / "def_birth_registration.bpmn",
                           DATA / "def_linked_procedure.bpmn", DATA / "def_health_card.bpmn")
    versions = {r.key: r.version for r in results}
    linked = session.scalar(select(DefinitionVersion).where(
        DefinitionVersion.key == "linked_birth_residence_card"))
    called = session.get(DefinitionVersion, linked.dependencies[0])
    assert (called.key, called.version) == ("birth_registration", versions["birth_registration"])
