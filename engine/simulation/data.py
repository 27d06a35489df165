"""What the simulation (simulation.py) makes up: when dossiers arrive and of which
procedure, who files them, and what officers type into forms.

Small built-in lists of Vietnamese names, streets and agencies; every value is drawn
from the simulation's seeded random generator, so a seed gives the same data.
Nothing here touches the database.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from engine.calendar import WorkingCalendar
from engine.definitions import FieldSpec, ProcedureView
from engine.errors import InvalidAction
from engine.vocabulary import Channel


@dataclass(frozen=True)
class Rates:
    """How often things happen; docs/simulation.md describes each. Shares are 0..1."""

    late_steps: float = 0.065  # steps taking 110-250 % of their SLA
    claim_first: float = 0.3  # steps claimed some time before they are completed
    refuse: float = 0.02  # decisions offering "refuse" that take it
    supplement: float = 0.04  # dossiers asked for papers at their first specialist step
    supplied: float = 0.85  # of those, the citizen brings them within 1-5 working days
    withdrawn: float = 0.005  # dossiers the citizen withdraws within hours of filing
    apology: float = 0.3  # late dossiers flagged at risk that get a leader-signed apology
    verification: float = 0.08  # dossiers needing verification, where a procedure has a
    # verification time limit
    post: float = 0.06  # paper dossiers sent by post rather than brought to the desk


# Relative frequency of the ward's procedures by process key (others: 1).
PROCEDURE_WEIGHTS = {"certified_copy": 12.0, "birth_registration": 1.5,
                     "birth_residence_health_card": 1.2, "marriage_registration": 0.8}
# Office arrivals: by weekday (0 = Monday), then morning versus afternoon.
DAY_WEIGHTS = (1.35, 1.1, 1.0, 1.0, 0.9, 0.8, 0.8)
# Online filings by local hour, 0-23: day-time mostly, some at night.
HOUR_WEIGHTS = (0.15, 0.1, 0.1, 0.1, 0.1, 0.15, 0.4, 0.8, 1.2, 1.2, 1.2, 1.1, 0.8, 0.9,
                1.1, 1.1, 1.0, 0.9, 0.8, 0.9, 0.9, 0.7, 0.5, 0.3)


@dataclass(frozen=True)
class Arrival:
    """A dossier a citizen will file, decided before the simulation runs."""

    at: datetime
    channel: str
    procedure: ProcedureView
    verification: bool
    supplement: bool  # asked for papers at its first specialist step
    supplied: bool  # the citizen then brings them
    withdraw_after: timedelta | None  # working time after filing, if withdrawn


def plan_arrivals(rng: random.Random, cal: WorkingCalendar, procedures: Sequence[ProcedureView],
                  rates: Rates, *, start: date, end: date, dossiers: int, online: int
                  ) -> list[Arrival]:
    """`dossiers` arrivals from `start` to `end` (local dates), `online` of them online at
    any hour, the others at the desk (or by post) in office hours; in time order."""
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    working = [d for d in days if cal.is_working_day(d)]
    if dossiers - online and not working:
        raise InvalidAction(f"no working day from {start:%d/%m/%Y} to {end:%d/%m/%Y} "
                            "for dossiers filed at the desk")
    if dossiers and not procedures:
        raise InvalidAction("the catalog has no ward-level procedure: deploy the "
                            "procedures first (lienthong deploy workflows)")
    instants = [(at, Channel.POST if rng.random() < rates.post else Channel.IN_PERSON)
                for at in _office_instants(rng, cal, working, dossiers - online)]
    instants += [(at, Channel.ONLINE) for at in _online_instants(rng, cal, days, online)]
    instants.sort(key=lambda pair: pair[0])
    chosen = _procedures(rng, cal, procedures, [at for at, _ in instants])
    arrivals = []
    for (at, channel), procedure in zip(instants, chosen, strict=True):
        verification = procedure.verification_time_limit is not None \
            and rng.random() < rates.verification
        supplement = rng.random() < rates.supplement
        supplied = rng.random() < rates.supplied
        withdraw_after = timedelta(minutes=rng.randint(10, 240)) \
            if rng.random() < rates.withdrawn else None
        arrivals.append(Arrival(at, channel, procedure, verification, supplement, supplied,
                                withdraw_after))
    return arrivals


def _office_instants(rng: random.Random, cal: WorkingCalendar, working: list[date],
                     count: int) -> list[datetime]:
    """Instants in office hours, in half-hour slots: busier on Monday mornings and in
    mornings generally, quieter on Friday afternoons."""
    slots: list[tuple[datetime, int]] = []
    weights: list[float] = []
    for day in working:
        for index, (opening, closing) in enumerate(cal.hours.periods):
            weight = DAY_WEIGHTS[day.weekday()] * (1.25 if index == 0 else 0.8)
            if day.weekday() == 0 and index == 0:
                weight *= 1.2
            if day.weekday() == 4 and index > 0:
                weight *= 0.6
            at = datetime.combine(day, opening, tzinfo=cal.zone)
            stop = datetime.combine(day, closing, tzinfo=cal.zone)
            while at < stop:
                slots.append((at, int(min(timedelta(minutes=30), stop - at).total_seconds())))
                weights.append(weight)
                at += timedelta(minutes=30)
    picked = rng.choices(slots, weights, k=count) if count else []
    return [at + timedelta(seconds=rng.randrange(length)) for at, length in picked]


def _online_instants(rng: random.Random, cal: WorkingCalendar, days: list[date], count: int
                     ) -> list[datetime]:
    """Instants at any hour of any day; working days and day-time more often."""
    hours = [(day, hour) for day in days for hour in range(24)]
    weights = [HOUR_WEIGHTS[hour] * (1.0 if cal.is_working_day(day) else 0.45)
               for day, hour in hours]
    picked = rng.choices(hours, weights, k=count) if count else []
    return [datetime.combine(day, time(hour), tzinfo=cal.zone)
            + timedelta(seconds=rng.randrange(3600)) for day, hour in picked]


def _procedures(rng: random.Random, cal: WorkingCalendar, procedures: Sequence[ProcedureView],
                instants: list[datetime]) -> list[ProcedureView]:
    """A procedure in force for each arrival, common ones more often; every procedure
    at least once when there are enough arrivals."""

    def in_force(at: datetime) -> list[ProcedureView]:
        day = at.astimezone(cal.zone).date()
        return [p for p in procedures if p.effective_from <= day
                and (p.abolished_on is None or p.abolished_on > day)]

    chosen = []
    for at in instants:
        options = in_force(at)
        if not options:
            raise InvalidAction(f"no ward-level procedure is in force on {at:%d/%m/%Y}")
        weights = [PROCEDURE_WEIGHTS.get(p.process_key, 1.0) for p in options]
        chosen.append(rng.choices(options, weights)[0])
    if len(instants) < len(procedures):
        return chosen
    counts = Counter(p.code for p in chosen)
    for procedure in sorted(procedures, key=lambda p: p.code):
        if counts[procedure.code]:
            continue
        spare = [i for i, p in enumerate(chosen)
                 if counts[p.code] > 1 and procedure in in_force(instants[i])]
        if spare:
            i = rng.choice(spare)
            counts[chosen[i].code] -= 1
            counts[procedure.code] += 1
            chosen[i] = procedure
    return chosen


# -- citizens and forms ---------------------------------------------------------------
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý", "Phan", "Đinh", "Trịnh", "Mai", "Cao", "Lương")
FAMILY_WEIGHTS = (38, 11, 9, 7, 5, 4, 3, 2, 2, 2, 1.5, 1.3, 1, 0.5, 4.5, 0.8, 0.6, 0.5, 0.5,
                  0.5)
MIDDLE = {"nam": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Gia"),
          "nữ": ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Phương", "Bảo")}
GIVEN = {"nam": ("An", "Bình", "Cường", "Dũng", "Duy", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy",
                 "Khánh", "Khoa", "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Sơn",
                 "Thắng", "Trung", "Tuấn", "Việt", "Vinh"),
         "nữ": ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
                "Mai", "My", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
                "Trang", "Uyên", "Vân", "Yến")}
STREETS = ("phố Phúc Lợi", "phố Hoa Lâm", "phố Thạch Cầu", "đường Vũ Đức Thận",
           "phố Lâm Du", "đường Mai Chí Thọ", "ngõ 192 Lê Trọng Tấn", "đường Nguyễn Văn Cừ",
           "phố Ngọc Thụy", "đường Hồng Tiến", "tổ dân phố 7", "khu tái định cư Giang Biên")
HOSPITALS = ("Bệnh viện Đa khoa Đức Giang", "Bệnh viện Phụ sản Hà Nội",
             "Bệnh viện Phụ sản Trung ương", "Bệnh viện Đa khoa Tâm Anh",
             "Bệnh viện Đa khoa Quốc tế Vinmec Times City", "Bệnh viện Bạch Mai")
CLINICS = ("Trạm y tế phường", "Bệnh viện Đa khoa Đức Giang", "Trung tâm Y tế quận",
           "Bệnh viện Đa khoa Long Biên")
ORIGINALS = ("Giấy khai sinh", "Căn cước công dân", "Bằng tốt nghiệp trung học phổ thông",
             "Bằng cử nhân", "Giấy chứng nhận quyền sử dụng đất", "Sổ hộ khẩu (cũ)",
             "Học bạ trung học phổ thông", "Giấy phép lái xe", "Hợp đồng lao động",
             "Giấy chứng nhận đăng ký kết hôn")
ISSUERS = ("UBND phường Phúc Lợi", "Cục Cảnh sát quản lý hành chính về trật tự xã hội",
           "Trường THPT Nguyễn Gia Thiều", "Đại học Quốc gia Hà Nội", "UBND quận Long Biên",
           "Sở Giao thông vận tải Hà Nội", "Sở Tài nguyên và Môi trường Hà Nội")
NOTES = ("Hồ sơ đầy đủ, hợp lệ.", "Đã đối chiếu với bản chính.", "Thông tin khớp với "
         "Cơ sở dữ liệu quốc gia về dân cư.", "Đã kiểm tra, không có sai sót.")
REFUSALS = ("Giấy tờ xuất trình không phải bản chính hoặc bị tẩy xoá, sửa chữa.",
            "Người yêu cầu không đủ điều kiện theo quy định.",
            "Thông tin trên tờ khai không khớp với giấy tờ xuất trình.")


@dataclass(frozen=True)
class Person:
    name: str
    gender: str  # "nam" or "nữ", the choices the shipped forms use
    family: str


def person(rng: random.Random, gender: str | None = None, family: str | None = None
           ) -> Person:
    """A plausible Vietnamese full name (family, middle, given)."""
    gender = gender or rng.choice(("nam", "nữ"))
    family = family or rng.choices(FAMILY, FAMILY_WEIGHTS)[0]
    return Person(f"{family} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}",
                  gender, family)


def address(rng: random.Random, ward: str) -> str:
    """A street address in the ward (its name as the unit table spells it)."""
    return f"Số {rng.randint(1, 199)} {rng.choice(STREETS)}, {ward}"


def applicant(rng: random.Random, ward: str, online: bool) -> dict[str, Any]:
    """The person filing: name, address, phone, and an email when filing online."""
    who = person(rng)
    data: dict[str, Any] = {"name": who.name, "address": address(rng, ward),
                            "phone": "09" + "".join(str(rng.randint(0, 9)) for _ in range(8))}
    if online:
        data["email"] = f"congdan{rng.randint(100, 99999)}@example.vn"
    return data


@dataclass(frozen=True)
class FormContext:
    """What a simulated officer knows when filling a task's form."""

    at: datetime  # the simulated instant (local time)
    applicant: Mapping[str, Any]
    channel: str
    actor_name: str
    refuse: bool  # this step's decision goes against the citizen
    verification: bool  # the dossier needs verification


