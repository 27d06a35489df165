"""Simulated months of a ward's one-stop shop, through the real engine on a simulated clock.

`simulate` files dossiers on working days and hours (online ones at any hour) and has
the units' staff work every step the engine makes ready, each after a working-time
delay drawn against the step's SLA: some late, some refused, some waiting for the
citizen's papers, a few withdrawn, late ones apologised for. Every action is a normal
engine command in its own transaction, as a person at the desk would make it, so the
database afterwards is what months of real use would leave (docs/simulation.md).
"""

from __future__ import annotations

import heapq
import random
import time as wall
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from engine.calendar import FixedClock, WorkingCalendar
from engine.definitions import FieldSpec, list_catalog
from engine.dossiers import apologize, close, request_supplement, supply, tick
from engine.errors import InvalidAction
from engine.org import get_unit
from engine.queries import get_task
from engine.runtime import Runtime, claim, complete
from engine.runtime import start as start_dossier
from engine.simulation.cases import (
    NEW_EVENTS,
    READY_STEPS,
    STEP_STATE,
    Case,
    PlannedStep,
    SimulationResult,
)
from engine.simulation.data import (
    Arrival,
    FormContext,
    Rates,
    applicant,
    fill_form,
    plan_arrivals,
)
from engine.simulation.staff import Staff
from engine.storage import Dossier, Event
from engine.vocabulary import (
    WORKABLE_STATUSES,
    Channel,
    DossierStatus,
    FinishKind,
    Outcome,
    TaskStatus,
)

DEFAULT_SLA = timedelta(hours=4)  # for steps whose diagram gives no SLA
# Dossiers still withdrawable or to apologise for: not resolved, not closed.
LATE_ENOUGH = (DossierStatus.RUNNING, DossierStatus.WAITING_SUPPLEMENT)


def simulate(sessions: sessionmaker[Any], template: Runtime, *, unit: str, start: date,
             end: date, dossiers: int, online: int, seed: int = 1,
             rates: Rates | None = None, progress: Callable[[date, int], None] | None = None
             ) -> SimulationResult:
    """Simulate `dossiers` citizens' dossiers (`online` of them filed online) at `unit`
    from `start` to `end` (local dates, included), with the same office hours, time zone
    and code format as `template`, on a simulated clock.

    Procedures are the catalog's ward-level entries in force; users are the units'
    staff in the database (or the demo users' names). `rates` says how often steps
    are late, dossiers refused, supplemented, withdrawn ... (default: `Rates()`).
    Commits one transaction per command. Dossiers still open at the end of `end` stay
    in progress. The same seed on the same database content gives the same dossiers
    and figures.
    `progress(day, filed)` is called after each simulated working day, with the
    number of dossiers filed so far. Raises InvalidAction for impossible parameters
    or an empty catalog, NotFound for an unknown unit.
    """
    if start > end:
        raise InvalidAction(f"the period starts ({start:%d/%m/%Y}) after it ends "
                            f"({end:%d/%m/%Y})")
    if dossiers < 0 or not 0 <= online <= dossiers:
        raise InvalidAction("give at least 0 dossiers, and at most that many online")
    simulation = _Simulation(sessions, template, unit, seed, rates or Rates())
    simulation.progress = progress
    return simulation.run(start, end, dossiers, online)


