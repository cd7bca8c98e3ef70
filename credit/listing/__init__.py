"""The serious-dishonesty list. Its hooks into other packages (``credit.signals``) are here."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from credit.signals import nightly_sweep


@nightly_sweep.connect
def _expire_entries(session, now: dt.datetime):
    # Imported when called: importing the package (e.g. for its models) stays cheap and acyclic.
    from flask import current_app

    from credit.audit.actor import SCHEDULER
    from credit.context import current
    from credit.listing.services import expire_entries

    count = expire_entries(session, current().catalog, current_app.config["AUTHORITY_NAME"], SCHEDULER, now)
    return _l("%(count)d list entries expired", count=count)
