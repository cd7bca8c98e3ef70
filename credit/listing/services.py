"""Leaving the list: the expiry sweep (connected to the nightly sweep in ``__init__.py``) and early
removal on application. Removal is a status change; the grade follows when it is published."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import FixedClock, to_local
from credit.dates import add_years
from credit.errors import Conflict, InvalidInput, NotFound
from credit.listing.models import ListEntry, RemovalApplication
from credit.listing.publication import publish_version
from credit.listing.terms import Terms
from credit.notices.kinds import RemovalDecision, RemovalRefusal
from credit.notices.services import issue
from credit.notices.triggers import removal_key, subject_info
from credit.records.models import COUNTING_STATUSES, Record
from credit.scoring.services import reassess
from credit.subjects.models import Subject

EXPIRY_REASON = "列入期限已届满，依据《市场监督管理严重违法失信名单管理办法》移出名单并停止公示。"
EARLY_REASON = "你单位已履行行政处罚义务，消除不良影响，未再受到较重行政处罚，并作出信用承诺，符合提前移出条件。"


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


def get_entry(session: Session, entry_id: str) -> ListEntry:
    entry = session.get(ListEntry, entry_id) if entry_id else None
    if entry is None:
        raise NotFound(f"名单条目 {entry_id} 不存在", f"no list entry {entry_id}", "entry_id")
    return entry


def apply_for_removal(session: Session, terms: Terms, entry_id: str, received_on: dt.date, *, duties_performed: bool,
                      harm_removed: bool, commitment: bool, statement: str, channel: str, actor: Actor,
                      now: dt.datetime) -> RemovalApplication:
    """An application for early removal, received on ``received_on`` (on paper, or online)."""
    entry = get_entry(session, entry_id)
    today = to_local(now).date()
    if entry.status != "listed":
        raise InvalidInput("该条目已移出名单", "the entry is no longer listed", "entry_id")
    if entry.source != "local":
        raise InvalidInput(f"该条目由{entry.authority}决定，应向该机关申请移出",
                           f"the entry was decided by {entry.authority}: apply there", "entry_id")
    if received_on > today:
        raise InvalidInput("收到日期不能晚于今天", "the date received cannot be in the future", "received_on")
    earliest = add_years(entry.listed_on, terms.rules.early_removal_after_years)
    if received_on < earliest:
        raise InvalidInput(f"列入满{terms.rules.early_removal_after_years}年（{earliest.isoformat()}）后方可申请提前移出",
                           f"early removal can be applied for from {earliest.isoformat()} "
                           f"({terms.rules.early_removal_after_years} year after listing)", "received_on")
    if not commitment:
        raise InvalidInput("申请须附信用承诺书", "the application needs the good-faith commitment (信用承诺书)",
                           "commitment")
    if session.exec(select(RemovalApplication.id).where(RemovalApplication.entry_id == entry.id,
                                                        RemovalApplication.status == "pending")).first():
        raise Conflict("该条目已有待审核的移出申请", "an application for this entry is already pending", "entry_id")
    due = terms.calendar.add_working_days(received_on, terms.rules.removal_decision_working_days)
    application = RemovalApplication(
        entry_id=entry.id, status="pending", channel=channel, received_on=received_on,
        duties_performed=duties_performed, harm_removed=harm_removed, commitment=commitment,
        statement=(statement or "").strip(), due=due.due, due_provisional=due.provisional, recorded_by=actor.name,
        created_at=now)
    session.add(application)
    session.flush()
    record_event(session, actor=actor.name, action="removal_application.receive", object_type="removal_application",
                 object_id=application.id, data={"entry_id": entry.id, "received_on": received_on, "due": due.due,
                                                 "channel": channel}, now=now)
    return application


def new_heavier_penalties(session: Session, terms: Terms, entry: ListEntry) -> list[Record]:
    """Heavier penalties the subject received after it was listed (they bar early removal)."""
    records = session.exec(select(Record).where(
        Record.subject_id == entry.subject_id, Record.decision_date > entry.listed_on,
        Record.status.in_(COUNTING_STATUSES))).all()
    return [r for r in records if terms.rules.is_heavier(r.penalty_kind, r.penalty_amount)]


def decide_removal(session: Session, terms: Terms, application: RemovalApplication, grant: bool, reasons: str,
                   actor: Actor, now: dt.datetime) -> RemovalApplication:
    """Grant (移出决定书) or refuse with reasons (a notice too). A grant takes effect on the list,
    and on the grade, when it is published."""
    entry = session.get(ListEntry, application.entry_id)
    reasons = (reasons or "").strip()
    today = to_local(now).date()
    if grant:
        missing = [zh for ok, zh in ((application.duties_performed, "已履行行政处罚义务"),
                                     (application.harm_removed, "已消除危害后果和不良影响"),
                                     (application.commitment, "作出信用承诺")) if not ok]
        later = new_heavier_penalties(session, terms, entry)
        if later:
            missing.append(f"未再受到较重行政处罚（{later[0].document_no or later[0].id}）")
        if missing:
            raise InvalidInput(f"不符合提前移出条件：{'、'.join(missing)}",
                               "the conditions for early removal are not met", "decision")
    elif not reasons:
        raise InvalidInput("不予移出须说明理由", "a refusal needs its reasons", "reasons")
    table = RemovalApplication.__table__
    moved = session.execute(sa.update(table).where(table.c.id == application.id, table.c.status == "pending").values(
        status="granted" if grant else "refused", decided_by_id=actor.user_id, decided_at=now, reasons=reasons))
    if moved.rowcount != 1:
        raise Conflict("该申请已被处理", "the application was already decided")
    subject = session.get(Subject, entry.subject_id)
    if grant:
        entries = ListEntry.__table__
        removed = session.execute(sa.update(entries).where(entries.c.id == entry.id, entries.c.status == "listed")
                                  .values(status="removed", removed_on=today, removal_reason=reasons or EARLY_REASON,
                                          removal_authority=terms.authority))
        if removed.rowcount != 1:
            raise Conflict("该条目已移出名单", "the entry was already removed")
        session.refresh(entry)
        document = RemovalDecision(subject=subject_info(subject), entry_id=entry.id, listed_on=entry.listed_on,
                                   removed_on=today, reason=entry.removal_reason)
        key = removal_key(entry.id)
    else:
        document = RemovalRefusal(subject=subject_info(subject), entry_id=entry.id,
                                  received_on=application.received_on, reasons=reasons)
        key = f"list-removal-refusal:{application.id}"
    notice, _new = issue(session, terms.notices, document, event_key=key, subject_id=subject.id, actor=actor, now=now)
    session.execute(sa.update(table).where(table.c.id == application.id).values(notice_id=notice.id))
    session.refresh(application)
    record_event(session, actor=actor.name, action=f"removal_application.{application.status}",
                 object_type="removal_application", object_id=application.id,
                 data={"entry_id": entry.id, "reasons": reasons, "notice": notice.document_no}, now=now)
    return application
