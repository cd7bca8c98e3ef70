"""Random inspection plans (双随机、一公开). Its hooks into other packages (``credit.signals``) are here."""
from __future__ import annotations

import datetime as dt

from credit.signals import (case_page_sections, demo_loaded, monthly_report_sections, record_page_sections,
                            subject_page_sections)

# The receivers import what they use when called: importing the package (e.g. for its models)
# stays cheap and free of import cycles.


@subject_page_sections.connect
def _conflict_section(subject, session):
    """An inspector declares a conflict of interest with the subject on its page."""
    from flask_login import current_user

    from credit.accounts.authz import INSPECTION_CONFLICT, can
    from credit.inspection.services import has_conflict
    from credit.web.sections import Section

    if not can(current_user, INSPECTION_CONFLICT, subject):
        return None
    return Section("inspection/_conflict_section.html",
                   {"subject": subject, "declared": has_conflict(session, current_user.id, subject.id)}, order=20)


def _found_section(session, **linked):
    from flask_login import current_user

    from credit.accounts.authz import INSPECTION_VIEW, can
    from credit.inspection.queries import checks_that_opened
    from credit.web.sections import Section

    rows = checks_that_opened(session, **linked) if can(current_user, INSPECTION_VIEW) else []
    return Section("inspection/_found_section.html", {"rows": rows}, order=5) if rows else None


@record_page_sections.connect
def _record_found(record, session):
    """A record a check's finding opened shows that check."""
    return _found_section(session, record_id=record.id)


@case_page_sections.connect
def _case_found(case, session):
    """A Blue Sky case opened from a check's finding shows the result it came from."""
    return _found_section(session, case_id=case.id)


@monthly_report_sections.connect
def _report_section(session, first: dt.date, last: dt.date):
    from credit.context import current
    from credit.inspection.report import report_section

    return report_section(session, current().catalog, first, last)


@demo_loaded.connect
def _demo(session, catalog, now, rng):
    from credit.inspection.demo import load_demo_plans

    return load_demo_plans(session, catalog, now, rng)
