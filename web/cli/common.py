"""What every `lienthong` command shares: the click group, settings, output helpers."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import click
from sqlalchemy.exc import OperationalError, ProgrammingError

from engine.definitions import DefinitionError
from engine.errors import EngineError, InvalidData
from engine.vocabulary import Outcome
from web import settings as settings_module
from web.services import Services, build_services

T = TypeVar("T")
OUTCOME: dict[str | None, str] = {
    Outcome.EARLY: "early (Trước hạn)", Outcome.ON_TIME: "on time (Đúng hạn)",
    Outcome.LATE: "late (Quá hạn)", None: "-"}


class Context:
    def __init__(self) -> None:
        self.settings = settings_module.load()
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        if self._services is None:
            self._services = build_services(self.settings)
        return self._services

    def local(self, at: datetime | None) -> str:
        if at is None:
            return "-"
        return at.astimezone(ZoneInfo(self.settings["TIMEZONE"])).strftime("%d/%m/%Y %H:%M")


pass_ctx = click.make_pass_decorator(Context, ensure=True)


def jsonable(value: Any) -> Any:
    """Records as objects, instants and dates in ISO 8601, enums as their text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def emit_json(value: Any) -> None:
    """Print `value` as JSON (what every command's --json prints)."""
    click.echo(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def print_list(items: Sequence[T], as_json: bool, line: Callable[[T], str],
               empty: str = "") -> None:
    """A list as JSON, or one line per item (`empty` when there is none)."""
    if as_json:
        emit_json(items)
        return
    if not items and empty:
        click.echo(empty)
    for item in items:
        click.echo(line(item))


def parse_json_option(text: str | None, option: str) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON ({exc.msg})", param_hint=option) from None
    if not isinstance(value, dict):
        raise click.BadParameter("must be a JSON object", param_hint=option)
    return value


def parse_instant(text: str | None, option: str, tz: str) -> datetime | None:
    if text is None:
        return None
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date-time", param_hint=option) from None
    return at if at.tzinfo else at.replace(tzinfo=ZoneInfo(tz))


class CLIGroup(click.Group):
    """Turns the engine's user errors into one-line messages and exit code 1, and
    settings that cannot work into one line each and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvalidData as exc:
            click.echo("error: the data was refused; nothing was saved", err=True)
            for name, problem in exc.fields.items():
                click.echo(f"  {name}: {problem}", err=True)
            sys.exit(1)
        except (EngineError, DefinitionError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except settings_module.SettingsError as exc:
            for line in str(exc).splitlines():
                click.echo(f"error: setting {line}", err=True)
            sys.exit(2)
        except (OperationalError, ProgrammingError) as exc:  # the database, not the command
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
            click.echo(f"error: the database refused: {reason}", err=True)
            if "no such table" in reason or "does not exist" in reason:
                click.echo("  its tables are missing: run `lienthong init-db` first", err=True)
            sys.exit(2)


@click.group(cls=CLIGroup)
def main() -> None:
    """Liên Thông: BPMN procedures for the one-stop shop (Bộ phận Một cửa)."""


def _instant(click_ctx: click.Context, param: click.Parameter, text: str | None
             ) -> datetime | None:
    tz = click_ctx.ensure_object(Context).settings["TIMEZONE"]
    return parse_instant(text, param.opts[0], tz)


def instant_option(name: str, help_text: str, required: bool = False) -> Any:
    """An ISO date-time option, read in LIENTHONG_TIMEZONE when it has no offset."""
    return click.option(name, metavar="ISO", callback=_instant, required=required,
                        help=help_text)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for machines.")
at_option = instant_option("--at", "Act at this instant (local time if no offset).")
now_option = instant_option("--now", "Act as if it were this instant.")


