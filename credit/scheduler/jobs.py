"""The scheduled jobs of DESIGN section 10 (Asia/Shanghai), as plain functions ``(session, now)``.

``now`` is the run's scheduled time, not the wall clock: a run caught up at 08:00 for 02:00, or
run by hand with ``--for``, does exactly what the 02:00 run would have done. Each returns a
one-line summary for the run history. They need an app context (catalog and settings).

Left out: "Mondays 09:00 publish a list version when decisions are pending". Nothing records
listing decisions or publishes list versions yet; the listing feature registers that job here
when it lands.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger
from sqlmodel import Session, select

from credit.audit.services import record_event
from credit.clock import LOCAL_TZ, to_local
from credit.context import current
from credit.listing.models import ListEntry
from credit.notices.services import current_settings
from credit.notices.triggers import (
    SCHEDULER, issue_grade_change_notices, issue_monthly_report, issue_removal_notices,
)
from credit.scoring.engine import recompute_changed, recompute_subject


def recompute_assessments(session: Session, now: dt.datetime) -> str:
    """Only the subjects whose counted records can have changed since the last run; rows only for changes."""
    today = to_local(now).date()
    run = recompute_changed(session, current().catalog, today, now)
    scope_zh, scope_en = ("全部", "every subject") if run.full else ("可能变化的", "the subjects that can have changed")
    return (f"已重算{scope_zh} {run.subjects} 个主体截至 {today} 的信用评价，保存变化 {run.written} 条 / recomputed "
            f"{scope_en} ({run.subjects}) as of {today}, {run.written} changed results stored")


def issue_notices(session: Session, now: dt.datetime) -> str:
    settings = current_settings()
    grades = issue_grade_change_notices(session, settings, now)
    removals = issue_removal_notices(session, settings, now)
    return (f"签发信用等级告知书 {grades} 份、移出决定书 {removals} 份 / "
            f"issued {grades} grade change notices and {removals} removal decisions")


def expiry_sweep(session: Session, now: dt.datetime) -> str:
    """List entries whose three years are over are removed (a status change) and their subjects re-graded.

    The only dated deadline stored today; case and objection deadlines join when those exist.
    """
    today = to_local(now).date()
    authority = current_settings().authority
    entries = session.exec(
        select(ListEntry).where(ListEntry.status == "listed", ListEntry.planned_removal_on <= today).order_by(ListEntry.id)
    ).all()
    for entry in entries:
        entry.status, entry.removed_on, entry.removal_authority = "removed", entry.planned_removal_on, authority
        entry.removal_reason = "列入期限（三年）已届满，依据《市场监督管理严重违法失信名单管理办法》移出名单并停止公示。"
        session.add(entry)
        record_event(session, actor=SCHEDULER.name, action="list_entry.expire", object_type="list_entry",
                     object_id=entry.id, data={"subject_id": entry.subject_id, "removed_on": entry.removed_on}, now=now)
    catalog = current().catalog
    for subject_id in sorted({e.subject_id for e in entries}):
        recompute_subject(session, catalog, subject_id, today, now)
    return f"到期移出名单 {len(entries)} 条 / {len(entries)} list entries expired"


def monthly_report(session: Session, now: dt.datetime) -> str:
    notice = issue_monthly_report(session, current_settings(), current().catalog, now)
    return f"月度报告 {notice.document_no} / monthly report {notice.document_no}"


@dataclass(frozen=True)
class Job:
    name: str
    title: str
    schedule: str  # what the cron fields say, for people
    cron: dict
    # How late a missed run may still be caught up (after downtime), once.
    grace: dt.timedelta
    run: Callable[[Session, dt.datetime], str]

    def trigger(self) -> CronTrigger:
        return CronTrigger(timezone=LOCAL_TZ, **self.cron)

    def due_times(self, after: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
        """Scheduled times in (after, until], in UTC."""
        trigger, times = self.trigger(), []
        fire = trigger.get_next_fire_time(None, after + dt.timedelta(seconds=1))
        while fire is not None and fire <= until:
            times.append(fire.astimezone(dt.timezone.utc))
            fire = trigger.get_next_fire_time(fire, fire + dt.timedelta(seconds=1))
        return times

    def last_due(self, now: dt.datetime) -> dt.datetime | None:
        """The latest scheduled time not after ``now`` that is still within the grace period."""
        times = self.due_times(now - self.grace, now)
        return times[-1] if times else None


_DAY = dt.timedelta(hours=23)  # a daily run is never caught up into the next day's slot
JOBS: dict[str, Job] = {job.name: job for job in (
    Job("recompute_assessments", "重算信用评价", "每日 01:00", {"hour": 1, "minute": 0}, _DAY, recompute_assessments),
    Job("issue_notices", "签发新事件的告知书", "每日 02:00", {"hour": 2, "minute": 0}, _DAY, issue_notices),
    Job("expiry_sweep", "到期与期限检查", "每日 03:00", {"hour": 3, "minute": 0}, _DAY, expiry_sweep),
    Job("monthly_report", "生成月度监管报告", "每月1日 06:00", {"day": 1, "hour": 6, "minute": 0},
        dt.timedelta(days=7), monthly_report),
)}
