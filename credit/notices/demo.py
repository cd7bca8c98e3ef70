"""A year of the notices the scheduled jobs would have issued, for the demo data.

The demo assesses everyone at the end of each of the last twelve months (``credit.demo``); here the
02:00 job runs the morning after each of those month-ends and the monthly report job at 06:00 on
each 1st, as of those times, through the jobs' own triggers. The first month-end is where the demo's
history begins: it is every subject's first assessment, and the job would tell each of them a
grade it had long held before (360 letters that say nothing new), so the grade changes are told
from the second month on. Today's changes are left to the scheduler: `make run` starts it, and
its start-up catch-up issues them.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from credit.catalog.loader import Catalog
from credit.clock import LOCAL_TZ, to_local
from credit.dates import Period
from credit.notices import triggers
from credit.notices.services import current_settings


def _at(day: dt.date, hour: int) -> dt.datetime:
    """A job's scheduled time (Huainan) as the runner passes it: UTC, as stored."""
    return dt.datetime.combine(day, dt.time(hour), LOCAL_TZ).astimezone(dt.timezone.utc)


def issue_demo_history(session: Session, catalog: Catalog, now: dt.datetime, months: int) -> str:
    settings = current_settings()
    history = Period.month(to_local(now).date()).offset(-1).last_n(months)
    grade_notices = reports = 0
    for index, month in enumerate(history):
        first = month.last + dt.timedelta(days=1)
        if index:
            grade_notices += triggers.issue_grade_change_notices(session, settings, _at(first, 2))
        triggers.issue_monthly_report(session, settings, catalog, _at(first, 6))
        reports += 1
    return _l("%(grades)d grade change notices and %(reports)d monthly reports of the past year",
              grades=grade_notices, reports=reports)
