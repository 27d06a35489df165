"""The `lienthong` command line: one click group; every command is one transaction."""

from web.cli import core, demo, lifecycle, report, tokens  # noqa: F401  (registers commands)
from web.cli.common import Context, emit_json, main, parse_instant, pass_ctx

__all__ = ["Context", "emit_json", "main", "parse_instant", "pass_ctx"]
