"""Objections, credit repair and early removal from the list, applied for by a firm and decided by
a reviewer (DESIGN sections 6 and 7).

An objection to a record puts the record under objection (``disputed``: shown as 异议处理中, still
counted) until a reviewer answers: upheld, the record is revoked; rejected, it is confirmed again.
A repair is applied for when its gates are open and, granted, the record stops counting from the
day of the decision (never before its decision date or the application). The record's own life
cycle (``credit.records.services.transition``) moves the record and reassesses the subject at once.

An objection to a list entry leaves the entry on the list, shown as 异议处理中 while it waits;
upheld, the entry is removed. Early removal is applied for when its gates are open
(``credit.listing.services.check_early_removal``: online, or received on paper and recorded by an
inspector) and, granted, removes the entry. A removal goes through the list's own service
(``remove_entry``: the status change, the 移出决定书, reassessment) and leaves the next published
version. Every decision is a notice to the applicant; one open application per record or entry.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.applications.models import (
    GRANTED, OBJECTION, REFUSED, REMOVAL, REPAIR, SUBMITTED, Application, Attachment,
)
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.loader import Catalog, NoCatalogInForce, RuleSpec
from credit.clock import to_local
from credit.dates import Deadline, WorkingCalendar, add_months, add_years
from credit.errors import Conflict, InvalidInput, NotAllowed, NotYet
from credit.files import FileStore
from credit.listing.models import ListEntry
from credit.listing.services import (
    EARLY_REASON, OBJECTION_REASON, check_early_removal, new_heavier_penalties, open_to_applications, remove_entry,
)
from credit.listing.terms import Terms
from credit.notices.kinds import ObjectionReply, RemovalRefusal, RepairReply
from credit.notices.layout import chinese_date
from credit.notices.models import Notice
from credit.notices.services import issue
from credit.notices.triggers import subject_info
from credit.records.models import COUNTING_STATUSES, Record
from credit.records.services import transition
from credit.records.storage import Upload, checked_upload, display_name
from credit.subjects.models import Subject

# [baseline] DESIGN 7: a reviewer decides within 15 working days; an ordinary record may be repaired
# 6 months after its decision, a serious one after a year (after SAMR's repair measures).
DECISION_WORKING_DAYS = 15
REPAIR_WAIT_MONTHS = 6
REPAIR_WAIT_YEARS_SERIOUS = 1
# What an application concerns.
Target = Record | ListEntry


@dataclass(frozen=True)
class Uploads:
    """Where attachments go and how large one may be."""

    files: FileStore
    max_bytes: int

    @classmethod
    def configured(cls) -> "Uploads":
        """The app's file store and MAX_UPLOAD_MB (in a request or a command)."""
        from flask import current_app

        from credit.context import current

        return cls(current().files, current_app.config["MAX_UPLOAD_MB"] * 1024 * 1024)


def _rule(catalog: Catalog, record: Record) -> RuleSpec:
    try:
        rule = catalog.version_for_record(record.decision_date).rule(record.rule_code)
    except NoCatalogInForce:  # a gap between versions: the type's latest definition says
        rule = None
    return rule or catalog.any_rule(record.rule_code)


def repair_opens_on(catalog: Catalog, record: Record) -> dt.date:
    """The first day a repair of ``record`` may be applied for (its kind of record decides the wait)."""
    if _rule(catalog, record).serious:
        return add_years(record.decision_date, REPAIR_WAIT_YEARS_SERIOUS)
    return add_months(record.decision_date, REPAIR_WAIT_MONTHS)


def later_serious_record(session: Session, catalog: Catalog, record: Record) -> Record | None:
    """A serious record of the same subject decided after ``record`` and counting: a new heavier
    penalty, which closes the repair (the penalty's own kind decides once records carry it)."""
    later = session.exec(select(Record).where(
        Record.subject_id == record.subject_id, Record.id != record.id, Record.decision_date > record.decision_date,
        Record.status.in_(COUNTING_STATUSES)).order_by(Record.decision_date.desc())).all()
    return next((r for r in later if _rule(catalog, r).serious), None)


def open_application(session: Session, target: Target) -> Application | None:
    """The application about a record or a list entry that awaits its decision, if any."""
    column = Application.record_id if isinstance(target, Record) else Application.list_entry_id
    return session.exec(select(Application).where(column == target.id, Application.status == SUBMITTED)).first()


