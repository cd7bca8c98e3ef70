"""`credit scheduler` (the scheduler process) and `credit jobs list|run|history`."""
from __future__ import annotations

import datetime as dt
import json
import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from credit.clock import LOCAL_TZ, fixed_clock_warning, to_local
from credit.context import current, db
from credit.i18n import bilingual, chinese
from credit.notices.services import public_base_url_warning
from credit.scheduler.jobs import JOBS
from credit.scheduler.runner import build_scheduler, catch_up, history, run_job


def _local(moment: dt.datetime | None) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _columns(*titles: tuple) -> str:
    """A table's header line: each (label, width) in both languages, padded to its width."""
    return "".join(f"{bilingual(label):<{width}}" for label, width in titles).rstrip()


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """定时任务进程 / run the scheduler process.

    One per deployment, beside the web application: it runs each job once per scheduled time and, on
    start, catches up a run missed within its grace period.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    for warning in (public_base_url_warning(current_app.config), fixed_clock_warning(current_app.config.get("CLOCK_AT"))):
        if warning:
            click.echo(warning, err=True)
    click.echo(bilingual(_l("scheduler started (Asia/Shanghai)")))
    for outcome in catch_up():
        click.echo(bilingual(_l("caught up: %(outcome)s", outcome=outcome.describe())))
    scheduler = build_scheduler(current_app._get_current_object())
    for job in JOBS.values():
        click.echo(f"  {job.name:<22} {chinese(job.schedule):<14} {chinese(job.title)}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo(bilingual(_l("scheduler stopped")))


@click.group("jobs")
def jobs_group() -> None:
    """定时任务 / scheduled jobs: list, run by hand, history."""


@jobs_group.command("list")
@with_appcontext
def list_jobs() -> None:
    now = current().clock.now()
    click.echo(_columns((_l("Job"), 24), (_l("Schedule"), 16), (_l("Next run"), 22), (_l("Last run"), 0)))
    for job in JOBS.values():
        upcoming = job.trigger().get_next_fire_time(None, now)
        last = history(db(), job.name, 1)
        last_text = f"{_local(last[0].scheduled_for)} {last[0].status}" if last else "—"
        click.echo(f"{job.name:<24}{chinese(job.schedule):<16}{_local(upcoming):<22}{last_text}")


def _parse_moment(_ctx, _param, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(bilingual(_l("use the format YYYY-MM-DD HH:MM"))) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TZ)


@jobs_group.command("run")
@click.argument("name", type=click.Choice(list(JOBS)))
@click.option("--for", "moment", callback=_parse_moment,
              help="计划时间（北京时间）/ the scheduled time it runs as, Asia/Shanghai, e.g. '2026-11-26 02:00'; default now")
@with_appcontext
def run_command(name: str, moment: dt.datetime | None) -> None:
    """Run one job as of a scheduled time, unless a run for that time already happened."""
    now = current().clock.now()
    moment = moment or now
    if moment > now:
        raise click.BadParameter(bilingual(_l("the scheduled time cannot be in the future")), param_hint="--for")
    outcome = run_job(name, moment, "manual")
    click.echo(outcome.describe())
    if outcome.status == "failed":
        raise SystemExit(1)


@jobs_group.command("history")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--job", type=click.Choice(list(JOBS)))
@click.option("--limit", type=int, default=50, show_default=True)
@with_appcontext
def history_command(fmt: str, job: str | None, limit: int) -> None:
    runs = history(db(), job, limit)
    if fmt == "json":
        click.echo(json.dumps([{
            "job": r.job, "scheduled_for": _local(r.scheduled_for), "trigger": r.trigger, "status": r.status,
            "attempts": r.attempts, "claimed_by": r.claimed_by, "started_at": _local(r.started_at),
            "finished_at": _local(r.finished_at), "summary": r.summary, "traceback": r.traceback,
        } for r in runs], ensure_ascii=False, indent=2))
        return
    click.echo(_columns((_l("Scheduled for"), 21), (_l("Job"), 24), (_l("Status"), 12), (_l("Trigger"), 12),
                        (_l("Summary"), 0)))
    for r in runs:
        click.echo(f"{_local(r.scheduled_for):<21}{r.job:<24}{r.status:<12}{r.trigger:<12}{r.summary}")
