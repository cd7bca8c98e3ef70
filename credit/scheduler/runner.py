"""Running a job exactly once per scheduled time, and the scheduler process around it.

A run first claims its (job, scheduled time) by inserting a JobRun row and committing it; a
process that fails to insert it does nothing. The job's work and the run's "succeeded" are one
transaction; on an exception that transaction rolls back (notice files included), the traceback
is stored on the row, and a later run for the same time may take the failed claim over. The
runner owns these transactions: every session comes from the app's factory, and jobs never commit.

APScheduler only decides when to call; it runs in this process (``credit scheduler``), never in
web workers, with an in-memory job store (its stores cannot be shared between processes).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import sessionmaker
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.clock import to_local
from credit.context import current
from credit.db import session_scope
from credit.i18n import bilingual, chinese
from credit.scheduler.jobs import JOBS, Job
from credit.scheduler.models import JobRun

log = logging.getLogger("credit.scheduler")
OUTCOME_LABELS = {"succeeded": _l("done"), "failed": _l("FAILED"), "skipped": _l("skipped: claimed elsewhere")}


@dataclass
class Outcome:
    job: str
    scheduled_for: dt.datetime
    status: str  # succeeded | failed | skipped (another process claimed it)
    summary: str

    def describe(self) -> str:
        when = to_local(self.scheduled_for).strftime("%Y-%m-%d %H:%M")
        return f"{self.job} @ {when}: {bilingual(OUTCOME_LABELS[self.status])} {self.summary}".rstrip()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0)


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _died(claimed_by: str) -> bool:
    """Whether the process holding a claim is known to be gone (only checkable on this host)."""
    host, _, pid = claimed_by.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, owned by another user
        return False
    return False


def claim(sessions: sessionmaker[Session], job: str, scheduled_for: dt.datetime, trigger: str,
          now: dt.datetime) -> JobRun | None:
    """The claimed run row, or None when another run holds (or has completed) this time."""
    with sessions() as session:
        run = JobRun(job=job, scheduled_for=scheduled_for, trigger=trigger, claimed_by=_worker(), status="running",
                     started_at=now)
        session.add(run)
        try:
            session.commit()
            return run
        except sa.exc.IntegrityError:
            session.rollback()
        # A failed run may be retried, and so may a run whose process died without recording
        # anything (killed, out of memory); the conditional UPDATE lets only one retrier win.
        table = JobRun.__table__
        holder = session.exec(select(JobRun.claimed_by).where(
            JobRun.job == job, JobRun.scheduled_for == scheduled_for, JobRun.status == "running")).first()
        retryable = table.c.status == "failed"
        if holder is not None and _died(holder):
            retryable = sa.or_(retryable, sa.and_(table.c.status == "running", table.c.claimed_by == holder))
        taken = session.execute(
            table.update()
            .where(table.c.job == job, table.c.scheduled_for == scheduled_for, retryable)
            .values(status="running", trigger=trigger, claimed_by=_worker(), started_at=now, finished_at=None,
                    attempts=table.c.attempts + 1, traceback="", summary="")
        ).rowcount
        session.commit()
        if not taken:
            return None
        return session.exec(select(JobRun).where(JobRun.job == job, JobRun.scheduled_for == scheduled_for)).one()


def run_job(name: str, scheduled_for: dt.datetime, trigger: str = "manual") -> Outcome:
    """Claim and run one job for one scheduled time (inside an app context)."""
    job: Job = JOBS[name]
    ctx = current()
    scheduled_for = _utc(scheduled_for)
    run = claim(ctx.sessions, name, scheduled_for, trigger, ctx.clock.now())
    if run is None:
        return Outcome(name, scheduled_for, "skipped", "")
    try:
        with session_scope(ctx.sessions) as session:
            summary = job.run(session, scheduled_for)
            _finish(session, run.id, "succeeded", summary, "", ctx.clock.now())
        return Outcome(name, scheduled_for, "succeeded", summary)
    except Exception as exc:
        failure, message = traceback.format_exc(), f"{type(exc).__name__}: {exc}"[:500]
        log.error("job %s for %s failed:\n%s", name, scheduled_for, failure)
    with session_scope(ctx.sessions) as session:
        _finish(session, run.id, "failed", message, failure, ctx.clock.now())
    return Outcome(name, scheduled_for, "failed", message)


def _finish(session: Session, run_id: int, status: str, summary: str, failure: str, now: dt.datetime) -> None:
    table = JobRun.__table__
    session.execute(table.update().where(table.c.id == run_id)
                    .values(status=status, summary=summary, traceback=failure, finished_at=now))


def missed_runs(session: Session, now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """Each job's latest scheduled time within its grace period that has no run row, oldest first."""
    missed = []
    for job in JOBS.values():
        due = job.last_due(now)
        if due is not None and session.exec(
            select(JobRun.id).where(JobRun.job == job.name, JobRun.scheduled_for == _utc(due))
        ).first() is None:
            missed.append((job.name, due))
    return sorted(missed, key=lambda item: item[1])


def catch_up() -> list[Outcome]:
    """Run, once each, the runs missed while no scheduler was up (coalesced to the latest)."""
    ctx = current()
    with ctx.sessions() as session:
        missed = missed_runs(session, ctx.clock.now())
    return [run_job(name, due, "catch-up") for name, due in missed]


def history(session: Session, job: str | None = None, limit: int = 50) -> list[JobRun]:
    query = select(JobRun)
    if job:
        query = query.where(JobRun.job == job)
    return list(session.exec(query.order_by(JobRun.scheduled_for.desc(), JobRun.id.desc()).limit(limit)).all())


def _scheduled(app: Flask, name: str) -> None:
    with app.app_context():
        ctx = current()
        due = JOBS[name].last_due(ctx.clock.now())
        if due is not None:
            log.info(run_job(name, due, "schedule").describe())


def build_scheduler(app: Flask):
    from apscheduler.schedulers.blocking import BlockingScheduler

    from config import TIMEZONE

    scheduler = BlockingScheduler(timezone=TIMEZONE)
    for job in JOBS.values():
        # coalesce: runs missed while the process was busy or asleep become one run.
        scheduler.add_job(_scheduled, job.trigger(), args=[app, job.name], id=job.name, name=chinese(job.title),
                          misfire_grace_time=int(job.grace.total_seconds()), coalesce=True, max_instances=1)
    return scheduler
