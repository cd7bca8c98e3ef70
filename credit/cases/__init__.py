"""The Blue Sky campaign case log (“蓝天”专项整治行动案件台账). Its hooks into other packages
(``credit.signals``) are here; the receivers import what they use when called, so importing the
package (e.g. for its models) stays cheap and free of import cycles."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from credit.signals import (demo_loaded, home_sections, inspection_involvements, monthly_report_sections, nightly_sweep,
                            record_page_sections, subject_page_sections)


@nightly_sweep.connect
def _sweep(session, now: dt.datetime):
    from credit.audit.actor import SCHEDULER
    from credit.cases.services import leads_from_score, sweep_deadlines
    from credit.env import current_env

    # The sweep runs at 03:00, after the 01:00 recompute: the leads see that night's grades.
    leads = leads_from_score(session, current_env(), now, SCHEDULER)
    overdue, soon = sweep_deadlines(session, now)
    return _l("cases: %(leads)d leads from credit monitoring, %(overdue)d newly overdue, %(soon)d due within 3 days",
              leads=len(leads), overdue=overdue, soon=soon)


@home_sections.connect
def _home_section(user, session):
    from credit.accounts.authz import CASE_STEP, can
    from credit.cases.services import due_of, flagged_cases
    from credit.context import current
    from credit.web.sections import Section

    if not can(user, CASE_STEP):
        return None
    today = current().clock.today()
    cases = flagged_cases(session, today, limit=20)
    return Section("cases/_home_section.html", {"rows": [(c, due_of(c, today)) for c in cases]}, order=10)


@subject_page_sections.connect
def _subject_section(subject, session):
    from flask_login import current_user

    from credit.accounts.authz import CASE_VIEW, can
    from credit.cases.queries import cases_of_subject
    from credit.web.sections import Section

    if not can(current_user, CASE_VIEW):
        return None
    return Section("cases/_cases_section.html", {"cases": cases_of_subject(session, subject.id)}, order=20)


@record_page_sections.connect
def _record_section(record, session):
    """The record's way back to the case whose decision created it (the case page lists its records)."""
    from flask_login import current_user

    from credit.accounts.authz import CASE_VIEW, can
    from credit.cases.queries import cases_of_record
    from credit.web.sections import Section

    cases = cases_of_record(session, record.id) if can(current_user, CASE_VIEW) else []
    if not cases:
        return None
    return Section("cases/_cases_section.html", {"cases": cases, "heading": _l("Created by the Blue Sky case"),
                                                 "anchor": "record-cases"}, order=10)


@inspection_involvements.connect
def _case_handlers(session, inspector_ids: list[int], since: dt.date, until: dt.date):
    """Whoever handled a case of a subject is not sent to inspect it (issue 13)."""
    from credit.cases.queries import case_handlers

    return case_handlers(session, inspector_ids, since, until)


@monthly_report_sections.connect
def _report_section(session, first: dt.date, last: dt.date):
    from credit.cases.statistics import report_section

    return report_section(session, first, last)


@demo_loaded.connect
def _demo(session, catalog, now: dt.datetime, rng):
    from credit.cases.demo import load_demo_cases
    from credit.env import current_env

    count = load_demo_cases(session, current_env(), now, rng)
    return _l("%(count)d Blue Sky cases", count=count)
