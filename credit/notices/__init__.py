"""Notices and reports (DESIGN section 9). Its hooks into other packages (``credit.signals``) are here."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from credit.signals import demo_loaded, monthly_reports, nightly_notices, subject_page_sections

# The receivers import what they use when called: importing the package (e.g. for its models)
# stays cheap and free of import cycles.


@subject_page_sections.connect
def _subject_section(subject, session):
    from credit.notices.services import NoticeFilter, search
    from credit.web.sections import Section

    page = search(session, NoticeFilter(subject_id=subject.id), 1, 10)
    return Section("notices/_subject_section.html",
                          {"notices": page.items, "total": page.total, "subject": subject})


@nightly_notices.connect
def _issue_event_notices(session, now: dt.datetime):
    from credit.notices import triggers
    from credit.notices.services import current_settings

    settings = current_settings()
    grades = triggers.issue_grade_change_notices(session, settings, now)
    removals = triggers.issue_removal_notices(session, settings, now)
    return _l("issued %(grades)d grade change notices and %(removals)d removal decisions",
              grades=grades, removals=removals)


@monthly_reports.connect
def _issue_monthly_report(session, now: dt.datetime):
    from credit.context import current
    from credit.notices import triggers
    from credit.notices.services import current_settings

    notice = triggers.issue_monthly_report(session, current_settings(), current().catalog, now)
    return _l("monthly report %(number)s", number=notice.document_no)


@demo_loaded.connect
def _issue_demo_history(session, catalog, now: dt.datetime, rng):
    from credit.demo import HISTORY_MONTHS
    from credit.notices.demo import issue_demo_history

    return issue_demo_history(session, catalog, now, HISTORY_MONTHS)
