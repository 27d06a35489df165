"""The engine's core commands: database, deployment, dossiers, tasks, timers, serving."""

from __future__ import annotations

import sys
import time as clock_time
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from engine.calendar import limit_parser
from engine.definitions import (
    ProcedureView,
    deploy_files,
    deployed_definitions,
    list_catalog,
    read_paths,
    unverified_limits,
)
from engine.dossiers import tick
from engine.org import seed_departments
from engine.queries import list_tasks, resolve_task_id, show_dossier
from engine.runtime import CHANNELS, claim, complete, send_back, start, unclaim
from engine.storage import upgrade
from engine.vocabulary import TaskStatus
from web.cli.common import (
    OUTCOME,
    Context,
    at_option,
    emit_json,
    json_option,
    main,
    now_option,
    parse_json_option,
    pass_ctx,
    print_list,
)
from web.mail import smtp_sender
from web.settings import secret_key_problem


@main.command("init-db")
@pass_ctx
def init_db(ctx: Context) -> None:
    """Create or upgrade the database schema and add reference data."""
    upgrade(ctx.services.db)
    with ctx.services.transaction() as session:
        added = seed_departments(session)
    click.echo(f"database ready ({ctx.services.db.url.render_as_string(hide_password=True)}), "
               f"{added} departments added")


@main.command("deploy")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--user", default="system", show_default=True, help="Who deploys.")
@json_option
@pass_ctx
def deploy_cmd(ctx: Context, paths: tuple[Path, ...], user: str, as_json: bool) -> None:
    """Check and store new versions of .bpmn diagrams and .toml catalog entries
    (files or folders). Nothing is stored if any file is refused."""
    services = ctx.services
    files = read_paths(list(paths))
    with services.transaction() as session:
        cal = services.runtime.calendar(session, ctx.settings["DEFAULT_UNIT"])
        results, catalog = deploy_files(session, files, user=user,
                                        at=services.runtime.clock.now(),
                                        limit_parser=limit_parser(cal))
    if as_json:
        emit_json({"diagrams": results, "catalog": catalog})
        return
    for r in results:
        state = "new version" if r.created else "unchanged"
        click.echo(f"{r.key} v{r.version} ({state}) from {r.source}")
    for r in catalog:
        state = "new version" if r.created else "unchanged"
        click.echo(f"catalog {r.key} v{r.version} ({state}) from {r.source}")


@main.command("definitions")
@json_option
@pass_ctx
def definitions_cmd(ctx: Context, as_json: bool) -> None:
    """List deployed procedures (newest version of each)."""
    with ctx.services.transaction() as session:
        rows = deployed_definitions(session)
    print_list(rows, as_json, lambda r: (
        f"{r.key} v{r.version}  {r.name}  time limit {r.time_limit or '-'}"
        f"  deployed {ctx.local(r.deployed_at)} by {r.deployed_by}"),
        empty="no procedures deployed yet: run `lienthong deploy workflows`")


@main.command("catalog")
@click.option("--unverified", is_flag=True,
              help="List the limits no legal text confirmed: procedure, limit, value, why.")
@json_option
@pass_ctx
def catalog_cmd(ctx: Context, unverified: bool, as_json: bool) -> None:
    """The procedure catalog (newest version of each entry)."""
    with ctx.services.transaction() as session:
        entries = list_catalog(session)
    if unverified:
        print_list(unverified_limits(entries), as_json, lambda u: (
            f"{u.code}  {u.procedure}  {u.limit} = {u.value}  unverified: {u.reason}"),
            empty="every limit of the catalog cites its source")
        return
    print_list(entries, as_json, _catalog_line,
               empty="the catalog is empty: run `lienthong deploy workflows`")


def _catalog_line(e: ProcedureView) -> str:
    verification = f" ({e.verification_time_limit} with verification)" \
        if e.verification_time_limit else ""
    cutoff = f", cut-off {e.cutoff}" if e.cutoff else ""
    return (f"{e.code} v{e.version}  {e.name}  [{e.field_of_work}]  time limit "
            f"{e.time_limit}{verification}{cutoff}  process {e.process_key}")


@main.command("start")
@click.argument("key")
@click.option("--unit", help="Unit code receiving the dossier (default: DEFAULT_UNIT).")
@click.option("--data", "data_text", metavar="JSON", help="Process data, a JSON object.")
@click.option("--applicant", "applicant_text", metavar="JSON",
              help="Applicant, a JSON object (name, address, phone ...).")
@click.option("--channel", type=click.Choice([c.value for c in CHANNELS]),
              default="in_person", show_default=True)
@click.option("--user", default=None, help="Receiving officer.")
@click.option("--document", "documents", multiple=True,
              help="A document received (repeat the option for each).")
@click.option("--verification", is_flag=True,
              help="The dossier needs verification: the longer statutory limit applies.")