class _Simulation:
    def __init__(self, sessions: sessionmaker[Any], template: Runtime, unit: str,
                 seed: int, rates: Rates) -> None:
        self.sessions = sessions
        self.rates = rates
        self.clock = FixedClock(datetime(2000, 1, 1, tzinfo=ZoneInfo(template.hours.tz)))
        self.runtime = Runtime(self.clock, hours=template.hours, specs=template.specs,
                               script_time_limit=template.script_time_limit,
                               code_format=template.code_format)
        self.zone = ZoneInfo(template.hours.tz)
        self.unit = unit
        self.rng = random.Random(seed)  # noqa: S311 - reproducible simulation, not secrets
        self.heap: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = 0
        self.cases: dict[int, Case] = {}
        self.known: set[str] = set()  # task ids already planned
        self.fields: dict[tuple[int, str, str], tuple[FieldSpec, ...]] = {}
        self.calendars: dict[str, WorkingCalendar] = {}
        self.counts = dict.fromkeys(("claimed", "completed", "late_steps", "supplements",
                                     "supplied", "withdrawn", "apologies", "commands"), 0)
        self.event_mark = 0
        self.filed = 0
        self.progress: Callable[[date, int], None] | None = None

    # -- setting up ---------------------------------------------------------------------
    def run(self, start: date, end: date, dossiers: int, online: int) -> SimulationResult:
        began = wall.perf_counter()
        with self.sessions.begin() as session:
            ward = get_unit(session, self.unit)
            self.ward_name = ward.name
            self.cal = self._calendar(session, self.unit)
            procedures = list_catalog(session, level="ward")
            self.staff = Staff(session, self.unit)
            self.event_mark = session.scalar(select(func.max(Event.id))) or 0
            first_id = session.scalar(select(func.max(Dossier.id))) or 0
        self.horizon = datetime.combine(end + timedelta(days=1), time(0), tzinfo=self.zone)
        arrivals = plan_arrivals(self.rng, self.cal, procedures, self.rates, start=start,
                                 end=end, dossiers=dossiers, online=online)
        for arrival in arrivals:
            self._push(arrival.at, self._arrive, arrival)
        closing = self.runtime.hours.periods[-1][1]
        day = start
        while day <= end:
            if self.cal.is_working_day(day):
                at = datetime.combine(day, closing, tzinfo=self.zone) - timedelta(minutes=30)
                self._push(at, self._tick)
            day += timedelta(days=1)
        self._push(self.horizon - timedelta(minutes=1), self._tick)
        while self.heap:
            at, _, action, args = heapq.heappop(self.heap)
            if at >= self.horizon:
                break
            self.clock.set(at)
            action(at, *args)
        return self._result(start, end, first_id, dossiers, online,
                            wall.perf_counter() - began)

    def _calendar(self, session: Session, unit: str) -> WorkingCalendar:
        cal = self.calendars.get(unit)
        if cal is None:
            cal = self.calendars[unit] = self.runtime.calendar(session, unit)
        return cal

    def _push(self, at: datetime, action: Callable[..., None], *args: Any) -> None:
        """Schedule `action(at, *args)`; instants are whole seconds (never before the
        current one, which is whole too), as a person's actions would be recorded."""
        self.seq += 1
        heapq.heappush(self.heap, (at.replace(microsecond=0), self.seq, action, args))

    # -- arrivals -----------------------------------------------------------------------
    def _arrive(self, at: datetime, arrival: Arrival) -> None:
        procedure = arrival.procedure
        online = arrival.channel == Channel.ONLINE
        documents = tuple(d.name for d in procedure.documents if d.required)
        with self.sessions.begin() as session:
            dossier = start_dossier(
                session, self.runtime, procedure.code, unit=self.unit,
                applicant=applicant(self.rng, self.ward_name, online),
                channel=arrival.channel, at=at, documents=documents,
                actor=None if online else self.staff.user(self.unit, "reception"),
                verification=arrival.verification)
            case = Case(dossier.id, dossier.code, self.unit, top=True,
                         supplement=arrival.supplement, supplied=arrival.supplied,
                         documents=tuple(d.name for d in procedure.documents))
            self.cases[dossier.id] = case
            self._collect(session, at)
        self.filed += 1
        self.counts["commands"] += 1
        if arrival.withdraw_after is not None:
            self._push(self.cal.add(at, arrival.withdraw_after), self._withdraw, case)

    # -- steps --------------------------------------------------------------------------
    def _collect(self, session: Session, at: datetime) -> None:
        """Plan work for the steps the last command made ready, in whichever dossier
        (a message may have started one at the police or BHXH): those of the dossiers
        with a `task_ready` event newer than the last one seen."""
        connection = session.connection()
        events = connection.execute(NEW_EVENTS, {"mark": self.event_mark}).all()
        if not events:
            return
        self.event_mark = max(e.id for e in events)
        touched = sorted({e.dossier_id for e in events if e.kind == "task_ready"})
        if not touched:
            return
        rows = connection.execute(READY_STEPS, {"dossiers": touched}).all()
        for row in sorted(rows, key=lambda r: (r.code, r.process_id, r.spec_id, r.id)):
            if row.id in self.known:
                continue
            self.known.add(row.id)
            case = self.cases.get(row.dossier_id)
            if case is None:
                case = self.cases[row.dossier_id] = Case(
                    row.dossier_id, row.code, row.unit, top=row.started_by_message_id is None)
            task = PlannedStep(row.id, row.dossier_id, row.code, row.unit, row.department,
                         row.definition_id, row.process_id, row.spec_id, row.sla)
            self._plan(session, case, task, at, row.appointment_at)

    def _plan(self, session: Session, case: Case, task: PlannedStep, at: datetime,
              appointment: datetime | None) -> None:
        """Schedule the step's completion (perhaps a claim before it), or the supplement
        request if this is the dossier's first specialist step and it needs papers."""
        rng = self.rng
        cal = self._calendar(session, task.unit)
        sla = self._sla(cal, task.sla, at)
        user = self.staff.user(task.unit, task.department)
        if case.supplement and task.department != "reception":
            case.supplement = False
            self._push(cal.add(at, sla * rng.uniform(0.05, 0.3)), self._request, case, task)
            return
        late = rng.random() < self.rates.late_steps
        if late:
            delay = sla * rng.uniform(1.1, 2.5)
            case.late_pending += 1
        else:
            delay = sla * rng.triangular(0.1, 0.9, 0.35)
            if appointment is not None:  # officers hurry when the appointment is near
                left = cal.between(at, appointment)
                delay = min(delay, left * rng.uniform(0.2, 0.5))
            delay = max(delay, timedelta(minutes=rng.randint(2, 6)))
        if rng.random() < self.rates.claim_first:
            self._push(cal.add(at, delay * rng.uniform(0.05, 0.4)), self._claim, task, user)
        self._push(cal.add(at, delay), self._complete, case, task, user, late)

    @staticmethod
    def _sla(cal: WorkingCalendar, sla: str | None, at: datetime) -> timedelta:
        if not sla:
            return DEFAULT_SLA
        if sla == "same_day":
            return cal.between(at, cal.end_of_day(cal.next_working_instant(at))) \
                or DEFAULT_SLA
        return cal.parse_duration(sla)

    def _claim(self, at: datetime, task: PlannedStep, user: str) -> None:
        with self.sessions.begin() as session:
            state = session.connection().execute(STEP_STATE, {"task": task.id}).first()
            if state is None or state.status != TaskStatus.READY \
                    or state.claimed_by is not None \
                    or state.dossier_status not in WORKABLE_STATUSES:
                return
            claim(session, self.runtime, task.id, user=user, at=at)
        self.counts["claimed"] += 1
        self.counts["commands"] += 1

    def _complete(self, at: datetime, case: Case, task: PlannedStep, user: str, late: bool
                  ) -> None:
        if late:
            case.late_pending -= 1
        with self.sessions.begin() as session:
            state = session.connection().execute(STEP_STATE, {"task": task.id}).first()
            if state is None or state.status != TaskStatus.READY:
                return
            if state.dossier_status == DossierStatus.WAITING_SUPPLEMENT:
                case.parked.append(task)  # taken up again when the papers come
                return
            if state.dossier_status not in WORKABLE_STATUSES:
                return
            refuse = self.rng.random() < self.rates.refuse
            context = FormContext(
                at=at.astimezone(self.zone), applicant=state.applicant,
                channel=state.channel, actor_name=self.staff.names.get(user, user),
                refuse=refuse, verification=state.verification)
            data = fill_form(self.rng, self._fields(session, task), context)
            done = complete(session, self.runtime, task.id, user=user, data=data, at=at)
            if done.outcome == Outcome.LATE:
                self.counts["late_steps"] += 1
            self._collect(session, at)
        self.counts["completed"] += 1
        self.counts["commands"] += 1

    def _fields(self, session: Session, task: PlannedStep) -> tuple[FieldSpec, ...]:
        key = (task.definition_id, task.process_id, task.spec_id)
        fields = self.fields.get(key)
        if fields is None:
            fields = self.fields[key] = get_task(session, self.runtime.specs, task.id).fields
        return fields

    # -- the dossier's life around its steps ---------------------------------------------
    def _request(self, at: datetime, case: Case, task: PlannedStep) -> None:
        with self.sessions.begin() as session:
            dossier = session.get_one(Dossier, case.id)
            if dossier.status != DossierStatus.RUNNING:
                return
            optional = [d for d in case.documents if d not in dossier.documents]
            items = [self.rng.choice(optional or list(case.documents) or ["Tờ khai"])]
            request_supplement(session, self.runtime, case.code,
                               user=self.staff.user(task.unit, task.department), items=items,
                               reason="Hồ sơ chưa đầy đủ giấy tờ theo quy định", at=at)
        case.parked.append(task)
        case.documents = tuple(items)
        self.counts["supplements"] += 1
        self.counts["commands"] += 1
        if case.supplied:  # else the daily tick refuses it after 7 working days
            wait = self.cal.daily * self.rng.uniform(1, 5)
            self._push(self.cal.add(at, wait), self._supply, case)

    def _supply(self, at: datetime, case: Case) -> None:
        with self.sessions.begin() as session:
            dossier = session.get_one(Dossier, case.id)
            if dossier.status != DossierStatus.WAITING_SUPPLEMENT:
                return
            supply(session, self.runtime, case.code, user=self.staff.user(case.unit, "reception"),
                   documents=case.documents, at=at)
            parked, case.parked = case.parked, []
            for task in parked:
                self._plan(session, case, task, at, dossier.appointment_at)
        self.counts["supplied"] += 1
        self.counts["commands"] += 1

    def _withdraw(self, at: datetime, case: Case) -> None:
        with self.sessions.begin() as session:
            dossier = session.get_one(Dossier, case.id)
            if dossier.status not in LATE_ENOUGH:
                return  # already resolved or closed: nothing left to withdraw
            close(session, self.runtime, case.code, FinishKind.WITHDRAWN,
                  user=self.staff.user(case.unit, "reception"),
                  reason="Công dân đề nghị rút hồ sơ", at=at)
        self.counts["withdrawn"] += 1
        self.counts["commands"] += 1

    def _tick(self, at: datetime) -> None:
        """The daily run of `lienthong tick`: timers, expired supplements, at-risk flags;
        some late dossiers then get an apology."""
        result = tick(self.sessions.begin, self.runtime, at)
        with self.sessions.begin() as session:
            self._collect(session, at)
            flagged = session.execute(select(Dossier.id, Dossier.unit, Dossier.appointment_at)
                                      .where(Dossier.code.in_(result.at_risk))).all() \
                if result.at_risk else []
            signers = {}
            for row in sorted(flagged, key=lambda r: r.id):
                case = self.cases.get(row.id)
                if case is None:
                    continue
                # really going to be late: a late step is pending or the date has passed
                late = case.late_pending > 0 or (
                    row.appointment_at is not None and row.appointment_at <= at)
                leader = self.staff.leader(session, row.unit)
                if late and leader and self.rng.random() < self.rates.apology:
                    signers[row.id] = leader
        self.counts["commands"] += 1
        if self.progress is not None:
            self.progress(at.astimezone(self.zone).date(), self.filed)
        for dossier_id, leader in signers.items():
            self._push(at + timedelta(minutes=5), self._apologize, self.cases[dossier_id],
                       leader)

    def _apologize(self, at: datetime, case: Case, leader: str) -> None:
        with self.sessions.begin() as session:
            dossier = session.get_one(Dossier, case.id)
            if dossier.status not in LATE_ENOUGH:
                return
            cal = self._calendar(session, dossier.unit)
            base = max(dossier.appointment_at or at, at)
            apologize(session, self.runtime, case.code, leader=leader,
                      reason="Hồ sơ cần thêm thời gian xử lý, kiểm tra", at=at,
                      new_appointment=cal.add(base, 2 * cal.daily))
        self.counts["apologies"] += 1
        self.counts["commands"] += 1

    # -- the result -----------------------------------------------------------------------
    def _result(self, start: date, end: date, first_id: int, dossiers: int, online: int,
                elapsed: float) -> SimulationResult:
        with self.sessions.begin() as session:
            kinds: Mapping[str | None, int] = {
                row.finish_kind: row.n for row in session.execute(
                    select(Dossier.finish_kind, func.count().label("n"))
                    .where(Dossier.id > first_id).group_by(Dossier.finish_kind))}
            linked = session.scalar(select(func.count()).select_from(Dossier).where(
                Dossier.id > first_id, Dossier.started_by_message_id.is_not(None))) or 0
        c = self.counts
        return SimulationResult(
            unit=self.unit, start=start, end=end, dossiers=dossiers, online=online,
            linked=linked, claimed=c["claimed"], completed=c["completed"],
            late_steps=c["late_steps"], supplements=c["supplements"], supplied=c["supplied"],
            refused=kinds.get(FinishKind.REFUSED, 0), withdrawn=c["withdrawn"],
            apologies=c["apologies"], resolved=kinds.get(FinishKind.RESOLVED, 0),
            in_progress=kinds.get(None, 0), commands=c["commands"], elapsed=round(elapsed, 2))
