"""Schema migrations: they build exactly the models' schema, and an upgrade keeps the
rows an office already has (checked on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, column, insert, inspect, select, table

from engine.storage import Base, alembic_config, upgrade
from tests.conftest import BACKENDS, empty_database

AT = datetime(2026, 3, 6, 2, 0, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def empty(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    with empty_database(request.param, tmp_path, "lienthong_migrations") as engine:
        yield engine


def test_the_migrations_build_the_models_schema(empty):
    upgrade(empty)
    with empty.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def schema(engine: Engine) -> set[tuple[object, ...]]:
    """Every table with its columns (type, nullable, server default), indexes and foreign
    keys, as the database reports them: one item each, so a difference names itself."""
    found = inspect(engine)
    items: set[tuple[object, ...]] = set()
    for name in found.get_table_names():
        items.add((name,))
        items.update((name, "column", c["name"], str(c["type"]), c["nullable"], c.get("default"))
                     for c in found.get_columns(name))
        items.update((name, "index", i["name"], tuple(i["column_names"]), bool(i["unique"]))
                     for i in found.get_indexes(name))
        items.update((name, "foreign key", tuple(f["constrained_columns"]), f["referred_table"],
                      tuple(f["referred_columns"])) for f in found.get_foreign_keys(name))
    return items


def test_downgrading_from_head_gives_back_the_first_schema(empty):
    """Going back to 0001 must leave no column, index or key a later migration added:
    the database must be the one 0001 builds."""
    config = alembic_config(empty)
    command.upgrade(config, "0001")
    first = schema(empty)
    command.upgrade(config, "head")
    assert schema(empty) != first  # the comparison below can see a difference
    command.downgrade(config, "0001")
    assert schema(empty) == first


def test_upgrade_moves_handovers_into_their_task_records_and_back(empty):
    config = alembic_config(empty)
    command.upgrade(config, "0001")
    tables = Base.metadata.tables  # dossier and its version did not change since 0001
    old_task_record = table("task_record", *(column(name) for name in (
        "id", "task_id", "dossier_id", "spec_id", "process_id", "name", "department",
        "status", "ready_at", "version")))
    with empty.begin() as conn:
        conn.execute(insert(tables["definition_version"]).values(
            id=1, key="p", version=1, name="p", content_hash="h", xml=b"<x/>", source="p",
            info={}, dependencies=[], deployed_by="d", deployed_at=AT))
        for dossier_id in (1, 2):
            conn.execute(insert(tables["dossier"]).values(
                id=dossier_id, code=f"D-{dossier_id}", definition_id=1, process_key="p",
                unit="U", channel="in_person", status="running", applicant={},
                field_of_work="", documents=[], received_at=AT, counting_from=AT,
                verification=False, supplement_count=0, apologized=False, state="{}",
                version=1))
        for task_id, department in [("t1", "reception"), ("t2", "reception"),
                                    ("t3", "police")]:
            conn.execute(insert(old_task_record).values(
                id=task_id, task_id=task_id, dossier_id=2, spec_id=task_id, process_id="p",
                name=task_id, department=department, status="completed",
                ready_at="2026-03-06 02:00:00", version=1))
        conn.exec_driver_sql(
            "INSERT INTO handover (dossier_id, from_department, to_department, to_task_id,"
            " handed_at, giver, source_dossier_id) VALUES"
            " (2, NULL, 'reception', 't1', '2026-03-06 02:00:00', NULL, NULL),"
            " (2, 'reception', 'police', 't3', '2026-03-06 02:00:00', 'clerk', 1)")

    command.upgrade(config, "head")
    task_record = Base.metadata.tables["task_record"]
    with empty.connect() as conn:
        rows = conn.execute(select(
            task_record.c.id, task_record.c.handover, task_record.c.handed_from,
            task_record.c.handed_by, task_record.c.source_dossier_id,
        ).order_by(task_record.c.id)).all()
    assert [tuple(r) for r in rows] == [
        ("t1", True, None, None, None),  # handed in by the applicant
        ("t2", False, "reception", None, None),  # passed on within reception
        ("t3", True, "reception", "clerk", 1),  # from the linked dossier D-1
    ]

    command.downgrade(config, "0001")
    with empty.connect() as conn:
        back = conn.exec_driver_sql(
            "SELECT to_task_id, from_department, to_department, giver, source_dossier_id"
            " FROM handover ORDER BY to_task_id").all()
    assert [tuple(r) for r in back] == [
        ("t1", None, "reception", None, None), ("t3", "reception", "police", "clerk", 1)]


def test_upgrade_to_0009_fills_unit_procedure_and_step_minutes(empty):
    """Rows written before 0009 get the dossier's unit and version in SQL and their
    working minutes from the engine's calendar (the pause for the citizen left out), as
    the runtime writes them on completion."""
    config = alembic_config(empty)
    command.upgrade(config, "0008")
    tables = Base.metadata.tables
    old_task_record = table("task_record", *(column(name) for name in (
        "id", "task_id", "dossier_id", "spec_id", "process_id", "name", "department",
        "status", "ready_at", "claimed_at", "received_at", "completed_at", "handover",
        "handed_from", "version")))
    with empty.begin() as conn:
        conn.execute(insert(tables["definition_version"]).values(
            id=7, key="p", version=1, name="p", content_hash="h", xml=b"<x/>", source="p",
            info={}, dependencies=[], deployed_by="d", deployed_at=AT))
        conn.execute(insert(tables["dossier"]).values(
            id=1, code="D-1", definition_id=7, process_key="p", unit="PHUCLOI",
            channel="in_person", status="running", applicant={}, field_of_work="",
            documents=[], received_at=AT, counting_from=AT, verification=False,
            supplement_count=0, apologized=False, state="{}", version=1))
        conn.execute(insert(tables["pause"]).values(
            dossier_id=1, started_at=datetime(2026, 3, 9, 2, 0, tzinfo=UTC),  # 9:00 VN
            ended_at=datetime(2026, 3, 9, 3, 30, tzinfo=UTC), deadline_at=AT,
            requested_by="o", items=[], reason="r"))
        times = Base.metadata.tables["task_record"].c  # typed columns for the instants
        for values in [
            # Monday 8:00 -> 11:00 VN, paused 9:00-10:30: 90 min, all waiting
            dict(id="t1", department="reception", ready_at=datetime(2026, 3, 9, 1, 0),
                 completed_at=datetime(2026, 3, 9, 4, 0), handover=True, handed_from=None),
            # handed over at 11:00, taken 14:00 (lunch out: 120), done 15:00 (180)
            dict(id="t2", department="police", ready_at=datetime(2026, 3, 9, 4, 0),
                 claimed_at=datetime(2026, 3, 9, 7, 0), received_at=datetime(2026, 3, 9, 7, 0),
                 completed_at=datetime(2026, 3, 9, 8, 0), handover=True,
                 handed_from="reception"),
            dict(id="t3", department="police", ready_at=datetime(2026, 3, 9, 8, 0),
                 handover=False, handed_from="police", status="ready")]:
            values = {k: v.replace(tzinfo=UTC) if isinstance(v, datetime) else v
                      for k, v in values.items()}
            row = {"task_id": values["id"], "dossier_id": 1, "spec_id": values["id"],
                   "process_id": "p", "name": values["id"], "status": "completed",
                   "version": 1} | values
            conn.execute(insert(old_task_record).values(**{
                k: times[k].type.process_bind_param(v, empty.dialect)
                if k.endswith("_at") else v for k, v in row.items()}))

    command.upgrade(config, "head")
    task_record = Base.metadata.tables["task_record"]
    with empty.connect() as conn:
        rows = conn.execute(select(
            task_record.c.id, task_record.c.unit, task_record.c.dossier_definition_id,
            task_record.c.working_minutes, task_record.c.waiting_minutes,
            task_record.c.handover_minutes, task_record.c.previous_completed_at,
        ).order_by(task_record.c.id)).all()
    assert [tuple(r) for r in rows] == [
        # from the applicant: no handover minutes; the dossier's first completion
        ("t1", "PHUCLOI", 7, 90, 90, None, None),
        ("t2", "PHUCLOI", 7, 180, 120, 120, datetime(2026, 3, 9, 4, 0, tzinfo=UTC)),
        ("t3", "PHUCLOI", 7, None, None, None, None),  # still open
    ]