def _describe(catalog: Catalog, record: Record) -> str:
    """The record as a notice names it: 行为（文号）."""
    return f"{_rule(catalog, record).behaviour}记录（{record.document_no or f'记录 {record.id}'}）"


def describe_entry(entry: ListEntry) -> str:
    """The list entry as a notice names it."""
    return f"列入严重失信主体名单（名单编号 {entry.id}，{entry.authority} {entry.decision_no}）"


def _submit(session: Session, kind: str, target: Target, reasons: str, declared: bool, uploads: Iterable[Upload],
            actor: Actor, deadline: Deadline, store: Uploads, now: dt.datetime, *, received_on: dt.date | None = None,
            channel: str = "online") -> Application:
    reasons = (reasons or "").strip()
    if not reasons:
        raise InvalidInput("请填写申请理由", "please give your reasons", "reasons")
    on_record = isinstance(target, Record)
    if open_application(session, target) is not None:
        what_zh, what_en = ("该记录", "this record") if on_record else ("该名单条目", "this list entry")
        raise Conflict(f"{what_zh}已有一项申请正在处理，请等待答复",
                       f"an application about {what_en} is already being decided", "reasons")
    application = Application(kind=kind, subject_id=target.subject_id, record_id=target.id if on_record else None,
                              list_entry_id=None if on_record else target.id, reasons=reasons,
                              obligations_declared=declared, status=SUBMITTED,
                              received_on=received_on or to_local(now).date(), due_on=deadline.due,
                              due_provisional=deadline.provisional, submitted_by_id=actor.user_id, submitted_at=now,
                              channel=channel)
    session.add(application)
    session.flush()
    files = []
    for upload in uploads:
        if not (upload and upload.filename):
            continue
        data, content_type = checked_upload(upload, store.max_bytes, "attachments")
        attachment = Attachment(application_id=application.id, subject_id=target.subject_id,
                                sha256=store.files.store(session, data), filename=display_name(upload.filename, content_type),
                                content_type=content_type, size=len(data), uploaded_at=now)
        session.add(attachment)
        files.append({"sha256": attachment.sha256, "filename": attachment.filename, "size": attachment.size})
    record_event(session, actor=actor.name, action=f"application.{kind}", object_type="application",
                 object_id=application.id, data={"record_id": application.record_id,
                                                 "list_entry_id": application.list_entry_id,
                                                 "subject_id": target.subject_id, "reasons": reasons,
                                                 "received_on": application.received_on, "due_on": deadline.due,
                                                 "channel": channel, "attachments": files}, now=now)
    return application


def object_to_record(session: Session, record: Record, reasons: str, uploads: Iterable[Upload], actor: Actor, *,
                     catalog: Catalog, calendar: WorkingCalendar, store: Uploads, now: dt.datetime) -> Application:
    """An objection to a confirmed record: the record is under objection (still counting) until decided."""
    if record.status != "confirmed":
        raise NotAllowed("只能对已确认的记录提出异议", "only a confirmed record can be objected to")
    deadline = calendar.add_working_days(to_local(now).date(), DECISION_WORKING_DAYS)
    application = _submit(session, OBJECTION, record, reasons, False, uploads, actor, deadline, store, now)
    transition(session, catalog, record, "disputed", actor, now, to_local(now).date(),
               reason=f"异议申请 {application.id}")
    return application


def apply_for_repair(session: Session, record: Record, reasons: str, obligations_performed: bool,
                     uploads: Iterable[Upload], actor: Actor, *, catalog: Catalog, calendar: WorkingCalendar,
                     store: Uploads, now: dt.datetime) -> Application:
    """A repair application, if every gate is open today; else NotYet with the day it opens."""
    today = to_local(now).date()
    if record.status != "confirmed":
        raise NotAllowed("只能对已确认且未在异议处理中的记录申请信用修复",
                         "only a confirmed record that is not under objection can be repaired")
    opens = repair_opens_on(catalog, record)
    if today < opens:
        serious = _rule(catalog, record).serious
        wait_zh, wait_en = ("满1年", "one year") if serious else ("满6个月", "six months")
        raise NotYet(
            f"{'严重' if serious else '一般'}失信记录自决定之日起{wait_zh}方可申请信用修复，"
            f"你单位自{chinese_date(opens)}起可以申请",
            f"a {'serious' if serious else 'non-serious'} record may be repaired {wait_en} after its decision: "
            f"you may apply from {opens.isoformat()}", opens)
    if not obligations_performed:
        raise InvalidInput("请确认已履行行政处罚决定规定的义务", "please declare that the penalty's obligations are performed",
                           "obligations_performed")
    later = later_serious_record(session, catalog, record)
    if later is not None:
        rule = _rule(catalog, later)
        ends = add_years(later.decision_date, rule.window_years)
        raise NotYet(
            f"该记录决定后你单位又受到较重处罚（{later.decision_date.isoformat()} {rule.behaviour}），"
            f"暂不符合信用修复条件；该记录自{chinese_date(ends)}起不再计入，届时可以再次申请",
            f"a heavier penalty followed this record ({later.decision_date.isoformat()} {rule.code}): "
            f"you may apply again from {ends.isoformat()}, when it stops counting", ends)
    deadline = calendar.add_working_days(today, DECISION_WORKING_DAYS)
    return _submit(session, REPAIR, record, reasons, True, uploads, actor, deadline, store, now)


