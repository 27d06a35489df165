"""Fill the English catalog from en/*.json (Vietnamese source text -> English).

Run by `make translations` after `pybabel update`: every message of messages.po whose
English text is in one of the JSON files (one per area of the app) gets it; the script
lists the messages still untranslated. JSON keeps the texts easy to review and diff.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).parent
CATALOG = HERE / "en" / "LC_MESSAGES" / "messages.po"


def main() -> int:
    english: dict[str, str] = {}
    for part in sorted((HERE / "en").glob("*.json")):
        english.update(json.loads(part.read_text(encoding="utf-8")))
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = english.get(message.id if isinstance(message.id, str) else message.id[0])
        if text is None:
            missing.append(message.id)
            continue
        message.string = text
        message.flags.discard("fuzzy")
    with CATALOG.open("wb") as handle:
        write_po(handle, catalog, width=100)
    for message_id in missing:
        print(f"untranslated: {message_id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
