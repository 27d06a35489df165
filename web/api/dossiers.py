"""The API's dossier routes: receive, search, show, the papers, and the dossier's life
around its steps (supplement, refusal, stopping, withdrawal, apology). Registered on the API's
blueprint; the permissions are the pages' (web/access.py)."""

from __future__ import annotations

import keyword

from flask import Response, request, url_for

from engine.definitions import ProcedureView, list_catalog
from engine.dossiers import PAPERS, apologize, close, request_supplement, supply
from engine.errors import InvalidAction, InvalidData, NotFound
from engine.org import UserView, get_unit
from engine.queries import DossierView, search_dossiers, show_dossier
from engine.runtime import start
from engine.vocabulary import FinishKind, TaskStatus
from web.access import can_receive, can_sign, can_work, visible_units, working_units
from web.api.base import (
    allow,
    body,
    bp,
    fail,
    me,
    query,
    reply,
    save,
    timezone,
    visible_dossier,
)
from web.api.shapes import to_json
from web.db import db, services
from web.inputs import (
    RESERVED_DATA,
    ApologyInput,
    DossierSearchQuery,
    ReasonInput,
    ReceiveDossierInput,
    RequestSupplementInput,
    SupplyInput,
)


def at_desk(dossier: DossierView) -> bool:
    """The one-stop desk of the dossier's own unit (or of the unit that took it over in a
    reorganisation): it deals with the citizen."""
    user = me()
    return can_receive(user) and dossier.unit in working_units(user)


def desk_only(dossier: DossierView) -> None:
    allow(at_desk(dossier), f"only the one-stop desk (reception) of {dossier.unit} may do "
                            "this")


def desk_or_worker(dossier: DossierView, what: str) -> None:
    """The desk, or an officer who can work one of the dossier's ready steps (as the
    inbox's task page allows)."""
    user = me()
    allow(at_desk(dossier) or any(can_work(user, step.department, step.unit)
                                  for step in dossier.steps if step.status == TaskStatus.READY),
          f"only the one-stop desk of {dossier.unit} or an officer working one of the "
          f"dossier's ready steps may {what}")


def changed(code: str) -> Response:
    """The dossier after a successful action, then commit."""
    response = reply(show_dossier(db(), code))
    save()
    return response


def receivable(user: UserView, wanted: str) -> ProcedureView | None:
    """The catalog entry (by code or process key) in force today that the user's desk
    receives: its level is the kind of the user's unit, as on the desk's page."""
    kind = get_unit(db(), user.unit_code).kind
    today = services().runtime.clock.now().astimezone(timezone()).date()
    for procedure in list_catalog(db(), on=today, level=kind):
        if wanted in (procedure.code, procedure.process_key):
            return procedure
    return None


@bp.post("/dossiers", endpoint="receive_dossier")
def receive_view() -> Response:
    user = me()
    allow(can_receive(user), "receiving dossiers needs the reception role")
    values = body(ReceiveDossierInput)
    data = values.data
    problems = {}
    procedure = receivable(user, values.procedure.strip())
    if procedure is None:
        problems["procedure"] = (f"is not a procedure in force that {user.unit_code} "
                                 "receives (GET /api/procedures lists the catalog)")
    elif values.verification and not procedure.verification_time_limit:
        problems["verification"] = f"procedure {procedure.code} has no limit for verification"
    for name in data:  # they become the workflow's script variables
        if name in RESERVED_DATA:
            problems[f"data.{name}"] = "is set by the service"
        elif (not name.isidentifier() or name.startswith("_") or keyword.iskeyword(name)
              or len(name) > 64):
            problems[f"data.{name}"] = "must be a name such as police_unit"
    if problems or procedure is None:
        fail(422, "some fields are wrong; nothing was saved", problems)
    try:
        dossier = start(
            db(), services().runtime, procedure.code, unit=user.unit_code,
            applicant={key: text.strip() for key, text
                       in values.applicant.model_dump(exclude_none=True).items()},
            data=data, channel=values.channel, actor=user.username,
            documents=[name.strip() for name in values.documents],
            verification=values.verification)
    except (NotFound, InvalidAction) as exc:  # e.g. its diagram is gone
        fail(422, str(exc), {"procedure": str(exc)})
    except InvalidData as exc:  # e.g. police_unit names no police unit serving the desk's
        fail(422, "some fields are wrong; nothing was saved",
             {f"data.{name}": problem for name, problem in exc.fields.items()})
    response = reply(show_dossier(db(), dossier.code), 201)
    response.headers["Location"] = url_for("api.get_dossier", code=dossier.code)
    save()
    return response


