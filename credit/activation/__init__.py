"""Firm accounts opened with one-time activation codes. Its hooks into other packages (``credit.signals``) are here."""
from __future__ import annotations

import datetime as dt

from credit.signals import grade_notice_activation, subject_page_sections


@grade_notice_activation.connect
def _activation_for_notice(session, subject_id: int, now: dt.datetime, actor):
    # Imported when called: importing the package (e.g. for its models) stays cheap and acyclic.
    from credit.activation.services import has_firm_account, issue_code
    from credit.clock import to_local
    from credit.notices.kinds import Activation
    from credit.subjects.models import Subject

    if has_firm_account(session, subject_id):
        return None
    row, code = issue_code(session, session.get(Subject, subject_id), actor, now)
    return Activation(code, to_local(row.expires_at).date())


@subject_page_sections.connect
def _firm_accounts_section(subject, session):
    from flask_login import current_user

    from credit.activation.services import has_firm_account
    from credit.accounts.authz import ACTIVATION_ISSUE, can
    from credit.web.sections import Section

    if not can(current_user, ACTIVATION_ISSUE, subject):
        return None
    return Section("activation/_section.html",
                   {"subject": subject, "has_account": has_firm_account(session, subject.id)}, order=50)
