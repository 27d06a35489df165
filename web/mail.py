"""Notification e-mails (docs/configuration.md, SMTP_*): the sender the worker hands the
tick when a mail server is configured. Sent by the worker after the notifications'
transactions committed, never from a request. The text says which dossier and step,
never the citizen's data; nothing of it (nor the address) is logged."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

from engine.dossiers import Mail, Reason, Sender

TIMEOUT = 10  # seconds a mail server may take to answer


def compose(mail: Mail, sender: str) -> EmailMessage:
    """The e-mail of one notification, in Vietnamese."""
    notice = mail.notice
    message = EmailMessage()
    message["From"], message["To"] = sender, mail.to
    if notice.reason == Reason.STEP_LATE:
        message["Subject"] = f"[Liên Thông] Bước quá hạn: hồ sơ {notice.dossier_code}"
        body = (f"Bước “{notice.step}” của hồ sơ {notice.dossier_code} đã quá thời hạn "
                "xử lý.")
    else:
        message["Subject"] = f"[Liên Thông] Hồ sơ có nguy cơ trễ hạn: {notice.dossier_code}"
        body = (f"Hồ sơ {notice.dossier_code} có nguy cơ trễ hẹn trả kết quả"
                + (f" (đang ở bước “{notice.step}”)." if notice.step else "."))
    message.set_content(body + "\n\nXem danh sách thông báo trong Liên Thông.\n")
    return message


def smtp_sender(settings: Mapping[str, str]) -> Sender | None:
    """A sender through the configured mail server, or None when there is none."""
    host = settings.get("SMTP_HOST", "")
    if not host:
        return None
    port, sender = int(settings["SMTP_PORT"]), settings["SMTP_FROM"]

    def send(mail: Mail) -> None:
        with smtplib.SMTP(host, port, timeout=TIMEOUT) as server:
            server.send_message(compose(mail, sender))

    return send
