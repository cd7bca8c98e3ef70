"""The serious-dishonesty list. Its hooks into other packages (``credit.signals``) are here.

The receivers import what they use when called: importing the package (e.g. for its models)
stays cheap and free of import cycles.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from credit.signals import case_decided, case_prior_notice, case_statement, demo_loaded, nightly_sweep, weekly_publication


@nightly_sweep.connect
def _expire_entries(session, now: dt.datetime):
    from credit.audit.actor import SCHEDULER
    from credit.listing.services import expire_entries
    from credit.listing.terms import current_terms

    count = expire_entries(session, current_terms(), SCHEDULER, now)
    return _l("%(count)d list entries expired", count=count)


@weekly_publication.connect
def _publish_pending(session, now: dt.datetime):
    from credit.audit.actor import SCHEDULER
    from credit.clock import to_local
    from credit.listing.publication import pending_decisions, publish
    from credit.listing.terms import current_terms

    if not pending_decisions(session):
        return _l("no list decisions pending: nothing published")
    version = publish(session, current_terms(), SCHEDULER, now, to_local(now).date())
    if version is None:
        return _l("no list decisions pending: nothing published")
    return _l("list version %(number)d published", number=version.number)


@case_prior_notice.connect
def _announce_listing(case, session, now: dt.datetime, actor, proposals):
    from credit.listing.procedure import announce_for_case
    from credit.listing.terms import current_terms

    return announce_for_case(session, current_terms(), case.id, proposals, actor, now)


@case_statement.connect
def _hear_listing(case, session, now: dt.datetime, actor, text):
    from credit.listing.procedure import hear_for_case

    return hear_for_case(session, case.id, text, actor, now)


@case_decided.connect
def _decide_listing(case, session, now: dt.datetime, actor, records):
    from credit.listing.procedure import decide_for_case
    from credit.listing.terms import current_terms

    decided, waiting = decide_for_case(session, current_terms(), case.id, records, actor, now)
    if not decided and not waiting:
        return None
    return _l("%(decided)d listings decided, %(waiting)d awaiting their decision", decided=decided, waiting=waiting)


@demo_loaded.connect
def _demo(session, catalog, now: dt.datetime, rng):
    from credit.listing.demo import load_demo

    return load_demo(session, catalog, now, rng)