def object_to_entry(session: Session, terms: Terms, entry: ListEntry, reasons: str, uploads: Iterable[Upload],
                    actor: Actor, *, store: Uploads, now: dt.datetime) -> Application:
    """An objection to the firm's list entry: it stays on the list, under objection, until decided."""
    open_to_applications(entry)
    deadline = terms.calendar.add_working_days(to_local(now).date(), DECISION_WORKING_DAYS)
    return _submit(session, OBJECTION, entry, reasons, False, uploads, actor, deadline, store, now)


def apply_for_removal(session: Session, terms: Terms, entry: ListEntry, reasons: str, declared: bool,
                      uploads: Iterable[Upload], actor: Actor, *, store: Uploads, now: dt.datetime,
                      received_on: dt.date | None = None, channel: str = "online") -> Application:
    """Early removal from the list, applied for online (today) or received on paper on
    ``received_on``, if its gates are open on that day; else NotYet with the day they open."""
    received = received_on or to_local(now).date()
    check_early_removal(session, terms, entry, received, to_local(now).date(), declared)
    deadline = terms.calendar.add_working_days(received, terms.rules.removal_decision_working_days)
    return _submit(session, REMOVAL, entry, reasons, True, uploads, actor, deadline, store, now,
                   received_on=received, channel=channel)


def _claim(session: Session, application: Application, grant: bool, reasons: str, actor: Actor, now: dt.datetime,
           effective: dt.date | None) -> None:
    """The conditional UPDATE of the decision: exactly one of two simultaneous decisions wins."""
    table = Application.__table__
    claimed = session.execute(
        sa.update(table).where(table.c.id == application.id, table.c.status == SUBMITTED)
        .values(status=GRANTED if grant else REFUSED, decided_by_id=actor.user_id, decided_at=now,
                decision_reasons=reasons, effective_on=effective)
    ).rowcount
    if claimed != 1:
        raise Conflict("该申请已有决定", "this application has already been decided")
    session.refresh(application)


def decide(session: Session, application: Application, grant: bool, reasons: str, actor: Actor, *,
           terms: Terms, now: dt.datetime) -> Application:
    """A reviewer's decision with reasons: the record or the list entry moves, the subject is
    reassessed, the applicant gets the reply notice. Exactly one of two simultaneous decisions
    wins (409 for the other). ``terms``: the list's (its catalog and notice settings serve a record)."""
    reasons = (reasons or "").strip()
    if not reasons:
        raise InvalidInput("请填写决定理由", "please give the reasons for the decision", "reasons")
    if application.list_entry_id is not None:
        return _decide_entry(session, terms, application, grant, reasons, actor, now)
    catalog, settings = terms.catalog, terms.notices
    today = to_local(now).date()
    record = session.get(Record, application.record_id)
    effective = today if grant and application.kind == REPAIR else None
    if effective is not None and effective < max(record.decision_date, application.received_on):
        raise InvalidInput("修复日期不能早于决定日期或申请日期",
                           "a repair date cannot be before the decision or the application", "reasons")
    _claim(session, application, grant, reasons, actor, now, effective)
    subject = session.get(Subject, application.subject_id)
    concerning = _describe(catalog, record)
    if application.kind == OBJECTION:
        transition(session, catalog, record, "revoked" if grant else "confirmed", actor, now, today,
                   reason=f"异议{'成立' if grant else '不成立'}：{reasons}")
        document = ObjectionReply(subject=subject_info(subject), received_on=application.received_on,
                                  concerning=concerning, upheld=grant, reasons=reasons)
    else:
        if grant:
            transition(session, catalog, record, "repaired", actor, now, today, reason=f"信用修复：{reasons}",
                       repaired_on=effective)
        document = RepairReply(subject=subject_info(subject), received_on=application.received_on, record=concerning,
                               granted=grant, reasons=reasons, effective_on=effective)
    notice, _new = issue(session, settings, document, event_key=f"{application.kind}-reply:{application.id}",
                         subject_id=subject.id, actor=actor, now=now)
    return _decided(session, application, notice, actor, now)


