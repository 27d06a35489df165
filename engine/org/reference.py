"""Reference data every installation starts with."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.storage import Department

# code -> Vietnamese name; lanes in diagrams may use either.
DEFAULT_DEPARTMENTS = {
    "reception": "Một cửa",
    "civil_status": "Tư pháp - Hộ tịch",
    "land": "Địa chính",
    "culture_society": "Văn hoá - Xã hội",
    "leadership": "Lãnh đạo",
    "police": "Công an",
    "social_insurance": "BHXH",
}


def seed_departments(session: Session) -> int:
    """Add the default departments that are missing; return how many were added."""
    added = 0
    for code, name in DEFAULT_DEPARTMENTS.items():
        if session.get(Department, code) is None:
            session.add(Department(code=code, name=name))
            added += 1
    session.flush()
    return added
