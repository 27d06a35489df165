"""Notification e-mails through a real SMTP server: a sink (aiosmtpd) started by the test
on a free local port receives what the tick's sender sends, after the notifications
were committed; without an address nothing is sent, and a second tick sends nothing
again."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink
from sqlalchemy import update

from engine.dossiers import tick
from engine.storage import User
from tests.conftest import vn
from tests.web.pages.helpers import civil_status_task, engine_services, fixed_clock
from web.mail import smtp_sender


class Inbox(Sink):
    """Keeps every message it receives."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_the_leader_gets_the_notification_by_e_mail(app, sink):
    inbox, port = sink
    fixed_clock(app)
    code, _task = civil_status_task(app, "2026-03-09 09:00")
    svc = engine_services(app)
    with svc.transaction() as session:
        session.execute(update(User).where(User.username == "lanhdao.phucloi")
                        .values(email="lanhdao@phucloi.example"))
    send = smtp_sender({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
                        "SMTP_FROM": "lienthong@phucloi.example"})
    assert send is not None
    first = tick(svc.transaction, svc.runtime, vn("2026-03-09 16:00"), send=send)
    assert first.failed == () and first.mailed == first.notified >= 1
    assert tick(svc.transaction, svc.runtime, vn("2026-03-09 16:00"), send=send).mailed == 0
    assert len(inbox.received) == first.mailed
    recipients, content = inbox.received[0]
    assert recipients == ["lanhdao@phucloi.example"]
    mail = message_from_bytes(content, policy=default)
    assert mail["From"] == "lienthong@phucloi.example" and code in mail["Subject"]
    assert code in mail.get_content()


def test_no_server_no_sender_and_a_refusing_server_is_retried(app):
    assert smtp_sender({"SMTP_HOST": "", "SMTP_PORT": "25", "SMTP_FROM": "a@b"}) is None
    fixed_clock(app)
    civil_status_task(app, "2026-03-09 09:00")
    svc = engine_services(app)
    with svc.transaction() as session:
        session.execute(update(User).where(User.username == "lanhdao.phucloi")
                        .values(email="lanhdao@phucloi.example"))
    closed = smtp_sender({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(free_port()),
                          "SMTP_FROM": "lienthong@phucloi.example"})
    result = tick(svc.transaction, svc.runtime, vn("2026-03-09 16:00"), send=closed)
    assert result.mailed == 0 and result.notified >= 1
    assert result.failed and all("e-mail not sent" in f.error and "@" not in f.error
                                 for f in result.failed)
