"""Random JSON bodies, query strings and path parts thrown at every route of the OpenAPI
document, with a token of a user who may act: the API never answers 500, and a refusal
(4xx) writes no row in any table."""

from __future__ import annotations

import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from engine.storage import Base
from tests.samples import BIRTH, MOTHER
from tests.web.api.client import receive
from web.api.openapi import PAPER_KINDS, document

ROUTES = [(method, path) for path, item in document()["paths"].items() for method in item]
NAMES = ["procedure", "applicant", "name", "phone", "documents", "channel", "verification",
         "data", "items", "reason", "new_appointment", "decision", "birth_date"]
PARAMETERS = ["q", "status", "limit", "department", "state", "unit", "from", "to", "on",
              "preset", "map", "finished_as", "version", "sort", "all", "weeks", "unread",
              "page"]

scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text()
           | st.sampled_from(["2026-03-10T17:00:00+07:00", "9999-12-31", "birth_registration",
                              "approve", "\ud800", "\x00", "1e400"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    st.sampled_from(NAMES) | st.text(max_size=8), inner, max_size=5), max_leaves=20)
# A valid body of each kind, to be spoilt one field at a time (reaching the engine).
VALID = [{"procedure": "birth_registration", "applicant": MOTHER, "documents": ["Tờ khai"]},
         {"data": BIRTH}, {"items": ["Giấy chứng sinh"], "reason": "Thiếu"},
         {"documents": ["Giấy chứng sinh"]}, {"reason": "Sai"},
         {"reason": "Trễ", "new_appointment": "2026-03-20T17:00:00+07:00"}]
spoilt = st.tuples(st.sampled_from(VALID), st.sampled_from(NAMES), values).map(
    lambda t: json.dumps({**t[0], t[1]: t[2]}, allow_nan=True))
bodies = (spoilt | st.sampled_from(VALID).map(json.dumps)
          | st.dictionaries(st.sampled_from(NAMES), values, max_size=6)
          .map(lambda v: json.dumps(v, allow_nan=True))
          | values.map(lambda v: json.dumps(v, allow_nan=True))
          | st.binary(max_size=64)
          | st.integers(1, 40).map(lambda n: "[" * n * 30 + "]" * n * 30))
# What stands in a path for a dossier code, task id or paper kind: the real one mostly,
# else any text (control characters, slashes, very long ones), percent-encoded.
def path_part(real: str):
    return st.just(real) | st.text(min_size=1, max_size=300).map(
        lambda text: quote(text, safe=""))


queries = st.dictionaries(st.sampled_from(PARAMETERS) | st.text(min_size=1, max_size=5),
                          st.text(max_size=12) | st.sampled_from(["0", "501", "2026-13-01"]),
                          max_size=4)


# The security log records refusals (permission refused, token used) by design: it is the
# one table a refused request writes to.
SECURITY_LOG = "security_event"


def row_counts(session) -> dict[str, int]:
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables if table.name != SECURITY_LOG}


@pytest.fixture
def target(reception) -> tuple[str, str]:
    """A dossier of the user's unit and its ready task, for the paths that name one."""
    code = receive(reception)["code"]
    return code, reception.task_of(code)["id"]


@settings(max_examples=120, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(route=st.sampled_from(ROUTES), body=bodies, query=queries,
       kind=st.sampled_from(PAPER_KINDS), parts=st.data())
def test_random_requests_never_fail_and_refusals_write_nothing(
        reception, app, target, route, body, query, kind, parts):
    method, path = route
    url = "/api" + path.format(code=parts.draw(path_part(target[0])),
                               task_id=parts.draw(path_part(target[1])),
                               kind=parts.draw(path_part(kind)),
                               procedure=parts.draw(path_part("birth_registration")),
                               step=parts.draw(path_part("check")),
                               notice=parts.draw(path_part("1")))
    if query:
        url += "?" + urlencode(query)
    services = app.extensions["lienthong"]
    with services.transaction() as session:
        before = row_counts(session)
    response = reception.client.open(url, method=method.upper(), data=body, headers={
        "Authorization": f"Bearer {reception.token}", "Content-Type": "application/json"})
    assert response.status_code < 500, response.get_data(as_text=True)
    event(f"answered {response.status_code}")  # --hypothesis-show-statistics
    if response.status_code < 300 or response.status_code >= 400:
        assert response.mimetype == "application/json"
    # (3xx: "a//b" in a path is Werkzeug's redirect to "a/b", which the client follows)
    if response.status_code >= 300:
        if response.status_code >= 400:
            assert set(response.get_json()) >= {"error", "fields"}
        with services.transaction() as session:
            after = row_counts(session)
        assert after == before
