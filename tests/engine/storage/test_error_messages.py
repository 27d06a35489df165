"""A database error names the statement, never the values it carried: those are citizens'
data, and error messages end up in logs."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from engine.storage import Unit


def test_a_refused_write_does_not_print_its_values(session):
    row = {"code": "PHUCLOI-COPY", "name": "Nguyễn Thị Bí Mật 001190012345", "kind": "ward",
           "departments": []}
    session.execute(insert(Unit).values(row))
    with pytest.raises(IntegrityError) as refused:
        with session.begin_nested():
            session.execute(insert(Unit).values(row))
    message = str(refused.value)
    assert "unit" in message.lower()  # the statement is named
    assert "Bí Mật" not in message and "001190012345" not in message
    assert "hidden due to hide_parameters" in message
