"""The scheduled jobs of DESIGN section 10 (Asia/Shanghai), as plain functions ``(session, now)``.

``now`` is the run's scheduled time, not the wall clock: a run caught up at 08:00 for 02:00, or
run by hand with ``--for``, does exactly what the 02:00 run would have done. Each returns a
one-line summary for the run history. They need an app context (catalog and settings).

Besides the recomputation, a job's work is whatever the packages connect to its signal
(``credit.signals``): notices issue their documents at 02:00, the list expires its entries at
03:00, and so on; the scheduler knows none of them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger
from blinker import NamedSignal
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from credit.clock import LOCAL_TZ, FixedClock, to_local
from credit.context import current
from credit.i18n import bilingual
from credit.scoring.services import reassess
from credit.signals import monthly_reports, nightly_notices, nightly_sweep, weekly_publication


def recompute_assessments(session: Session, now: dt.datetime) -> str:
    """Only the subjects whose counted records can have changed since the last run; rows only for changes."""
    today = to_local(now).date()
    written = reassess(session, FixedClock(now), catalog=current().catalog, subject_ids=None, as_of=today,
                       reason="nightly", only_changed=True)
    return bilingual(_l("recomputed %(count)d assessments as of %(date)s", count=written, date=today))


def _sending(signal: NamedSignal) -> Callable[[Session, dt.datetime], str]:
    """A job that runs the receivers of ``signal`` in its transaction; its summary lists theirs."""

    def run(session: Session, now: dt.datetime) -> str:
        summaries = sorted(bilingual(summary) for _receiver, summary in signal.send(session, now=now) if summary)
        return "; ".join(summaries) or bilingual(_l("nothing to do"))

    return run


@dataclass(frozen=True)
class Job:
    name: str
    title: LazyString
    schedule: LazyString  # what the cron fields say, for people
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
    Job("recompute_assessments", _l("Recompute credit assessments"), _l("daily 01:00"), {"hour": 1, "minute": 0},
        _DAY, recompute_assessments),
    Job("issue_notices", _l("Issue notices for new events"), _l("daily 02:00"), {"hour": 2, "minute": 0}, _DAY,
        _sending(nightly_notices)),
    Job("expiry_sweep", _l("Expiry and deadline sweep"), _l("daily 03:00"), {"hour": 3, "minute": 0}, _DAY,
        _sending(nightly_sweep)),
    Job("publish_list", _l("Publish a list version when decisions are pending"), _l("Mondays 09:00"),
        {"day_of_week": "mon", "hour": 9, "minute": 0}, _DAY, _sending(weekly_publication)),
    Job("monthly_report", _l("Monthly supervision report"), _l("1st of the month 06:00"),
        {"day": 1, "hour": 6, "minute": 0}, dt.timedelta(days=7), _sending(monthly_reports)),
)}
