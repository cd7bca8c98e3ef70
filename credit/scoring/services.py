"""Reassessment: the one way anything asks for assessments to be computed and stored.

A record's life cycle, an import, the nightly job, the list expiry sweep, the credit report on
demand, `credit assess` and the demo all call ``reassess``; the list, cases and inspection
features will too. The engine (``engine.py``) knows how to score; this says for whom, as of
when and why, and leaves that reason in the audit chain. Like every service it never commits.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlmodel import Session

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.loader import Catalog
from credit.clock import Clock
from credit.scoring.engine import recompute, recompute_changed

SCORING = Actor(None, "scoring")


def reassess(
    session: Session,
    clock: Clock,
    *,
    catalog: Catalog,
    subject_ids: Collection[int] | None,
    as_of: dt.date | None = None,
    reason: str,
    only_changed: bool = False,
) -> int:
    """Store the assessments as of ``as_of`` (default ``clock.today()``) of ``subject_ids``
    (None: every subject) and return how many subjects were assessed. Rows are stored by change
    (the engine writes one only where the result differs from the row in force).

    ``only_changed`` (with ``subject_ids=None``: the nightly run and ``credit assess``) recomputes
    only the subjects whose counted records can have changed since the last run, or everyone when
    another catalog version comes into force.

    ``reason`` says what prompted it (``"record 12 confirmed"``, ``"nightly"``); when any result
    changed it is written with the date, the subjects and the rows written as one
    ``assessment.reassess`` audit event in the caller's transaction. Raises NoCatalogInForce for
    a date before the first catalog version.
    """
    if subject_ids is not None and not subject_ids:
        return 0
    now = clock.now()
    as_of = clock.today() if as_of is None else as_of
    ids = None if subject_ids is None else sorted(set(subject_ids))
    if ids is None and only_changed:
        run = recompute_changed(session, catalog, as_of, now)
        count, written = run.subjects, run.written
    else:
        count, written = recompute(session, catalog, as_of, now, ids)
    if written:  # a result that did not change is no event (a report asked twice adds nothing to the chain)
        # After the long statement: on PostgreSQL the audit event takes the chain's lock until commit.
        record_event(session, actor=SCORING.name, action="assessment.reassess", object_type="assessment",
                     object_id=as_of.isoformat(), data={"reason": reason, "as_of": as_of, "subjects": count,
                                                        "written": written, "subject_ids": ids}, now=now)
    return count
