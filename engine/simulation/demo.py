"""Demo units and users: a city, two districts, three wards and their agencies."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.org import add_unit, add_user, hash_password
from engine.storage import Unit, User

DEMO_PASSWORD = "lienthong-demo"  # noqa: S105 - published demo password, demo databases only
WARD_DEPARTMENTS = ("reception", "civil_status", "land", "culture_society", "leadership")

# code, name, kind, parent, departments
DEMO_UNITS: tuple[tuple[str, str, str, str | None, tuple[str, ...]], ...] = (
    ("HANOI", "Thành phố Hà Nội", "city", None, ("leadership",)),
    ("LONGBIEN", "Quận Long Biên", "district", "HANOI", ("leadership",)),
    ("GIALAM", "Huyện Gia Lâm", "district", "HANOI", ("leadership",)),
    ("PHUCLOI", "Phường Phúc Lợi", "ward", "LONGBIEN", WARD_DEPARTMENTS),
    ("VIETHUNG", "Phường Việt Hưng", "ward", "LONGBIEN", WARD_DEPARTMENTS),
    ("TRAUQUY", "Phường Trâu Quỳ", "ward", "GIALAM", WARD_DEPARTMENTS),
    # Ward police posts belong to the district police, not to the ward's committee: their
    # dossiers count in the district's report, not the ward's.
    ("CA-PHUCLOI", "Công an phường Phúc Lợi", "police", "LONGBIEN", ("police",)),
    ("CA-VIETHUNG", "Công an phường Việt Hưng", "police", "LONGBIEN", ("police",)),
    ("CA-TRAUQUY", "Công an phường Trâu Quỳ", "police", "GIALAM", ("police",)),
    ("BHXH-LONGBIEN", "Bảo hiểm xã hội quận Long Biên", "social_insurance", "LONGBIEN",
     ("social_insurance",)),
    ("BHXH-GIALAM", "Bảo hiểm xã hội huyện Gia Lâm", "social_insurance", "GIALAM",
     ("social_insurance",)),
)

# username, full name, unit, roles, departments
DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("admin", "Quản trị hệ thống", "HANOI", ("admin",), ()),
    ("thietke", "Nguyễn Minh Thiết", "HANOI", ("designer",), ()),
    ("giamsat.hanoi", "Trần Thu Hà", "HANOI", ("supervisor",), ()),
    ("giamsat.longbien", "Lê Quang Vinh", "LONGBIEN", ("supervisor",), ()),
    ("tiepnhan.phucloi", "Phạm Thị Lan", "PHUCLOI", ("reception",), ("reception",)),
    ("hotich.phucloi", "Đỗ Văn Hùng", "PHUCLOI", ("staff",), ("civil_status",)),
    ("diachinh.phucloi", "Vũ Thị Mai", "PHUCLOI", ("staff",), ("land",)),
    ("vhxh.phucloi", "Hoàng Đức Anh", "PHUCLOI", ("staff",), ("culture_society",)),
    ("lanhdao.phucloi", "Ngô Thanh Tùng", "PHUCLOI", ("leader",), ("leadership",)),
    ("giamsat.phucloi", "Bùi Thị Hồng", "PHUCLOI", ("supervisor",), ()),
    ("tiepnhan.viethung", "Đặng Thị Thu", "VIETHUNG", ("reception",), ("reception",)),
    ("hotich.viethung", "Phan Văn Nam", "VIETHUNG", ("staff",), ("civil_status",)),
    ("lanhdao.viethung", "Trịnh Văn Long", "VIETHUNG", ("leader",), ("leadership",)),
    ("tiepnhan.trauquy", "Lý Thị Hoa", "TRAUQUY", ("reception",), ("reception",)),
    ("hotich.trauquy", "Mai Văn Sơn", "TRAUQUY", ("staff",), ("civil_status",)),
    ("lanhdao.trauquy", "Cao Văn Bình", "TRAUQUY", ("leader",), ("leadership",)),
    ("congan.phucloi", "Thượng úy Nguyễn Văn Dũng", "CA-PHUCLOI", ("staff",), ("police",)),
    ("congan.viethung", "Thượng úy Trần Văn Khánh", "CA-VIETHUNG", ("staff",), ("police",)),
    ("congan.trauquy", "Trung úy Lê Văn Phúc", "CA-TRAUQUY", ("staff",), ("police",)),
    ("bhxh.longbien", "Nguyễn Thị Thảo", "BHXH-LONGBIEN", ("staff",), ("social_insurance",)),
    ("bhxh.gialam", "Đinh Thị Ngọc", "BHXH-GIALAM", ("staff",), ("social_insurance",)),
)


def seed_demo_units(session: Session, password: str = DEMO_PASSWORD) -> tuple[int, int]:
    """Add the demo units and users that are missing; return (units, users) added."""
    units = users = 0
    for code, name, kind, parent, departments in DEMO_UNITS:
        if session.get(Unit, code) is None:
            add_unit(session, code=code, name=name, kind=kind, parent=parent,
                     departments=departments)
            units += 1
    existing = set(session.scalars(select(User.username)))
    shared = hash_password(password)  # one published password: hash it once
    for username, full_name, unit, roles, departments in DEMO_USERS:
        if username not in existing:
            add_user(session, username=username, full_name=full_name, unit=unit,
                     password_hash=shared, roles=roles, departments=departments)
            users += 1
    return units, users
