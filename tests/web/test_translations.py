"""Every UI text goes through the catalogs: none hard-coded in templates, and the
English catalog translates every message."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

WEB = Path(__file__).resolve().parents[2] / "web"
# Papers keep the legal Vietnamese text of the standard forms in every language.
TEMPLATES = sorted(p for p in (WEB / "templates").rglob("*.html") if "papers" not in p.parts)
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]",
                        re.IGNORECASE)


def visible_text(source: str) -> str:
    """The template's literal text: without Jinja blocks, comments, tags and scripts."""
    for pattern in (r"\{#.*?#\}", r"\{%.*?%\}", r"\{\{.*?\}\}", r"<script.*?</script>",
                    r"<style.*?</style>", r"<[^>]+>"):
        source = re.sub(pattern, " ", source, flags=re.DOTALL)
    return source


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(WEB)))
def test_no_hard_coded_vietnamese_in_templates(template: Path):
    text = visible_text(template.read_text(encoding="utf-8"))
    found = [line.strip() for line in text.splitlines() if VIETNAMESE.search(line)]
    assert found == [], f"untranslatable text in {template.name}: {found}"


def test_english_catalog_translates_everything():
    with (WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str)
                                                      else all(m.string))]
    assert missing == []


def test_no_message_is_translated_two_ways():
    """The English texts are kept in several files (one per part of the app); a message
    in two of them with different translations would get whichever file came last."""
    seen: dict[str, dict[str, str]] = {}
    for path in sorted((WEB / "translations" / "en").glob("*.json")):
        for message, english in json.loads(path.read_text(encoding="utf-8")).items():
            seen.setdefault(message, {})[path.name] = english
    twice = {m: files for m, files in seen.items() if len(set(files.values())) > 1}
    assert twice == {}
