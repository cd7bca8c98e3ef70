"""The hooks between packages, as named blinker signals (as Indico does).

A package that adds to another's page, job or report connects a receiver in its own
``__init__.py``; the package that owns the page, job or report sends the signal and uses what
the receivers return. Neither imports the other for it. ``credit.create_app`` imports every
package, so each receiver is connected before the first request, command or job.

Receivers run in no particular order and must not depend on each other.
"""
from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

subject_page_sections = _signals.signal("subject-page-sections", doc="""
Sent by the subject page with the subject as sender and ``session``. A receiver returns a
``credit.subjects.views.SubjectSection`` to show below the records, or None.
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

monthly_reports = _signals.signal("monthly-reports", doc="""
Sent by the job on the 1st of the month at 06:00, like ``nightly_notices``: a receiver issues its
report on the month before ``now`` and returns a one-line summary.
""")

monthly_report_sections = _signals.signal("monthly-report-sections", doc="""
Sent while the monthly supervision report is composed, with the session as sender and the
month's ``first`` and ``last`` days. A receiver returns a ``credit.notices.kinds.ReportSection``
(Chinese heading and blocks, shown after the report's own sections), or None.
""")