def fill_form(rng: random.Random, fields: Sequence[FieldSpec], ctx: FormContext
              ) -> dict[str, Any]:
    """Values for a task's declared fields: every required one, about half the others.

    Choice fields offering "refuse" take it only when `ctx.refuse`; a refusal reason
    is then always given. Fields naming agencies (type=unit) stay empty: the agencies
    the unit is configured with receive the linked parts.
    """
    data: dict[str, Any] = {}
    child_family = str(ctx.applicant.get("name", "Nguyễn")).split(" ")[0]
    for spec in fields:
        name = spec.name.lower()
        if spec.type == "unit":
            continue
        if "refusal" in name or "reason" in name:
            if ctx.refuse or spec.required:
                data[spec.name] = rng.choice(REFUSALS)
            continue
        if not spec.required and spec.type != "choice" and rng.random() < 0.5:
            continue
        data[spec.name] = _value(rng, spec, name, ctx, child_family)
    return data


def _value(rng: random.Random, spec: FieldSpec, name: str, ctx: FormContext,
           child_family: str) -> Any:
    kind = spec.type
    today = ctx.at.date()
    if kind == "boolean":
        # "needs_*" flags open slower paths (verification); the dossier says when.
        return ctx.verification if name.startswith("needs_") else True
    if kind == "choice":
        return _choice(rng, spec, name, ctx)
    if kind == "integer":
        if "fee" in name:
            return 2000 * rng.randint(1, 5)
        if "page" in name:
            return rng.randint(1, 12)
        return rng.randint(1, 5)
    if kind == "number":
        return round(rng.uniform(1, 100), 1)
    if kind == "date":
        return _date(rng, name, today).isoformat()
    if kind == "datetime":
        return ctx.at.isoformat()
    return _text(rng, spec, name, ctx, child_family)


