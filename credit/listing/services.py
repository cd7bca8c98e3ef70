"""Leaving the list: the expiry sweep (connected to the nightly sweep in ``__init__.py``), and the
list's side of the applications about an entry (``credit.applications``: an objection, early
removal): their gates and the removal a granted one makes. Removal is a status change; the grade
follows when it is published."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import FixedClock, to_local
from credit.dates import add_years
from credit.errors import Conflict, InvalidInput, NotAllowed, NotYet
from credit.listing.grounds import ListingRules
from credit.listing.models import ListEntry
from credit.listing.publication import publish_version
from credit.listing.terms import Terms
from credit.notices.kinds import RemovalDecision
from credit.notices.layout import chinese_date
from credit.notices.models import Notice
from credit.notices.services import issue
from credit.notices.triggers import removal_key, subject_info
from credit.records.models import COUNTING_STATUSES, Record
from credit.scoring.services import reassess
from credit.subjects.models import Subject

EXPIRY_REASON = "列入期限已届满，依据《市场监督管理严重违法失信名单管理办法》移出名单并停止公示。"
EARLY_REASON = "你单位已履行行政处罚义务，消除不良影响，未再受到较重行政处罚，并作出信用承诺，符合提前移出条件。"
OBJECTION_REASON = "经审核，当事人对列入提出的异议成立，撤销列入，依据《市场监督管理严重违法失信名单管理办法》移出名单并停止公示。"


def expire_entries(session: Session, terms: Terms, actor: Actor, now: dt.datetime) -> int:
    """Remove the entries planned to end on or before ``now``'s day and publish at once, so that
    publication stops (Order 44 allows 30 days; the sweep takes none); returns how many."""
    today = to_local(now).date()
    entries = session.exec(
        select(ListEntry).where(ListEntry.status == "listed", ListEntry.planned_removal_on <= today)
        .order_by(ListEntry.id)
    ).all()
    for entry in entries:
        entry.status, entry.removed_on, entry.removal_reason = "removed", entry.planned_removal_on, EXPIRY_REASON
        # An entry decided elsewhere ends by its own authority's term.
        entry.removal_authority = terms.authority if entry.source == "local" else entry.authority
        session.add(entry)
        record_event(session, actor=actor.name, action="list_entry.expire", object_type="list_entry",
                     object_id=entry.id, data={"subject_id": entry.subject_id, "removed_on": entry.removed_on}, now=now)
    if not entries:
        return 0
    session.flush()
    publication = publish_version(session, terms, actor, now, today)
    reassess(session, FixedClock(now), catalog=terms.catalog,
             subject_ids={e.subject_id for e in entries} | publication.subject_ids, reason="list entries expired")
    return len(entries)


def open_to_applications(entry: ListEntry) -> None:
    """An objection or an early removal concerns an entry on the list that this bureau decided."""
    if entry.status != "listed":
        raise NotAllowed("该条目已移出名单", "the entry is no longer on the list")
    if entry.source != "local":
        raise NotAllowed(f"该条目由{entry.authority}决定，请向该机关提出",
                         f"the entry was decided by {entry.authority}: apply there")


def early_removal_opens_on(rules: ListingRules, entry: ListEntry) -> dt.date:
    """The first day early removal may be applied for: a year after the listing decision [baseline]."""
    return add_years(entry.listed_on, rules.early_removal_after_years)


def check_early_removal(session: Session, terms: Terms, entry: ListEntry, received_on: dt.date, today: dt.date,
                        declared: bool) -> None:
    """The gates of early removal (DESIGN 6, SAMR Order 44), checked when the application is made:
    listed at least a year, the penalty's duties performed and its harm removed with a good-faith
    commitment (declared by the applicant), no new heavier penalty since the listing. A closed
    gate is NotYet with the day it opens."""
    open_to_applications(entry)
    if received_on > today:
        raise InvalidInput("收到日期不能晚于今天", "the date received cannot be in the future", "received_on")
    opens = early_removal_opens_on(terms.rules, entry)
    years = terms.rules.early_removal_after_years
    if received_on < opens:
        raise NotYet(f"列入严重失信主体名单满{years}年方可申请提前移出，你单位自{chinese_date(opens)}起可以申请",
                     f"early removal may be applied for {years} year(s) after the listing: you may apply from "
                     f"{opens.isoformat()}", opens)
    if not declared:
        raise InvalidInput("请确认已履行行政处罚义务、消除危害后果和不良影响，并作出信用承诺",
                           "please declare the penalty's duties performed, its harm removed and your good-faith "
                           "commitment", "obligations_performed")
    later = new_heavier_penalties(session, terms, entry)
    if later:
        raise NotYet(f"列入后你单位又受到较重行政处罚（{later[0].decision_date.isoformat()} "
                     f"{later[0].document_no or later[0].id}），不符合提前移出条件；该条目将于"
                     f"{chinese_date(entry.planned_removal_on)}期满移出",
                     f"a heavier penalty followed the listing ({later[0].decision_date.isoformat()}): early removal "
                     f"is not possible; the entry ends on {entry.planned_removal_on.isoformat()}", None)


def new_heavier_penalties(session: Session, terms: Terms, entry: ListEntry) -> list[Record]:
    """Heavier penalties the subject received after it was listed (they bar early removal)."""
    records = session.exec(select(Record).where(
        Record.subject_id == entry.subject_id, Record.decision_date > entry.listed_on,
        Record.status.in_(COUNTING_STATUSES)).order_by(Record.decision_date)).all()
    return [r for r in records if terms.rules.is_heavier(r.penalty_kind, r.penalty_amount)]


def remove_entry(session: Session, terms: Terms, entry: ListEntry, reason: str, actor: Actor,
                 now: dt.datetime) -> Notice:
    """Take a listed entry off the list today (early removal granted, an objection upheld) and
    issue its 移出决定书. Removal is a status change (exactly one of two concurrent decisions
    makes it); the entry leaves the next published version, and the grade, which follows the
    published list, changes when ``publish`` reassesses; the subject is reassessed now too."""
    today = to_local(now).date()
    entries = ListEntry.__table__
    removed = session.execute(sa.update(entries).where(entries.c.id == entry.id, entries.c.status == "listed")
                              .values(status="removed", removed_on=today, removal_reason=reason,
                                      removal_authority=terms.authority))
    if removed.rowcount != 1:
        raise Conflict("该条目已移出名单", "the entry was already removed")
    session.refresh(entry)
    subject = session.get(Subject, entry.subject_id)
    notice, _new = issue(session, terms.notices, RemovalDecision(
        subject=subject_info(subject), entry_id=entry.id, listed_on=entry.listed_on, removed_on=today, reason=reason,
    ), event_key=removal_key(entry.id), subject_id=subject.id, actor=actor, now=now)
    record_event(session, actor=actor.name, action="list_entry.remove", object_type="list_entry", object_id=entry.id,
                 data={"subject_id": subject.id, "removed_on": today, "reason": reason,
                       "notice": notice.document_no}, now=now)
    reassess(session, FixedClock(now), catalog=terms.catalog, subject_ids=[subject.id],
             reason=f"list entry {entry.id} removed")
    return notice
