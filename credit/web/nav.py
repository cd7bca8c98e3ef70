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
    ("subjects.index", _l("Subjects")),
    ("records.review", _l("Review queue")),
    ("notices.index", _l("Notices")),
    ("cases.index", _l("Blue Sky cases")),
    ("audit.events", _l("Audit log")),
    ("scheduler.index", _l("Scheduled jobs")),
    ("verify.lookup", _l("Verify a notice")),
]

SHORTCUTS = [
    ("subjects.index", _l("Search the subject registry")),
    ("subjects.new", _l("Register a subject")),
    ("records.review", _l("Review recorded violations")),
    ("audit.events", _l("Browse and verify the audit log")),
    ("notices.index", _l("Browse and download notices")),
    ("cases.new", _l("Register a Blue Sky lead")),
    ("cases.statistics", _l("Blue Sky campaign statistics")),
]


def nav_items(items: list = NAV) -> list[tuple[str, str, str]]:
    """(endpoint, url, label) of the items the current user may open."""
    return [(endpoint, url_for(endpoint), label) for endpoint, label in items
            if endpoint in current_app.view_functions and may_open(current_user, endpoint)]
