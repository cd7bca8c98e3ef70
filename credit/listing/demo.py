"""Demo data of the list: penalties on the demo records (a few of each kind), listings at each
step of the procedure, and one published version."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.accounts.services import find_user
from credit.audit.actor import Actor
from credit.catalog.loader import Catalog
from credit.clock import to_local
from credit.listing import procedure as steps
from credit.listing.candidates import candidates
from credit.listing.models import ListingProcedure
from credit.listing.publication import publish
from credit.listing.terms import current_terms
from credit.records.models import COUNTING_STATUSES, Record

# The heavier penalty each serious type's decision imposes in the demo (or a large fine).
SERIOUS_PENALTIES = {
    "PA-STOP-NEW": ("stop_new_business", None),
    "PA-REVOKED": ("licence_revoked", None),
    "PA-CRIMINAL": ("practice_restricted", None),
    "TA-SUSPENDED": ("business_restricted", None),
    "ANY-REFUSE-EXECUTION": ("qualification_lowered", None),
}
LIGHT_PENALTIES = ("warning", "fine", "confiscation")


def _penalty(record: Record, catalog: Catalog, rng: random.Random) -> tuple[str, Decimal | None]:
    rule = catalog.any_rule(record.rule_code)
    if rule is not None and rule.serious:
        if record.rule_code in SERIOUS_PENALTIES:
            return SERIOUS_PENALTIES[record.rule_code]
        if rng.random() < 0.2:
            return "closure", None
        return "fine", Decimal(rng.choice((20000, 60000, 80000, 100000, 150000)))
    if "罚" not in record.document_no:
        return "none", None
    kind = rng.choice(LIGHT_PENALTIES)
    return kind, Decimal(rng.randrange(5, 45) * 1000) if kind in ("fine", "confiscation") else None


def load_demo(session: Session, catalog: Catalog, now: dt.datetime, rng: random.Random):
    records = session.exec(select(Record).order_by(Record.id)).all()
    updates = []
    for record in records:
        if record.penalty_kind is None and record.rule_code not in ("ANY-HONOUR", "ANY-DEMONSTRATION"):
            kind, amount = _penalty(record, catalog, rng)
            updates.append({"id": record.id, "penalty_kind": kind, "penalty_amount": amount})
    if updates:
        session.execute(sa.update(Record), updates)
    session.expire_all()
    terms = current_terms()
    inspector, reviewer = find_user(session, "inspector1"), find_user(session, "reviewer1")
    # Already loaded: a procedure of its own (the Blue Sky cases' demo opens procedures through its cases).
    own = session.exec(select(ListingProcedure).where(ListingProcedure.case_id.is_(None)).limit(1)).first()
    if inspector is None or reviewer is None or own is not None:
        return _l("list demo: penalties on %(count)d records", count=len(updates))
    proposer, decider = Actor.of(inspector), Actor.of(reviewer)
    today = to_local(now).date()
    listable = [c for c in candidates(session, terms, today) if c.kind == "listable"
                and c.record.status in COUNTING_STATUSES]
    # Two listings decided a month ago and published; the others wait at each step; the rest stay
    # candidates (for trying the procedure out).
    month_ago = now - dt.timedelta(days=30)
    plan = ["published", "published", "consented", "notified", "proposed"]
    published = 0
    for candidate, stage in zip(listable, plan):
        procedure = steps.propose(session, terms, candidate.record.id, "", proposer, month_ago)
        if stage == "proposed":
            continue
        served = month_ago if stage != "notified" else now - dt.timedelta(days=1)
        steps.serve(session, terms, procedure, to_local(served).date(), proposer, served)
        if stage == "notified":
            continue
        steps.record_consent(session, procedure, to_local(month_ago).date() + dt.timedelta(days=10),
                             "皖市监函〔2026〕8号", decider, month_ago + dt.timedelta(days=10))
        if stage == "published":
            steps.decide(session, terms, procedure, decider, month_ago + dt.timedelta(days=14))
            published += 1
    if published:
        publish(session, terms, Actor(None, "demo"), now, today)
    return _l("list demo: penalties on %(count)d records, %(listed)d listings published",
              count=len(updates), listed=published)
