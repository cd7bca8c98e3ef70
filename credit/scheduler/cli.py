"""`credit scheduler` (the scheduler process) and `credit jobs list|run|history`."""
from __future__ import annotations

import datetime as dt
import json
import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from credit.clock import LOCAL_TZ, to_local
from credit.context import current, db
from credit.notices.services import public_base_url_warning
from credit.scheduler.jobs import JOBS
from credit.scheduler.runner import build_scheduler, catch_up, history, run_job


def _local(moment: dt.datetime | None) -> str:
    return to_local(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """定时任务进程 / run the scheduler process (one per deployment, beside the web app)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    if warning := public_base_url_warning(current_app.config):
        click.echo(warning, err=True)
    click.echo("定时任务进程已启动（Asia/Shanghai）/ scheduler started")
    for outcome in catch_up():
        click.echo(f"补运行 / caught up: {outcome.describe()}")
    scheduler = build_scheduler(current_app._get_current_object())
    for job in JOBS.values():
        click.echo(f"  {job.name:<22} {job.schedule:<14} {job.title}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo("定时任务进程已停止 / scheduler stopped")


@click.group("jobs")
def jobs_group() -> None:
    """定时任务 / scheduled jobs: list, run by hand, history."""


@jobs_group.command("list")
@with_appcontext
def list_jobs() -> None:
    now = current().clock.now()
    click.echo(f"{'任务 job':<24}{'计划 schedule':<16}{'下次运行 next run':<22}{'上次 last run'}")
    for job in JOBS.values():
        upcoming = job.trigger().get_next_fire_time(None, now)
        last = history(db(), job.name, 1)
        last_text = f"{_local(last[0].scheduled_for)} {last[0].status}" if last else "—"
        click.echo(f"{job.name:<24}{job.schedule:<16}{_local(upcoming):<22}{last_text}")


def _parse_moment(_ctx, _param, value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("请使用 YYYY-MM-DD HH:MM 格式 / use YYYY-MM-DD HH:MM")
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
        raise click.BadParameter("计划时间不能晚于当前时间 / the time cannot be in the future", param_hint="--for")
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
    click.echo(f"{'计划时间 scheduled':<21}{'任务 job':<24}{'状态 status':<12}{'方式 trigger':<12}{'摘要 summary'}")
    for r in runs:
        click.echo(f"{_local(r.scheduled_for):<21}{r.job:<24}{r.status:<12}{r.trigger:<12}{r.summary}")
