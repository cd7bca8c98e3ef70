"""The list's own sweep: entries whose period is over are removed (a status change) and their
subjects re-graded. Connected to the nightly sweep in ``credit/listing/__init__.py``."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.loader import Catalog
from credit.clock import FixedClock, to_local
from credit.listing.models import ListEntry
from credit.scoring.services import reassess

EXPIRY_REASON = "列入期限已届满，依据《市场监督管理严重违法失信名单管理办法》移出名单并停止公示。"


def expire_entries(session: Session, catalog: Catalog, authority: str, actor: Actor, now: dt.datetime) -> int:
    """Remove the entries planned to end on or before ``now``'s day; returns how many.

    The only dated deadline stored today; case and objection deadlines connect their own sweeps.
    """
    today = to_local(now).date()
    entries = session.exec(
        select(ListEntry).where(ListEntry.status == "listed", ListEntry.planned_removal_on <= today)
        .order_by(ListEntry.id)
    ).all()
    for entry in entries:
        entry.status, entry.removed_on, entry.removal_authority = "removed", entry.planned_removal_on, authority
        entry.removal_reason = EXPIRY_REASON
        session.add(entry)
        record_event(session, actor=actor.name, action="list_entry.expire", object_type="list_entry",
                     object_id=entry.id, data={"subject_id": entry.subject_id, "removed_on": entry.removed_on}, now=now)
    reassess(session, FixedClock(now), catalog=catalog, subject_ids={e.subject_id for e in entries},
             reason="list entries expired")
    return len(entries)
