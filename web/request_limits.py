"""What every request is checked for before any view reads it: its size, and control
characters (NUL above all: PostgreSQL refuses it in text, so a code or a search with one
would end in an error) in its path and query. Form fields are checked by their forms
(web.inputs), which name the field on the form itself."""

from __future__ import annotations

import re

from flask import abort, current_app, request
from flask_babel import gettext as _

CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # C0 controls and DEL


def refuse_large_requests() -> None:
    """413 for a body larger than MAX_REQUEST_BYTES, announced by its Content-Length
    (Werkzeug stops reading a body without one at the same size)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413, f"the request is larger than {limit} bytes "
                   "(LIENTHONG_MAX_REQUEST_BYTES); nothing was changed")


def refuse_control_characters() -> None:
    """400 naming where a control character was sent: the path or a query parameter."""
    where = _controlled()
    if where is None:
        return
    if request.path.startswith("/api/"):
        abort(400, f"{where} holds a control character; nothing was changed")
    abort(400, _("Yêu cầu có ký tự điều khiển không hợp lệ ở %(where)s; không có gì thay "
                 "đổi.", where=where))


def _controlled() -> str | None:
    if CONTROL.search(request.path):
        return "path"
    for name, value in request.args.items(multi=True):
        if CONTROL.search(name) or CONTROL.search(value):
            return CONTROL.sub("?", name)[:64]
    return None
