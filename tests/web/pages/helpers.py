"""What the page tests share: the engine driven directly (receive a dossier, work its
steps, at given times), on the app's services or on committed transactions of the test
database; browsers signed in as the demo users."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from engine.calendar import FixedClock
from engine.dossiers import apologize, request_supplement
from engine.queries import list_tasks, show_dossier
from engine.runtime import Runtime, complete, start
from engine.storage import make_sessionmaker
from tests.conftest import vn
from tests.samples import BIRTH, CHILD, DOCUMENTS, MOTHER
from tests.web.conftest import login
from web.services import Services, build_services

# -- on the app's engine ------------------------------------------------------------------

def fixed_clock(app: Flask) -> FixedClock:
    """Put the app's engine on a clock the test moves (Monday 09/03/2026 08:00)."""
    fixed = FixedClock(vn("2026-03-09 08:00"))
    app.extensions["lienthong"] = build_services(app.config["LIENTHONG"], clock=fixed)
    return fixed


def engine_services(app: Flask) -> Services:
    with app.app_context():
        from web.db import services

        return services()


def receive(app: Flask, key: str, at: str, unit: str = "PHUCLOI", **kw) -> str:
    """Receive a dossier with the engine directly, at a given time; return its code."""
    svc = engine_services(app)
    with svc.transaction() as session:
        return start(session, svc.runtime, key, unit=unit, actor="tiepnhan.phucloi",
                     at=vn(at), applicant=kw.pop("applicant", MOTHER), **kw).code


def ready(app: Flask, code: str, department: str | None = None) -> list:
    svc = engine_services(app)
    with svc.transaction() as session:
        return [t for t in list_tasks(session, dossier=code)
                if department is None or t.department == department]


def work(app: Flask, code: str, data: dict, at: str, user: str = "tiepnhan.phucloi"
             ) -> None:
    """Complete the dossier's only ready task with the engine, at a given time."""
    (task,) = ready(app, code)
    svc = engine_services(app)
    with svc.transaction() as session:
        complete(session, svc.runtime, task.id, user=user, data=data, at=vn(at))


def civil_status_task(app: Flask, at: str = "2026-03-09 08:00") -> tuple[str, str]:
    """A birth registration whose reception step is done: (code, civil-status task id)."""
    code = receive(app, "birth_registration", at)
    work(app, code, BIRTH, at)
    (task,) = ready(app, code, "civil_status")
    return code, task.id


def dossier(app: Flask, code: str):
    svc = engine_services(app)
    with svc.transaction() as session:
        return show_dossier(session, code)


class Browsers(dict):
    """One signed-in browser per user, made on first use."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def __missing__(self, username: str) -> FlaskClient:
        browser = self.app.test_client()
        login(browser, username)
        self[username] = browser
        return browser


def page(response) -> str:
    return response.get_data(as_text=True)


def rows(html: str) -> list[tuple[str, str]]:
    """(SLA state, task id) of each inbox row, in order."""
    return re.findall(r'data-sla="(\w+)" data-task="([0-9a-f-]+)"', html)


# -- on committed transactions of the test database ------------------------------------------

@contextmanager
def transaction(db_engine: Engine) -> Iterator[Session]:
    """One engine command, committed, as a web request or the CLI would do it."""
    with make_sessionmaker(db_engine).begin() as session:
        yield session


def fresh_runtime() -> Runtime:
    return Runtime(FixedClock(vn("2026-03-02 08:00")))


def complete_next(db_engine: Engine, code: str, user: str, data: dict, at: str) -> None:
    """Complete the dossier's only ready step."""
    with transaction(db_engine) as session:
        ready = [s for s in show_dossier(session, code).steps if s.status == "ready"]
        assert len(ready) == 1, [s.name for s in ready]
        complete(session, fresh_runtime(), ready[0].id, user=user, data=data, at=vn(at))


def receive_committed(db_engine: Engine, key: str, at: str, unit: str = "PHUCLOI",
                      actor: str = "tiepnhan.phucloi", **kw) -> str:
    with transaction(db_engine) as session:
        return start(session, fresh_runtime(), key, unit=unit, actor=actor, at=vn(at),
                     applicant=MOTHER, documents=DOCUMENTS, **kw).code


def interlinked(db_engine: Engine) -> tuple[str, str, str]:
    """An interlinked dossier received Monday 08:30, the birth registered (the officer
    and the leader late), now at the police and BHXH: (parent, police, bhxh) codes."""
    parent = receive_committed(db_engine, "birth_residence_health_card", "2026-03-09 08:30")
    complete_next(db_engine, parent, "tiepnhan.phucloi", CHILD, "2026-03-09 09:00")
    complete_next(db_engine, parent, "hotich.phucloi",
                  {"decision": "approve", "register_number": "31/2026"}, "2026-03-09 16:00")
    complete_next(db_engine, parent, "lanhdao.phucloi", {"leader_decision": "approve"},
                  "2026-03-10 10:30")
    with transaction(db_engine) as session:
        links = {link.code.split("-")[0]: link.code for link in
                 show_dossier(session, parent).links}
    return parent, links["CA"], links["BHXH"]


def birth_registration(db_engine: Engine) -> str:
    """A plain birth registration received Friday 08:30, waiting at the officer."""
    code = receive_committed(db_engine, "birth_registration", "2026-03-06 08:30")
    complete_next(db_engine, code, "tiepnhan.phucloi",
                  {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
                   "documents_complete": True}, "2026-03-06 09:00")
    return code


def apologised(db_engine: Engine) -> str:
    """A plain birth registration whose leader apologised on Friday 06/03 15:00, with a
    new appointment on Tuesday 10/03 17:00."""
    code = birth_registration(db_engine)
    with transaction(db_engine) as session:
        apologize(session, fresh_runtime(), code, leader="lanhdao.phucloi",
                  reason="Chờ xác minh thông tin người mẹ",
                  new_appointment=vn("2026-03-10 17:00"), at=vn("2026-03-06 15:00"))
    return code


def asked_for_papers(db_engine: Engine, items: list[str]) -> str:
    """A plain birth registration whose officer asked on Friday 06/03 10:00 for `items`."""
    code = birth_registration(db_engine)
    with transaction(db_engine) as session:
        request_supplement(session, fresh_runtime(), code, user="hotich.phucloi", items=items,
                           reason="Thiếu giấy tờ chứng minh quan hệ hôn nhân",
                           at=vn("2026-03-06 10:00"))
    return code


# The national motto every paper starts with.
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


# -- PDFs -----------------------------------------------------------------------------------

def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects with their compressed streams inflated (fonts' names are in them)."""
    parts = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"".join(parts)


def assert_pdf(response, min_size: int = 8000) -> bytes:
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    data: bytes = response.data
    assert data.startswith(b"%PDF-") and len(data) > min_size
    # the serif with every Vietnamese mark is embedded, and no fallback font
    fonts = set(re.findall(rb"/BaseFont\s*/[A-Z]{6}\+([A-Za-z-]+)", pdf_objects(data)))
    serif = [font.replace(b"-", b"").startswith(b"DejaVuSerif") for font in fonts]
    assert serif and all(serif), fonts
    return data


def pdf_text(response) -> str:
    """The text of a PDF paper as pypdf reads it back, spaces collapsed."""
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text).strip()
