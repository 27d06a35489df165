"""Every refusal the engine names with a code has its text in the web's language."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from engine.errors import Conflict, InvalidAction
from web.engine_messages import MESSAGES, REASONS, explain

ENGINE = Path(__file__).resolve().parents[2] / "engine"


def raised_codes() -> dict[str, set[str]]:
    """code -> the `action` values raised with it, read from the engine's source."""
    found: dict[str, set[str]] = {}
    for source in ENGINE.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        for call in re.finditer(r"raise \w+\((?:[^()]|\([^()]*\))*\)", text):
            code = re.search(r'code="(\w+)"', call.group(0))
            if code:
                action = re.search(r'action=(?:"(\w+)"|(\w+))', call.group(0))
                found.setdefault(code.group(1), set()).add(
                    (action.group(1) or action.group(2)) if action else "")
    return found


def test_every_code_the_engine_raises_has_a_text():
    codes = raised_codes()
    assert len(codes) > 20  # the scan itself works
    assert set(codes) - {"reason_required"} <= set(MESSAGES)
    actions = codes["reason_required"] - {"kind"}  # `kind`: refused, withdrawn or stopped
    assert actions | {"refused", "withdrawn", "stopped"} == set(REASONS)


def test_texts_fill_in_names_statuses_and_times(app):
    with app.test_request_context():
        at = datetime(2026, 3, 9, 2, 30, tzinfo=ZoneInfo("UTC"))
        done = Conflict("task x was already completed", code="task_already_completed",
                        task="Đăng ký khai sinh", user="nobody.here", at=at)
        assert explain(done) == ("Việc “Đăng ký khai sinh” đã được nobody.here hoàn thành "
                                 "lúc 09/03/2026 09:30.")
        closed = InvalidAction("dossier X is stopped", code="dossier_not_open",
                               dossier="PHUCLOI-260309-0001", status="stopped")
        assert "“Dừng giải quyết”" in explain(closed)
        unknown = InvalidAction("something new", code="not_yet_translated")
        assert explain(unknown) == "something new"
        assert explain(InvalidAction("give the reason", code="reason_required",
                                     action="stopped")) == "Hãy ghi lý do dừng giải quyết hồ sơ."
