"""The navigation bar and the home page's shortcuts: each item is shown to whoever passes its
endpoint's access rule.

Add one line per page that belongs in the bar (NAV) or among the everyday tasks on the home page
(SHORTCUTS); an endpoint not (yet) registered is skipped.
"""
from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from credit.accounts.authz import may_open

NAV = [
    ("web.home", _l("Home")),
    ("portal.credit", _l("Our credit")),
    ("subjects.index", _l("Subjects")),
    ("records.review", _l("Review queue")),
    ("applications.review", _l("Objections, repairs and early removals")),
    ("notices.index", _l("Notices")),
    ("listing.queue", _l("List work queue")),
    ("listing.public_list", _l("Published dishonesty list")),
    ("cases.index", _l("Blue Sky cases")),
    ("audit.events", _l("Audit log")),
    ("users.index", _l("Users")),
    ("tokens.index", _l("API tokens")),
    ("scheduler.index", _l("Scheduled jobs")),
    ("inspection.index", _l("Inspection plans")),
    ("verify.lookup", _l("Verify a notice")),
    ("inspection.public_index", _l("Random inspections")),
    ("query.search", _l("Public credit query")),
]

SHORTCUTS = [
    ("subjects.index", _l("Search the subject registry")),
    ("subjects.new", _l("Register a subject")),
    ("records.review", _l("Review recorded violations")),
    ("applications.review", _l("Decide objections and repairs")),
    ("audit.events", _l("Browse and verify the audit log")),
    ("notices.index", _l("Browse and download notices")),
    ("inspection.index", _l("Draw, approve and publish random inspection plans")),
    ("listing.candidates", _l("Candidates for the serious-dishonesty list")),
    ("cases.new", _l("Register a Blue Sky lead")),
    ("cases.statistics", _l("Blue Sky campaign statistics")),
]


def nav_items(items: list = NAV) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) of the items the current user may open."""
    return [(endpoint, url_for(endpoint), label) for endpoint, label in items
            if endpoint in current_app.view_functions and may_open(current_user, endpoint)]
