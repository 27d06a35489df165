"""Department names as diagrams write them: a lane named "Tư pháp - Hộ tịch", "tu phap
- ho tich" or "civil_status" is the same department."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")


class DepartmentNames:
    """Department spellings -> codes: exact, then ignoring case, then ignoring diacritics."""

    _AMBIGUOUS = ""

    def __init__(self, departments: Mapping[str, str]) -> None:
        self._tiers: list[dict[str, str]] = [{}, {}, {}]
        for spelling, code in departments.items():
            for tier, key in zip(self._tiers, self._keys(spelling), strict=True):
                if tier.get(key, code) != code:
                    tier[key] = self._AMBIGUOUS
                else:
                    tier[key] = code

    @staticmethod
    def _keys(text: str) -> tuple[str, str, str]:
        exact = " ".join(unicodedata.normalize("NFC", text).split())
        bare = "".join(
            c for c in unicodedata.normalize("NFD", exact) if not unicodedata.combining(c)
        )
        loose = _DASHES.sub("-", bare.casefold().replace("đ", "d"))
        return exact, exact.casefold(), loose

    def code(self, spelling: str) -> str | None:
        for tier, key in zip(self._tiers, self._keys(spelling), strict=True):
            if key in tier:
                return tier[key] or None
        return None