def _decide_entry(session: Session, terms: Terms, application: Application, grant: bool, reasons: str, actor: Actor,
                  now: dt.datetime) -> Application:
    """An objection to a list entry (upheld: the entry is removed, and the objection answered) or
    an early removal (granted, if still no heavier penalty has followed the listing: removed, and
    its 移出决定书 is the answer; refused: the reasoned refusal)."""
    entry = session.get(ListEntry, application.list_entry_id)
    removal = application.kind == REMOVAL
    if grant and removal:
        later = new_heavier_penalties(session, terms, entry)
        if later:
            raise InvalidInput(f"列入后又受到较重行政处罚（{later[0].document_no or later[0].id}），不符合提前移出条件",
                               "a heavier penalty followed the listing: early removal cannot be granted", "decision")
    _claim(session, application, grant, reasons, actor, now, to_local(now).date() if grant else None)
    subject = session.get(Subject, application.subject_id)
    if grant:
        notice = remove_entry(session, terms, entry, EARLY_REASON if removal else OBJECTION_REASON, actor, now)
    if not removal:
        notice, _new = issue(session, terms.notices, ObjectionReply(
            subject=subject_info(subject), received_on=application.received_on, concerning=describe_entry(entry),
            upheld=grant, reasons=reasons), event_key=f"objection-reply:{application.id}", subject_id=subject.id,
            actor=actor, now=now)
    elif not grant:
        notice, _new = issue(session, terms.notices, RemovalRefusal(
            subject=subject_info(subject), entry_id=entry.id, received_on=application.received_on, reasons=reasons),
            event_key=f"removal-reply:{application.id}", subject_id=subject.id, actor=actor, now=now)
    return _decided(session, application, notice, actor, now)


def _decided(session: Session, application: Application, notice: Notice, actor: Actor,
             now: dt.datetime) -> Application:
    application.notice_id = notice.id
    session.add(application)
    record_event(session, actor=actor.name, action="application.decide", object_type="application",
                 object_id=application.id, data={"kind": application.kind, "granted": application.status == GRANTED,
                                                 "reasons": application.decision_reasons,
                                                 "record_id": application.record_id,
                                                 "list_entry_id": application.list_entry_id,
                                                 "effective_on": application.effective_on,
                                                 "notice_id": notice.id}, now=now)
    return application


# -- what the pages show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    application: Application
    subject: Subject
    record: Record | None
    entry: ListEntry | None
    overdue: bool


def review_queue(session: Session, today: dt.date) -> list[QueueRow]:
    """Applications awaiting a decision, the most urgent (overdue) first."""
    rows = session.execute(
        sa.select(Application, Subject, Record, ListEntry).join(Subject, Subject.id == Application.subject_id)
        .outerjoin(Record, Record.id == Application.record_id)
        .outerjoin(ListEntry, ListEntry.id == Application.list_entry_id)
        .where(Application.status == SUBMITTED).order_by(Application.due_on, Application.id))
    return [QueueRow(a, s, r, e, a.due_on < today) for a, s, r, e in rows]


def subject_applications(session: Session, subject_id: int) -> list[Application]:
    return list(session.exec(select(Application).where(Application.subject_id == subject_id)
                             .order_by(Application.submitted_at.desc(), Application.id.desc())))


def entry_applications(session: Session, entry_id: str) -> list[Application]:
    """Every application about a list entry, oldest first."""
    return list(session.exec(select(Application).where(Application.list_entry_id == entry_id)
                             .order_by(Application.id)))


def attachments(session: Session, application_id: int) -> list[Attachment]:
    return list(session.exec(select(Attachment).where(Attachment.application_id == application_id)
                             .order_by(Attachment.id)))
