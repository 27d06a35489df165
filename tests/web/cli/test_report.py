"""`lienthong report` on a temporary SQLite file, in each format."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from engine.storage import DefinitionVersion, Dossier, Unit, make_engine
from tests.conftest import vn


@pytest.fixture
def cli(run_cli, tmp_path):
    run_cli("init-db")
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as session, session.begin():
        _records(session)
    engine.dispose()
    return run_cli


def _records(session: Session) -> None:
    definition = DefinitionVersion(
        key="report_test", version=1, name="Report test", content_hash="0" * 64,
        xml=b"<definitions/>", source="test", info={}, dependencies=[], deployed_by="test",
        deployed_at=vn("2026-01-01 08:00"))
    session.add(definition)
    session.add_all([
        Unit(code="Q1", name="Quận 1", kind="district", departments=[]),
        Unit(code="PHUCLOI", name="Phường Phúc Lợi", kind="ward", parent_code="Q1",
             departments=[]),
    ])
    session.flush()
    rows: list[tuple[str, str, str, str | None, str | None, str | None, str | None]] = [
        # (field, channel, received, finished, kind, outcome, appointment)
        # carried over from February, resolved early in March
        ("Hộ tịch", "in_person", "2026-02-26 09:00", "2026-03-02 09:00", "resolved", "early",
         None),
        # online, resolved late
        ("Hộ tịch", "online", "2026-03-03 09:00", "2026-03-20 09:00", "resolved", "late", None),
        # in person, still in progress, appointment passed -> overdue
        ("Hộ tịch", "in_person", "2026-03-04 09:00", None, None, None, "2026-03-10 17:00"),
        # post, refused
        ("Chứng thực", "post", "2026-03-05 09:00", "2026-03-06 09:00", "refused", None, None),
        # online, in progress within its deadline
        ("Chứng thực", "online", "2026-03-30 09:00", None, None, None, "2026-04-02 17:00"),
    ]
    for n, (field, channel, received, finished, kind, outcome, appointment) in enumerate(rows):
        session.add(Dossier(
            code=f"PHUCLOI-{n:04d}", definition_id=definition.id, process_key="report_test",
            unit="PHUCLOI", channel=channel, status="running", applicant={},
            field_of_work=field, documents=[], received_at=vn(received),
            counting_from=vn(received),
            appointment_at=vn(appointment) if appointment else None,
            original_appointment_at=vn(appointment) if appointment else None,
            finished_at=vn(finished) if finished else None, finish_kind=kind,
            resolved_at=vn(finished) if finished and kind == "resolved" else None,
            outcome=outcome,
            supplement_count=0, state="{}"))


MARCH = ("report", "--unit", "Q1", "--from", "2026-03-01", "--to", "2026-03-31")


def test_table(cli):
    out = cli(*MARCH).output
    lines = out.splitlines()
    assert lines[0] == ("Tình hình, kết quả giải quyết TTHC — Quận 1 — 01/03/2026–31/03/2026")
    for header in ("Lĩnh vực", "Tổng số nhận", "Trực tuyến", "Trực tiếp/BCCI",
                   "Kỳ trước chuyển qua", "Đã giải quyết", "Trước hạn", "Đúng hạn", "Quá hạn",
                   "Đang giải quyết", "Trong hạn", "Rút hồ sơ", "Từ chối",
                   "Dừng giải quyết", "Tỷ lệ giải quyết", "Tỷ lệ đúng hạn"):
        assert header in out
    body = {line.split("  ")[0].strip(): line.split() for line in lines
            if line.startswith(("Chứng thực", "Hộ tịch", "Tổng cộng"))}
    # Chứng thực: 2 received (1 online, 1 post), 1 refused (by default resolved, on time:
    # it had no deadline), 1 in progress within.
    assert body["Chứng thực"][2:] == ["2", "1", "1", "0", "1", "0", "1", "0", "1", "1", "0",
                                      "0", "1", "0", "50.0%", "100.0%"]
    # Hộ tịch: 3 (1 online, 1 in person, 1 carried), resolved 2 (early, late), 1 overdue.
    assert body["Hộ tịch"][2:] == ["3", "1", "1", "1", "2", "1", "0", "1", "1", "0", "1",
                                   "0", "0", "0", "66.7%", "50.0%"]
    assert body["Tổng cộng"][2:] == ["5", "2", "2", "1", "3", "1", "1", "1", "2", "1", "1",
                                     "0", "1", "0", "60.0%", "66.7%"]
    # Columns line up: every data line as wide as the header line.
    widths = {len(line) for line in lines[3:]
              if line and not line.startswith(("-", "Ghi chú"))}
    assert len(widths) == 1
    assert lines[-1] == ("Ghi chú: rút hồ sơ: tính là đã giải quyết, theo thời hạn; từ chối: "
                         "tính là đã giải quyết, theo thời hạn; dừng giải quyết: tính là đã "
                         "giải quyết, theo thời hạn.")


def test_json(cli):
    data = json.loads(cli(*MARCH, "--format", "json").output)
    assert (data["unit"], data["unit_name"]) == ("Q1", "Quận 1")
    assert (data["start"], data["end"]) == ("2026-03-01", "2026-03-31")
    assert [r["field_of_work"] for r in data["rows"]] == ["Chứng thực", "Hộ tịch"]
    total = data["total"]
    assert total["received_total"] == 5 and total["carried_over"] == 1
    assert total["resolution_rate"] == 60.0 and total["on_time_rate"] == 66.7
    assert total["refused"] == 1 and total["stopped"] == 0
    assert data["finished_as"] == {"withdrawn": "resolved", "refused": "resolved",
                                   "stopped": "resolved"}


def test_csv_has_a_bom_for_excel(cli, tmp_path):
    out = cli(*MARCH, "--format", "csv").output
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows[0][:5] == ["Lĩnh vực", "Tổng số nhận", "Trực tuyến", "Trực tiếp/BCCI",
                           "Kỳ trước chuyển qua"]
    assert rows[0][8] == "Quá hạn (đã giải quyết)"
    assert rows[0][11] == "Quá hạn (đang giải quyết)"
    assert [r[0] for r in rows[1:]] == ["Chứng thực", "Hộ tịch", "Tổng cộng"]
    assert rows[0][12:15] == ["Rút hồ sơ", "Từ chối", "Dừng giải quyết"]
    assert rows[-1][1:5] == ["5", "2", "2", "1"] and rows[-1][-2:] == ["60.0%", "66.7%"]
    path = tmp_path / "march.csv"
    assert "report written to" in cli(*MARCH, "--format", "csv", "--out", str(path)).output
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Lĩnh vực,")


def test_xlsx_writes_a_readable_workbook(cli, tmp_path):
    path = tmp_path / "march.xlsx"
    cli(*MARCH, "--format", "xlsx", "--out", str(path))
    sheet = load_workbook(path).active
    assert sheet["A1"].value == ("Tình hình, kết quả giải quyết TTHC — Quận 1 — "
                                 "01/03/2026–31/03/2026")
    assert sheet["B2"].value == "Số hồ sơ nhận" and sheet["B3"].value == "Tổng số nhận"
    assert sheet["A2"].value == "Lĩnh vực"
    assert [sheet.cell(row=r, column=1).value for r in (4, 5, 6)] == [
        "Chứng thực", "Hộ tịch", "Tổng cộng"]
    total = [sheet.cell(row=6, column=c).value for c in range(1, 18)]
    assert total[:5] == ["Tổng cộng", 5, 2, 2, 1]
    assert total[-5:-2] == [0, 1, 0]  # withdrawn, refused, stopped
    assert total[-2:] == [0.6, 0.667] and sheet.cell(row=6, column=16).number_format == "0.0%"
    assert sheet["P2"].value == "Tỷ lệ giải quyết"
    assert sheet["A8"].value.startswith("Ghi chú: rút hồ sơ: tính là đã giải quyết")
    assert sheet.cell(row=6, column=2).font.bold and not sheet.cell(row=5, column=2).font.bold


def test_finished_as_chooses_where_refused_dossiers_go(cli):
    default = json.loads(cli(*MARCH, "--format", "json").output)
    excluded = json.loads(cli(*MARCH, "--format", "json", "--finished-as",
                              "refused=excluded").output)
    assert excluded["finished_as"] == {"withdrawn": "resolved", "refused": "excluded",
                                       "stopped": "resolved"}
    # The refused dossier (by post) leaves the received and resolved columns; the
    # informative column still counts it.
    for name, change in (("received_total", 1), ("received_in_person", 1),
                         ("resolved_total", 1), ("resolved_on_time", 1), ("refused", 0)):
        assert default["total"][name] - excluded["total"][name] == change, name
    note = cli(*MARCH, "--finished-as", "excluded").output.splitlines()[-1]
    assert note.startswith("Ghi chú: rút hồ sơ: không tính vào số hồ sơ nhận; từ chối: "
                           "không tính")


@pytest.mark.parametrize(("args", "message"), [
    (("--unit", "PHUCLOI", "--from", "2026-02-30", "--to", "2026-03-31"),
     "error: --from '2026-02-30' is not a date (YYYY-MM-DD)"),
    (("--unit", "PHUCLOI", "--from", "2026-03-01", "--to", "31/03/2026"),
     "error: --to '31/03/2026' is not a date (YYYY-MM-DD)"),
    (("--unit", "NOWHERE", "--from", "2026-03-01", "--to", "2026-03-31"),
     "error: unit NOWHERE does not exist"),
    (("--unit", "PHUCLOI", "--from", "2026-03-31", "--to", "2026-03-01"),
     "error: --from 2026-03-31 is after --to 2026-03-01"),
    (("--unit", "PHUCLOI", "--from", "2026-03-01", "--to", "2026-03-31", "--format", "xlsx"),
     "error: --format xlsx writes a file: give --out FILE.xlsx"),
    (("--unit", "PHUCLOI", "--from", "2026-03-01", "--to", "2026-03-31", "--finished-as",
      "withdrawn=gone"),
     "error: --finished-as: 'gone' is not a placement; use resolved, on-time, excluded"),
    (("--unit", "PHUCLOI", "--from", "2026-03-01", "--to", "2026-03-31", "--finished-as",
      "returned=excluded"),
     "error: --finished-as: 'returned' is not a way of ending; use withdrawn, refused, "
     "stopped"),
])
def test_errors_are_one_line(cli, args, message):
    result = cli("report", *args, ok=False)
    assert result.exit_code == 1
    assert result.output == message + "\n"
