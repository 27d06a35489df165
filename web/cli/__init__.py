"""The `lienthong` command line: one click group; every command is one transaction."""

from web.cli import (  # noqa: F401  (they register their commands on `main`)
    calendar,
    core,
    demo,
    lifecycle,
    org,
    papers,
    report,
    tokens,
    units,
)
from web.cli.common import Context, emit_json, main, parse_instant, pass_ctx

__all__ = ["Context", "emit_json", "main", "parse_instant", "pass_ctx"]