@at_option
@json_option
@pass_ctx
def start_cmd(ctx: Context, key: str, unit: str | None, data_text: str | None,
              applicant_text: str | None, channel: str, user: str | None,
              documents: tuple[str, ...], verification: bool,
              at: datetime | None, as_json: bool) -> None:
    """Receive a dossier of procedure KEY (process key or national code); prints its
    code and appointment."""
    data = parse_json_option(data_text, "--data")
    applicant = parse_json_option(applicant_text, "--applicant")
    with ctx.services.transaction() as session:
        dossier = start(
            session, ctx.services.runtime, key, unit=unit or ctx.settings["DEFAULT_UNIT"],
            applicant=applicant, data=data, channel=channel, actor=user, at=at,
            documents=documents, verification=verification)
        view = show_dossier(session, dossier.code)
    if as_json:
        emit_json(view)
        return
    click.echo(f"dossier {view.code} received {ctx.local(view.received_at)}, "
               f"counting from {ctx.local(view.counting_from)}, "
               f"appointment {ctx.local(view.appointment_at)}")
    _ready_steps(ctx, view.steps)


def _ready_steps(ctx: Context, steps: Any) -> None:
    for task in steps:
        if task.status == TaskStatus.READY:
            click.echo(f"  ready: {task.id}  {task.name} [{task.department}] "
                       f"due {ctx.local(task.due_at)}")


@main.command("tasks")
@click.option("--department", help="Only this department's tasks.")
@click.option("--unit", help="Only this unit's dossiers.")
@json_option
@pass_ctx
def tasks_cmd(ctx: Context, department: str | None, unit: str | None, as_json: bool) -> None:
    """List ready tasks, soonest due first."""
    with ctx.services.transaction() as session:
        tasks = list_tasks(session, department=department, unit=unit)
    print_list(tasks, as_json, lambda t: (
        f"{t.id}  {t.dossier_code}  {t.name} [{t.department}] due {ctx.local(t.due_at)}"
        + (f" claimed by {t.claimed_by}" if t.claimed_by else "")), empty="no ready tasks")


def _task_command(name: str, action: Any, done: str, help_text: str) -> None:
    @main.command(name, help=help_text)
    @click.argument("task")
    @click.option("--user", required=True, help="Who acts.")
    @at_option
    @json_option
    @pass_ctx
    def command(ctx: Context, task: str, user: str, at: datetime | None, as_json: bool) -> None:
        with ctx.services.transaction() as session:
            task_id = resolve_task_id(session, task)
            ref = action(session, ctx.services.runtime, task_id, user=user, at=at)
        if as_json:
            emit_json({"task": ref.id, "status": ref.status, "claimed_by": ref.claimed_by})
        else:
            click.echo(f"task {ref.id} {done} by {user}")


_task_command("claim", claim, "claimed", "Claim a ready task (unique id prefix accepted).")
_task_command("unclaim", unclaim, "unclaimed",
              "Give a claimed task back to the department's queue.")


@main.command("send-back")
@click.argument("task")
@click.option("--user", required=True, help="Who sends it back.")
@click.option("--reason", required=True, help="Why the previous step must be done again.")
@at_option
@pass_ctx
def send_back_cmd(ctx: Context, task: str, user: str, reason: str, at: datetime | None) -> None:
    """Send a ready task back to the step before it, which is re-opened."""
    with ctx.services.transaction() as session:
        task_id = resolve_task_id(session, task)
        ref = send_back(session, ctx.services.runtime, task_id, user=user, reason=reason,
                        at=at)
    click.echo(f"step {ref.name} re-opened as task {ref.id} [{ref.department}]")


@main.command("complete")
@click.argument("task")
@click.option("--user", required=True, help="Who completes the task.")
@click.option("--data", "data_text", metavar="JSON", help="The task's fields, a JSON object.")
@at_option
@json_option
@pass_ctx
def complete_cmd(ctx: Context, task: str, user: str, data_text: str | None,
                 at: datetime | None, as_json: bool) -> None:
    """Complete a task with its fields; the dossier runs on to its next step."""
    data = parse_json_option(data_text, "--data")
    with ctx.services.transaction() as session:
        task_id = resolve_task_id(session, task)
        ref = complete(session, ctx.services.runtime, task_id, user=user, data=data, at=at)
        view = show_dossier(session, ref.dossier_code)
    if as_json:
        emit_json(view)
        return
    done = next(s for s in view.steps if s.id == task_id)
    click.echo(f"task {done.name} completed {ctx.local(done.completed_at)}: "
               f"{OUTCOME[done.outcome]}; dossier {view.code} is {view.status}")
    _ready_steps(ctx, view.steps)


