"""What every request is checked for before any view reads it: its size, and control
characters (NUL above all: PostgreSQL refuses it in text, so a code or a search with one
would end in an error) in its path and query. Form fields are checked by their forms
(web.inputs), which name the field on the form itself."""

from __future__ import annotations

import json
import re

from flask import Response, abort, current_app, request
from flask_babel import gettext as _

CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # C0 controls and DEL


def refuse_large_requests() -> Response | None:
    """413 for a body larger than MAX_REQUEST_BYTES, announced by its Content-Length
    (Werkzeug stops reading a body without one at the same size)."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is None or request.content_length <= limit:
        return None
    message = (f"the request is larger than {limit} bytes (LIENTHONG_MAX_REQUEST_BYTES); "
               "nothing was changed")
    if request.path.startswith("/api/"):
        return _api_refusal(413, message, {"body": f"is larger than {limit} bytes"})
    abort(413, message)


def refuse_control_characters() -> Response | None:
    """400 naming where a control character was sent: the path or a query parameter."""
    where = _controlled()
    if where is None:
        return None
    if request.path.startswith("/api/"):
        return _api_refusal(400, f"{where} holds a control character; nothing was changed",
                            {where: "holds a control character"})
    abort(400, _("Yêu cầu có ký tự điều khiển không hợp lệ ở %(where)s; không có gì thay "
                 "đổi.", where=where))


def _api_refusal(status: int, message: str, fields: dict[str, str]) -> Response:
    """The API's error body, also for a path no API route matches (whose errors the API's
    own handlers never see)."""
    return Response(json.dumps({"error": message, "fields": fields}, ensure_ascii=False)
                    + "\n", status=status, mimetype="application/json")


def _controlled() -> str | None:
    if CONTROL.search(request.path):
        return "path"
    for name, value in request.args.items(multi=True):
        if CONTROL.search(name) or CONTROL.search(value):
            return CONTROL.sub("?", name)[:64]
    return None