def _choice(rng: random.Random, spec: FieldSpec, name: str, ctx: FormContext) -> str:
    choices = spec.choices
    if "refuse" in choices:
        others = [c for c in choices if c != "refuse"]
        return "refuse" if ctx.refuse or not others else others[0]
    if "gender" in name or set(choices) == {"nam", "nữ"}:
        return rng.choice(choices)
    if "channel" in name and ctx.channel == Channel.ONLINE and "online" in choices:
        return "online"
    return choices[0]


def _date(rng: random.Random, name: str, today: date) -> date:
    if "groom" in name or "bride" in name:
        return today - timedelta(days=rng.randint(20 * 365, 40 * 365))
    if "birth" in name:  # the shipped birth procedures: a newborn
        return today - timedelta(days=rng.randint(1, 55))
    if "valid_to" in name or "until" in name:
        return today + timedelta(days=rng.randint(5 * 365, 6 * 365))
    return today


def _text(rng: random.Random, spec: FieldSpec, name: str, ctx: FormContext,
          child_family: str) -> str:
    year = ctx.at.year
    if name == "signed_by":
        return ctx.actor_name
    if name == "returned_to":
        return str(ctx.applicant.get("name", "")) or person(rng).name
    if name == "child_name":
        return person(rng, family=child_family).name
    if "groom" in name:
        return person(rng, gender="nam").name
    if "bride" in name or "mother" in name:
        return person(rng, gender="nữ").name
    if "father" in name:
        return person(rng, gender="nam", family=child_family).name
    if "name" in name and "document" in name:
        return rng.choice(ORIGINALS)
    if "name" in name or "head" in name:
        return person(rng).name
    if "personal_id" in name:
        return "001" + "".join(str(rng.randint(0, 9)) for _ in range(9))
    if "card_number" in name:
        return "01" + "".join(str(rng.randint(0, 9)) for _ in range(8))
    if "number" in name:
        return f"{rng.randint(1, 999)}/{year}"
    if "address" in name:
        return str(ctx.applicant.get("address", "")) or "Số 1 phố Phúc Lợi"
    if "place" in name:
        return rng.choice(HOSPITALS)
    if "clinic" in name:
        return rng.choice(CLINICS)
    if "issued" in name:
        return rng.choice(ISSUERS)
    return rng.choice(NOTES)
