"""The hooks between packages, as named blinker signals (as Indico does).

A package that adds to another's page, job or report connects a receiver in its own
``__init__.py``; the package that owns the page, job or report sends the signal and uses what
the receivers return. Neither imports the other for it. ``credit.create_app`` imports every
package, so each receiver is connected before the first request, command or job.

Receivers run in no particular order and must not depend on each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from blinker import Namespace

_signals = Namespace()

subject_page_sections = _signals.signal("subject-page-sections", doc="""
Sent by the subject page with the subject as sender and ``session``. A receiver returns a
``credit.web.sections.Section`` to show below the records, or None.
""")

record_page_sections = _signals.signal("record-page-sections", doc="""
Sent by the record page with the record as sender and ``session``, like ``subject_page_sections``
(e.g. the Blue Sky case whose decision created the record, the inspection that found it).
""")

case_page_sections = _signals.signal("case-page-sections", doc="""
Sent by the Blue Sky case page with the case as sender and ``session``, like
``subject_page_sections`` (e.g. the random inspection result the case came from).
""")

nightly_notices = _signals.signal("nightly-notices", doc="""
Sent by the 02:00 job (notices for new events) with the job's session as sender and ``now`` (the
scheduled time). A receiver issues its notices in that transaction and returns a one-line
summary (a lazy string) for the run history.
""")

nightly_sweep = _signals.signal("nightly-sweep", doc="""
Sent by the 03:00 job (expiry and deadline sweep), like ``nightly_notices``: a receiver ends
what has expired in that transaction and returns a one-line summary.
""")

weekly_publication = _signals.signal("weekly-publication", doc="""
Sent by the Monday 09:00 job, like ``nightly_notices``: the list package publishes a new version
when decisions are pending, and returns a one-line summary.
""")

monthly_reports = _signals.signal("monthly-reports", doc="""
Sent by the job on the 1st of the month at 06:00, like ``nightly_notices``: a receiver issues its
report on the month before ``now`` and returns a one-line summary.
""")

monthly_report_sections = _signals.signal("monthly-report-sections", doc="""
Sent while the monthly supervision report is composed, with the session as sender and the
month's ``first`` and ``last`` days. A receiver returns a ``credit.notices.kinds.ReportSection``
(Chinese heading and blocks, shown after the report's own sections), or None.
""")

home_sections = _signals.signal("home-sections", doc="""
Sent by the home page with the current user as sender and ``session``. A receiver returns a
``credit.web.sections.Section`` (template, context, order) for that user, or None (e.g. the
inspector's overdue cases, the reviewer's pending applications).
""")

demo_loaded = _signals.signal("demo-loaded", doc="""
Sent by ``credit demo`` after the base demo data (subjects, records, assessments, users) is in
the session, with the session as sender, ``catalog``, ``now`` and ``rng`` (a seeded
``random.Random``). A package adds its own demo data (cases, list entries, plans, notices) in
that transaction; it returns a one-line summary (a lazy string) or None.
""")

case_prior_notice = _signals.signal("case-prior-notice", doc="""
Sent by a Blue Sky case when its penalty prior notice (行政处罚告知书) is prepared, with the case
as sender and ``session``, ``now``, ``actor`` and ``proposals``: a list of
``credit.signals.ProposedPenalty`` (subject id, rule code, penalty kind, amount). A receiver
returns a list of Chinese paragraphs the notice must also state (e.g. the list package's
announcement of a proposed listing, with its facts, basis and the right to be heard), and may
open its own procedure linked to the case (``case_id=sender.id``).
""")

case_statement = _signals.signal("case-statement", doc="""
Sent by a Blue Sky case when the party's statement, defence or hearing request after the prior
notice is recorded, with the case as sender and ``session``, ``now``, ``actor`` and ``text``
(what the party said). A receiver records it on its own procedure opened at the prior notice
(the list package: the statement on the proposed listing, which the same notice announced).
""")

case_decided = _signals.signal("case-decided", doc="""
Sent by a Blue Sky case when its decision is made, with the case as sender and ``session``,
``now``, ``actor`` (the deciding officer) and ``records``: the draft records the decision
created (each with its penalty). A receiver acts on its own part of the decision (the list
package: the listing decision for a procedure opened at the prior notice) and returns a
one-line summary or None.
""")

grade_notice_activation = _signals.signal("grade-notice-activation", doc="""
Sent while a grade notice (信用等级告知书) is composed, with the session as sender and
``subject_id``, ``now`` and ``actor``. A receiver returns a ``credit.notices.kinds.Activation``
(an account activation code and its expiry, for a subject without a firm account) for the
notice to print, or None.
""")


@dataclass(frozen=True)
class ProposedPenalty:
    """What a case proposes against one party, before the decision (see ``case_prior_notice``)."""

    subject_id: int | None  # None: a party with no registration (it is never listed here)
    rule_code: str
    penalty_kind: str
    amount: Decimal | None

inspection_involvements = _signals.signal("inspection-involvements", doc="""
Sent by the random inspection draw with the session as sender, ``inspector_ids`` (the enabled
inspectors), ``since`` and ``until`` (dates). A receiver returns the (inspector id, subject id)
pairs where the inspector was involved with the subject in that time beyond the records the draw
reads itself (e.g. the cases package: handled a case of it), or None; such an inspector is never
sent to inspect that subject.
""")