@main.command("show")
@click.argument("code")
@json_option
@pass_ctx
def show_cmd(ctx: Context, code: str, as_json: bool) -> None:
    """A dossier: status, appointment, steps with due times and outcomes, handovers."""
    with ctx.services.transaction() as session:
        view = show_dossier(session, code)
    if as_json:
        emit_json(view)
        return
    click.echo(f"Dossier {view.code}: {view.process_name} ({view.process_key} "
               f"v{view.definition_version}), unit {view.unit}, channel {view.channel}")
    click.echo(f"  status {view.status}; received {ctx.local(view.received_at)}; counting from "
               f"{ctx.local(view.counting_from)}; appointment {ctx.local(view.appointment_at)}"
               + (f"; completed {ctx.local(view.completed_at)}: {OUTCOME[view.outcome]}"
                  if view.completed_at else ""))
    click.echo("Steps:")
    for t in view.steps:
        who = f" by {t.completed_by}" if t.completed_by else ""
        click.echo(f"  {t.name} [{t.department}] ready {ctx.local(t.ready_at)}, due "
                   f"{ctx.local(t.due_at)}, {t.status} {ctx.local(t.completed_at)}{who}: "
                   f"{OUTCOME[t.outcome]}")
    click.echo("Control slip (handovers):")
    for h in view.handovers:
        source = f" from dossier {h.source_dossier}" if h.source_dossier else ""
        click.echo(f"  {h.from_department or 'start'} -> {h.to_department}{source}: handed "
                   f"{ctx.local(h.handed_at)} by {h.giver or '-'}, received "
                   f"{ctx.local(h.received_at)} by {h.receiver or '-'}; due "
                   f"{ctx.local(h.due_at)}; {OUTCOME[h.outcome]}")
    for link in view.links:
        click.echo(f"Linked: {link.code} ({link.process_key}) {link.relation}, {link.status}")


@main.command("tick")
@now_option
@json_option
@pass_ctx
def tick_cmd(ctx: Context, now: datetime | None, as_json: bool) -> None:
    """Fire due BPMN timers and deliver pending messages once."""
    result = tick(ctx.services.transaction, ctx.services.runtime, now,
                  send=smtp_sender(ctx.settings))
    if as_json:
        emit_json(result)
        return
    click.echo(f"tick at {ctx.local(result.at)}: {len(result.fired)} dossiers with timers "
               f"fired, {result.messages_delivered} messages delivered, "
               f"{len(result.refused)} refused for want of a supplement, "
               f"{len(result.at_risk)} flagged as at risk of being late, "
               f"{result.notified} notifications, {result.mailed} e-mailed, "
               f"{result.compacted} rows of day counts merged")
    for failure in result.failed:
        click.echo(f"  dossier {failure.dossier} failed: {failure.error}", err=True)


@main.command("worker")
@click.option("--interval", type=float, help="Seconds between ticks (default: WORKER_INTERVAL).")
@click.option("--ticks", type=int, default=0, help="Stop after this many ticks (0: never).")
@pass_ctx
def worker_cmd(ctx: Context, interval: float | None, ticks: int) -> None:
    """Tick forever (or --ticks times), sleeping --interval seconds between ticks. Any
    number of workers may run on one database (each piece of due work is done once); a
    tick that fails (the database away, say) is reported and the next one tries again."""
    pause = interval if interval is not None else float(ctx.settings["WORKER_INTERVAL"])
    done = 0
    while True:
        try:
            result = tick(ctx.services.transaction, ctx.services.runtime,
                          send=smtp_sender(ctx.settings))
        except Exception as exc:  # noqa: BLE001 - a worker outlives any one tick
            reason = str(exc).partition("\n")[0]
            click.echo(f"tick failed: {type(exc).__name__}: {reason}", err=True)
        else:
            click.echo(f"tick {ctx.local(result.at)}: {len(result.fired)} fired, "
                       f"{result.messages_delivered} delivered, {len(result.refused)} "
                       f"refused, {len(result.at_risk)} at risk, {result.notified} "
                       f"notified, {result.mailed} mailed, {len(result.failed)} "
                       "left for the next tick", err=True)
        done += 1
        if ticks and done >= ticks:
            break
        clock_time.sleep(pause)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--dev", is_flag=True,
              help="Flask's development server (one process, reloads nothing, never on a "
                   "network); runs without LIENTHONG_SECRET_KEY.")
@pass_ctx
def serve_cmd(ctx: Context, host: str, port: int, dev: bool) -> None:
    """Serve the web application: the production server (gunicorn), configured by the
    LIENTHONG_WORKERS, _THREADS, _WORKER_TIMEOUT, ... settings (docs/deployment.md)."""
    if dev:
        from web.app import create_app

        click.echo(f"Liên Thông (development server) at http://{host}:{port}/")
        create_app().run(host=host, port=port)
        return
    problem = secret_key_problem(ctx.settings["SECRET_KEY"])
    if problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    from web.server import serve

    click.echo(f"Liên Thông at http://{host}:{port}/ ({ctx.settings['WORKERS']} processes "
               f"of {ctx.settings['THREADS']} threads)")
    serve(ctx.settings, host, port)