@bp.get("/dossiers", endpoint="search_dossiers")
def search_view() -> Response:
    values = query(DossierSearchQuery)
    return reply(search_dossiers(db(), visible_units(me()), text=values.q,
                                 status=values.status, limit=values.limit))


@bp.get("/dossiers/<code>", endpoint="get_dossier")
def dossier_view(code: str) -> Response:
    return reply(visible_dossier(code))


@bp.get("/dossiers/<code>/papers/<kind>", endpoint="get_paper")
def paper_view(code: str, kind: str) -> Response:
    visible_dossier(code)
    if kind not in PAPERS:
        fail(404, f"no paper {kind!r}; papers are {', '.join(PAPERS)}")
    try:
        return reply(PAPERS[kind](db(), code))
    except InvalidAction as exc:  # e.g. no supplement request yet
        fail(404, str(exc))


@bp.post("/dossiers/<code>/supplement-request", endpoint="request_supplement")
def supplement_request_view(code: str) -> Response:
    desk_or_worker(visible_dossier(code), "ask for a supplement")
    values = body(RequestSupplementInput)
    request_supplement(db(), services().runtime, code, user=me().username,
                       items=values.items, reason=values.reason)
    return changed(code)


@bp.post("/dossiers/<code>/supplement", endpoint="supply")
def supply_view(code: str) -> Response:
    desk_only(visible_dossier(code))
    values = body(SupplyInput)
    supply(db(), services().runtime, code, user=me().username,
           documents=[name.strip() for name in values.documents])
    return changed(code)


# How each way of closing a dossier is reached, and who may take it: the desk, or (a
# refusal) an officer working one of its ready steps.
CLOSINGS = {"refuse": FinishKind.REFUSED, "stop": FinishKind.STOPPED,
            "withdraw": FinishKind.WITHDRAWN}


@bp.post("/dossiers/<code>/refuse", endpoint="refuse")
@bp.post("/dossiers/<code>/stop", endpoint="stop")
@bp.post("/dossiers/<code>/withdraw", endpoint="withdraw")
def close_view(code: str) -> Response:
    kind = CLOSINGS[(request.endpoint or "").removeprefix("api.")]
    dossier = visible_dossier(code)
    if kind == FinishKind.REFUSED:
        desk_or_worker(dossier, "refuse it")
    else:
        desk_only(dossier)
    close(db(), services().runtime, code, kind, user=me().username, reason=body(ReasonInput).reason)
    return changed(code)


@bp.post("/dossiers/<code>/apology", endpoint="apologize")
def apology_view(code: str) -> Response:
    dossier = visible_dossier(code)  # the leader's unit is the dossier's or above it
    allow(can_sign(me()), "an apology is signed by a leader")
    values = body(ApologyInput)
    new_at = values.new_appointment  # with its offset (the model wants one)
    if dossier.appointment_at is not None and new_at <= dossier.appointment_at:
        fail(422, "the new appointment must be later than the current one",
             {"new_appointment": "must be later than the current appointment "
                                 f"({to_json(dossier.appointment_at, timezone())})"})
    apologize(db(), services().runtime, code, leader=me().username, reason=values.reason,
              new_appointment=new_at, number=values.number, addressee=values.addressee,
              distribution=values.distribution)
    return changed(code)
