"""Reading a JSON body strictly, before anything else looks at it: only standard JSON
(no NaN or Infinity, no number too big for a double, no lone surrogate), no NUL or other
control character in a text or a name, numbers a double holds exactly, and at most
`MAX_JSON_DEPTH` levels of lists and objects. orjson refuses what is not JSON; the walk
here the rest, naming the path of the value at fault."""

from __future__ import annotations

from typing import Any

import orjson

from engine.runtime import BAD_CHARACTERS, MAX_NUMBER
from web.inputs import MAX_JSON_DEPTH


class BadJson(ValueError):
    """The body is not acceptable JSON: `path` is the value at fault ("body" for all)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(problem)
        self.path, self.problem = path, problem


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _check(value: Any) -> None:
    """Walk the parsed value (without recursion) and refuse the first bad part."""
    todo: list[tuple[Any, str, int]] = [(value, "", 0)]
    while todo:
        item, path, depth = todo.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadJson(path or "body", f"nests lists and objects more than "
                                          f"{MAX_JSON_DEPTH} deep")
        if isinstance(item, str):
            if BAD_CHARACTERS.search(item):
                raise BadJson(path or "body", "must not contain control characters")
        elif isinstance(item, bool) or item is None:
            continue
        elif isinstance(item, int | float):
            if not -MAX_NUMBER <= item <= MAX_NUMBER:
                raise BadJson(path or "body", f"must be between -{MAX_NUMBER} and "
                                              f"{MAX_NUMBER}")
        elif isinstance(item, dict):
            for key, child in item.items():
                if BAD_CHARACTERS.search(key):
                    raise BadJson(path or "body", "has a name with control characters")
                todo.append((child, _join(path, key), depth + 1))
        else:
            todo.extend((child, _join(path, i), depth + 1) for i, child in enumerate(item))


def parse(raw: bytes) -> Any:
    """The JSON value of `raw`, or BadJson naming what is wrong and where."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadJson("body", f"is not valid JSON ({exc})") from None
    _check(value)
    return value
