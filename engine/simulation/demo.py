"""Demo units and users: part of Hà Nội before and after 1 July 2025 (the map file
maps/hanoi_demo.toml) and the people working there today."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org import MapLoad, add_user, hash_password, load_map, read_map
from engine.storage import User

DEMO_PASSWORD = "lienthong-demo"  # noqa: S105 - published demo password, demo databases only
WARD_DEPARTMENTS = ("reception", "civil_status", "land", "culture_society", "leadership")

# The map: both the three levels until 30 June 2025 and province › commune since, with
# the reorganisation between them (a data file, as a real installation's would be).
DEMO_MAP = Path(__file__).parent / "maps" / "hanoi_demo.toml"
# When the demo records the reorganisation's staff moves (its first day, 00:00 in Hà Nội).
REORGANISED_AT = datetime(2025, 7, 1, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))

# username, full name, unit, roles, departments: the people of the units since 1 July
# 2025 (the simulation lets a predecessor's steps be worked by its successor's people).
DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("admin", "Quản trị hệ thống", "HANOI", ("admin",), ()),
    ("thietke", "Nguyễn Minh Thiết", "HANOI", ("designer",), ()),
    ("giamsat.hanoi", "Trần Thu Hà", "HANOI", ("supervisor",), ()),
    ("tiepnhan.phucloi", "Phạm Thị Lan", "PHUCLOI", ("reception",), ("reception",)),
    ("hotich.phucloi", "Đỗ Văn Hùng", "PHUCLOI", ("staff",), ("civil_status",)),
    ("diachinh.phucloi", "Vũ Thị Mai", "PHUCLOI", ("staff",), ("land",)),
    ("vhxh.phucloi", "Hoàng Đức Anh", "PHUCLOI", ("staff",), ("culture_society",)),
    ("lanhdao.phucloi", "Ngô Thanh Tùng", "PHUCLOI", ("leader",), ("leadership",)),
    ("giamsat.phucloi", "Bùi Thị Hồng", "PHUCLOI", ("supervisor",), ()),
    ("tiepnhan.viethung", "Đặng Thị Thu", "VIETHUNG", ("reception",), ("reception",)),
    ("hotich.viethung", "Phan Văn Nam", "VIETHUNG", ("staff",), ("civil_status",)),
    ("lanhdao.viethung", "Trịnh Văn Long", "VIETHUNG", ("leader",), ("leadership",)),
    ("tiepnhan.trauquy", "Lý Thị Hoa", "XAGIALAM", ("reception",), ("reception",)),
    ("hotich.trauquy", "Mai Văn Sơn", "XAGIALAM", ("staff",), ("civil_status",)),
    ("lanhdao.trauquy", "Cao Văn Bình", "XAGIALAM", ("leader",), ("leadership",)),
    ("congan.phucloi", "Thượng úy Nguyễn Văn Dũng", "CA-PHUCLOI", ("staff",), ("police",)),
    ("congan.viethung", "Thượng úy Trần Văn Khánh", "CA-VIETHUNG", ("staff",), ("police",)),
    ("congan.trauquy", "Trung úy Lê Văn Phúc", "CA-XAGIALAM", ("staff",), ("police",)),
    ("bhxh.longbien", "Nguyễn Thị Thảo", "BHXH-LONGBIEN", ("staff",), ("social_insurance",)),
    ("bhxh.gialam", "Đinh Thị Ngọc", "BHXH-GIALAM", ("staff",), ("social_insurance",)),
)


def seed_demo_map(session: Session) -> MapLoad:
    """Load the demo map's units, services and reorganisations: no users."""
    unit_map = read_map(DEMO_MAP.read_bytes(), str(DEMO_MAP))
    return load_map(session, unit_map, at=REORGANISED_AT)


def seed_demo_units(session: Session, password: str = DEMO_PASSWORD) -> tuple[int, int]:
    """Add the demo map (units, services, the reorganisation of 1 July 2025) and the demo
    users that are missing. Return (units, users) added; a second run adds nothing."""
    loaded = seed_demo_map(session)
    users = 0
    existing = set(session.scalars(select(User.username)))
    shared = hash_password(password)  # one published password: hash it once
    for username, full_name, unit, roles, departments in DEMO_USERS:
        if username not in existing:
            add_user(session, username=username, full_name=full_name, unit=unit,
                     password_hash=shared, roles=roles, departments=departments)
            users += 1
    return loaded.units, users
