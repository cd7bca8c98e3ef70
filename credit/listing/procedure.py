"""Listing a subject on a penalty decided here (SAMR Order 44), as a state machine.

proposed (inspector) -> notified: the prior notice (列入事先告知书) served, with its date ->
heard: a statement, defence, hearing request or written waiver recorded within the window of
``statement_working_days`` after service -> consented: the upper level's consent recorded
(reviewer; needed when ``consent_required``) -> decided by a reviewer who did not propose it, not
before the window ends unless waived: the entry ``SD-YYYY-NNNNNN`` and the listing decision
(列入决定书). Publication follows (``publication.py``) within ``publication_working_days``.

Every step is a conditional UPDATE on the expected status, so of two concurrent requests one
wins and the other gets a Conflict; each writes an audit event.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.applications.models import SUBMITTED, Application
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.catalog.loader import NoCatalogInForce, RuleSpec
from credit.clock import to_local
from credit.dates import Deadline, add_years
from credit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from credit.i18n import chinese
from credit.listing.models import STATEMENT_KINDS, ListEntry, ListingProcedure
from credit.listing.terms import Terms
from credit.notices.kinds import ListingDecision, ListingPriorNotice
from credit.notices.services import issue
from credit.notices.triggers import subject_info
from credit.records.models import PENALTY_KINDS, Record
from credit.subjects.models import Subject

ORDER_44 = "《市场监督管理严重违法失信名单管理办法》第二条、第九条"
OPEN = ("proposed", "notified", "heard", "consented")
_ENTRY_LOCK = 724_313  # PostgreSQL advisory lock class for entry ids


def serious_rule(terms: Terms, rule_code: str, decision_date: dt.date) -> RuleSpec | None:
    """The record type as the catalog for its decision date states it, if it is a serious one."""
    try:
        rule = terms.catalog.version_for_record(decision_date).rule(rule_code)
    except NoCatalogInForce:
        rule = terms.catalog.any_rule(rule_code)
    return rule if rule is not None and rule.serious else None


def penalty_text(kind: str | None, amount: Decimal | None) -> str:
    label = chinese(PENALTY_KINDS[kind]) if kind in PENALTY_KINDS else "未载明处罚"
    return f"{label}（{amount:,.2f}元）" if amount is not None else label


def check_grounds(terms: Terms, record: Record) -> RuleSpec:
    """The record's serious rule if the record can be listed here, else InvalidInput saying why."""
    if record.status not in ("confirmed", "disputed"):
        raise InvalidInput("只有已确认的记录可以提请列入", "only a confirmed record can be proposed for listing",
                           "record_id")
    rule = serious_rule(terms, record.rule_code, record.decision_date)
    if rule is None:
        raise InvalidInput(f"记录类型 {record.rule_code} 不属于严重失信行为", f"{record.rule_code} is not a serious type",
                           "record_id")
    if not terms.rules.is_heavier(record.penalty_kind, record.penalty_amount):
        raise InvalidInput(f"该记录的处罚（{penalty_text(record.penalty_kind, record.penalty_amount)}）不是较重行政处罚，不能列入",
                           "the record's penalty is not a heavier penalty (Order 44 art. 2): it cannot be listed",
                           "record_id")
    if not terms.is_local(record.authority):
        raise InvalidInput(f"处罚由{record.authority}作出，本局不能据此列入（应移送作出处罚的机关）",
                           f"the penalty was decided by {record.authority}: refer it, it cannot be listed here",
                           "record_id")
    return rule


def _legal_basis(rule: RuleSpec) -> str:
    # The serious types already cite Order 44 (art. 9); art. 2 (the heavier penalty) is added.
    return rule.reference if "严重违法失信名单管理办法" in rule.reference else f"{ORDER_44}；{rule.reference}"


def propose(session: Session, terms: Terms, record_id: int, facts: str, actor: Actor,
            now: dt.datetime) -> ListingProcedure:
    """Open a procedure on a confirmed serious record with a heavier penalty decided here."""
    record = session.get(Record, record_id) if record_id else None
    if record is None:
        raise NotFound(f"记录 {record_id} 不存在", f"no record {record_id}", "record_id")
    rule = check_grounds(terms, record)
    busy = session.exec(select(ListingProcedure.id).where(
        ListingProcedure.record_id == record.id, ListingProcedure.status != "withdrawn")).first()
    if busy is not None:
        raise Conflict(f"该记录已有列入程序（{busy}）", f"the record already has a listing procedure ({busy})",
                       "record_id")
    procedure = ListingProcedure(
        subject_id=record.subject_id, record_id=record.id, status="proposed", rule_code=record.rule_code,
        penalty_kind=record.penalty_kind, penalty_amount=record.penalty_amount,
        facts=(facts or "").strip() or record.facts or f"{rule.behaviour}（{record.document_no}）",
        legal_basis=_legal_basis(rule), proposed_by_id=actor.user_id, proposed_by=actor.name, proposed_at=now,
        updated_at=now,
    )
    session.add(procedure)
    session.flush()
    _log(session, procedure, "propose", actor, now, record_id=record.id)
    return procedure


def _log(session: Session, procedure: ListingProcedure, step: str, actor: Actor, now: dt.datetime, **data) -> None:
    record_event(session, actor=actor.name, action=f"listing.{step}", object_type="listing_procedure",
                 object_id=procedure.id, data={"subject_id": procedure.subject_id, "status": procedure.status, **data},
                 now=now)


def _move(session: Session, procedure: ListingProcedure, expected: tuple[str, ...], to: str, now: dt.datetime,
          **values) -> None:
    """The conditional UPDATE of one step: exactly one of two concurrent requests moves it."""
    table = ListingProcedure.__table__
    result = session.execute(
        sa.update(table).where(table.c.id == procedure.id, table.c.status.in_(expected))
        .values(status=to, updated_at=now, **values))
    if result.rowcount != 1:
        raise Conflict("该列入程序已被他人处理或不在此步骤，请刷新后重试",
                       "the procedure is not at this step (someone else moved it): reload and try again")
    session.refresh(procedure)


def statement_deadline(terms: Terms, served_on: dt.date) -> Deadline:
    return terms.calendar.add_working_days(served_on, terms.rules.statement_working_days)


def serve(session: Session, terms: Terms, procedure: ListingProcedure, served_on: dt.date, actor: Actor,
          now: dt.datetime) -> ListingProcedure:
    """The prior notice issued (from the archive) and served on ``served_on``; the window starts."""
    today = to_local(now).date()
    if served_on > today or served_on < to_local(procedure.proposed_at).date():
        raise InvalidInput("送达日期须在提请日与今天之间", "the service date must be between the proposal and today",
                           "served_on")
    due = statement_deadline(terms, served_on)
    subject = session.get(Subject, procedure.subject_id)
    notice, _new = issue(session, terms.notices, ListingPriorNotice(
        subject=subject_info(subject), facts=procedure.facts, legal_basis=procedure.legal_basis,
        statement_deadline=due.due, deadline_provisional=due.provisional,
    ), event_key=f"listing-prior:{procedure.id}", subject_id=subject.id, actor=actor, now=now)
    _move(session, procedure, ("proposed",), "notified", now, served_on=served_on, statement_due=due.due,
          statement_due_provisional=due.provisional, prior_notice_id=notice.id)
    _log(session, procedure, "serve", actor, now, served_on=served_on, statement_due=due.due,
         provisional=due.provisional, notice=notice.document_no)
    return procedure


def record_statement(session: Session, procedure: ListingProcedure, kind: str, on: dt.date, text: str,
                     actor: Actor, now: dt.datetime) -> ListingProcedure:
    """The party's statement and defence, hearing request or written waiver, within the window."""
    if kind not in STATEMENT_KINDS:
        raise InvalidInput(f"未知的陈述类型 {kind!r}", f"unknown kind of statement {kind!r}", "kind")
    if procedure.status != "notified":
        raise Conflict("该程序不在陈述申辩期", "the procedure is not in its statement window")
    if not (procedure.served_on <= on <= min(procedure.statement_due, to_local(now).date())):
        raise InvalidInput(f"陈述、申辩或听证申请须在送达后、{procedure.statement_due.isoformat()}前提出",
                           f"a statement must be made between service and {procedure.statement_due.isoformat()}",
                           "on")
    text = (text or "").strip()
    if kind != "waiver" and not text:
        raise InvalidInput("请填写陈述申辩或听证申请的内容", "the statement's content is required", "text")
    _move(session, procedure, ("notified",), "heard", now, statement_kind=kind, statement_on=on, statement_text=text)
    _log(session, procedure, "statement", actor, now, kind=kind, on=on)
    return procedure


def record_consent(session: Session, procedure: ListingProcedure, on: dt.date, reference: str, actor: Actor,
                   now: dt.datetime) -> ListingProcedure:
    reference = (reference or "").strip()
    if not reference:
        raise InvalidInput("请填写上级机关同意的文号或记录", "the consent's reference is required", "reference")
    if len(reference) > 200:
        raise InvalidInput("文号不能超过 200 个字符", "the reference must be at most 200 characters", "reference")
    if procedure.served_on is None or not procedure.served_on <= on <= to_local(now).date():
        raise InvalidInput("同意日期须在送达之后、不晚于今天", "the consent date must be after service and not in the future",
                           "on")
    _move(session, procedure, ("notified", "heard"), "consented", now, consent_on=on, consent_ref=reference)
    _log(session, procedure, "consent", actor, now, on=on, reference=reference)
    return procedure


def next_entry_id(session: Session, year: int) -> str:
    """SD-YYYY-NNNNNN: max + 1 of the year under a lock; entries are never deleted, so never reused."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": _ENTRY_LOCK, "b": year})
    prefix = f"SD-{year}-"
    last = session.scalar(sa.select(sa.func.max(ListEntry.id)).where(ListEntry.id.like(prefix + "%")))
    return f"{prefix}{int(last[len(prefix):]) + 1 if last else 1:06d}"


def _refuse_decision(terms: Terms, procedure: ListingProcedure, actor: Actor, today: dt.date) -> None:
    if procedure.status not in ("notified", "heard", "consented"):
        raise Conflict("该程序不在待决定步骤", "the procedure is not awaiting its decision")
    if actor.user_id is not None and actor.user_id == procedure.proposed_by_id:
        raise NotAllowed("提请人不能作出列入决定（须由其他人员决定）", "the proposer cannot decide the listing")
    if procedure.statement_kind != "waiver" and today <= procedure.statement_due:
        raise InvalidInput(f"陈述申辩期至{procedure.statement_due.isoformat()}届满，届满前不能作出决定（当事人书面放弃的除外）",
                           f"the statement window runs until {procedure.statement_due.isoformat()}: "
                           "no decision before it ends unless waived in writing", "decision")
    if terms.consent_required and procedure.status != "consented":
        raise InvalidInput("尚未记录上级机关同意", "the upper level's consent is not recorded yet", "decision")


def decide(session: Session, terms: Terms, procedure: ListingProcedure, actor: Actor, now: dt.datetime) -> ListEntry:
    """The listing decision: the entry with its stable id and the 列入决定书, served with the penalty."""
    today = to_local(now).date()
    _refuse_decision(terms, procedure, actor, today)
    subject = session.get(Subject, procedure.subject_id)
    entry_id = next_entry_id(session, today.year)
    planned = add_years(today, terms.period_years)
    notice, _new = issue(session, terms.notices, ListingDecision(
        subject=subject_info(subject), entry_id=entry_id, reason=procedure.facts, legal_basis=procedure.legal_basis,
        listed_on=today, planned_removal_on=planned, period_years=terms.period_years,
    ), event_key=f"listing-decision:{procedure.id}", subject_id=subject.id, actor=actor, now=now)
    entry = ListEntry(id=entry_id, subject_id=subject.id, status="listed", reason=procedure.facts,
                      legal_basis=procedure.legal_basis, authority=terms.authority, decision_no=notice.document_no,
                      listed_on=today, planned_removal_on=planned, source="local")
    session.add(entry)
    session.flush()
    _move(session, procedure, (procedure.status,), "decided", now, decided_by_id=actor.user_id, decided_at=now,
          decision_notice_id=notice.id, entry_id=entry_id)
    _log(session, procedure, "decide", actor, now, entry_id=entry_id, notice=notice.document_no)
    record_event(session, actor=actor.name, action="list_entry.create", object_type="list_entry", object_id=entry_id,
                 data={"subject_id": subject.id, "listed_on": today, "planned_removal_on": planned,
                       "decision_no": entry.decision_no, "source": "local"}, now=now)
    return entry


def get_procedure(session: Session, procedure_id: int) -> ListingProcedure:
    procedure = session.get(ListingProcedure, procedure_id)
    if procedure is None:
        raise NotFound(f"列入程序 {procedure_id} 不存在", f"no listing procedure {procedure_id}")
    return procedure


# ---------------------------------------------------------------------------------------------
# A Blue Sky case's part (credit.signals.case_prior_notice / case_decided)


def announce_for_case(session: Session, terms: Terms, case_id: int, proposals, actor: Actor,
                      now: dt.datetime) -> list[str]:
    """The paragraphs the case's penalty prior notice adds for each proposal that meets the grounds,
    and the procedure opened at "prior notice served" (the case's notice is the prior notice)."""
    today = to_local(now).date()
    paragraphs = []
    for proposal in proposals:
        if proposal.subject_id is None:
            continue
        rule = serious_rule(terms, proposal.rule_code, today)
        if rule is None or not terms.rules.is_heavier(proposal.penalty_kind, proposal.amount):
            continue
        procedure = session.exec(select(ListingProcedure).where(
            ListingProcedure.case_id == case_id, ListingProcedure.subject_id == proposal.subject_id,
            ListingProcedure.status.in_(OPEN))).first()
        if procedure is None:
            due = statement_deadline(terms, today)
            procedure = ListingProcedure(
                subject_id=proposal.subject_id, case_id=case_id, status="notified", rule_code=rule.code,
                penalty_kind=proposal.penalty_kind, penalty_amount=proposal.amount,
                facts=f"{rule.behaviour}，拟处{penalty_text(proposal.penalty_kind, proposal.amount)}。",
                legal_basis=_legal_basis(rule), proposed_by_id=actor.user_id, proposed_by=actor.name,
                proposed_at=now, served_on=today, statement_due=due.due, statement_due_provisional=due.provisional,
                updated_at=now)
            session.add(procedure)
            session.flush()
            _log(session, procedure, "serve", actor, now, case_id=case_id, served_on=today, statement_due=due.due,
                 provisional=due.provisional)
        name = session.get(Subject, proposal.subject_id).name
        paragraphs.append(
            f"因{name}{rule.behaviour}，拟处{penalty_text(proposal.penalty_kind, proposal.amount)}，属于较重行政处罚，"
            f"依据{procedure.legal_basis}，本局拟同时将其列入知识产权领域严重失信主体名单，列入期限{terms.period_years}年。"
            "当事人对拟列入享有陈述、申辩和要求听证的权利，可在收到本告知书之日起"
            f"{terms.rules.statement_working_days}个工作日内提出；逾期未提出的，视为放弃上述权利。")
    return paragraphs


def hear_for_case(session: Session, case_id: int, text: str, actor: Actor, now: dt.datetime) -> int:
    """The party's statement in the case, recorded on each of its listing procedures still in the
    statement window (after the window a procedure keeps "no statement"). Returns how many."""
    today = to_local(now).date()
    procedures = session.exec(select(ListingProcedure).where(
        ListingProcedure.case_id == case_id, ListingProcedure.status == "notified",
        ListingProcedure.statement_due >= today)).all()
    for procedure in procedures:
        record_statement(session, procedure, "statement", today, text, actor, now)
    return len(procedures)


def decide_for_case(session: Session, terms: Terms, case_id: int, records, actor: Actor,
                    now: dt.datetime) -> tuple[int, int]:
    """At the case's decision: link each open procedure to its penalty record and make the listing
    decision with it when everything allows; otherwise it waits in the work queue. Returns
    (decided, waiting)."""
    decided = waiting = 0
    procedures = session.exec(select(ListingProcedure).where(
        ListingProcedure.case_id == case_id, ListingProcedure.status.in_(OPEN)).order_by(ListingProcedure.id)).all()
    for procedure in procedures:
        # The record of the serious type the prior notice announced (a fine in the same decision makes
        # a record of another, non-serious type, which is no ground for the listing).
        record = next((r for r in records if r.subject_id == procedure.subject_id
                       and r.rule_code == procedure.rule_code
                       and terms.rules.is_heavier(r.penalty_kind, r.penalty_amount)), None)
        if record is None:
            continue
        session.flush()  # the case's draft records get their ids
        procedure.record_id, procedure.penalty_kind, procedure.penalty_amount = (
            record.id, record.penalty_kind, record.penalty_amount)
        session.add(procedure)
        try:
            _refuse_decision(terms, procedure, actor, to_local(now).date())
        except (InvalidInput, NotAllowed, Conflict):
            waiting += 1
            continue
        decide(session, terms, procedure, actor, now)
        decided += 1
    return decided, waiting


# ---------------------------------------------------------------------------------------------
# The work queue


@dataclass(frozen=True)
class QueueItem:
    kind: str  # procedure | publication | application
    obj: object
    subject: Subject
    step: str  # what comes next (a key of views.STEP_LABELS)
    due: dt.date | None
    provisional: bool
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < self.today


def work_queue(session: Session, terms: Terms, today: dt.date) -> list[QueueItem]:
    """Every open procedure, unpublished decision and open application about an entry (an
    objection, early removal) with its next step and deadline; overdue first, then by deadline."""

    items: list[QueueItem] = []
    rows = session.exec(select(ListingProcedure, Subject).join(Subject, Subject.id == ListingProcedure.subject_id)
                        .where(ListingProcedure.status.in_(OPEN))).all()
    for procedure, subject in rows:
        due, provisional = None, False
        if procedure.status == "proposed":
            step = "serve"
        elif procedure.status in ("notified", "heard") and procedure.statement_kind != "waiver" \
                and today <= procedure.statement_due:
            step, due, provisional = "statement", procedure.statement_due, procedure.statement_due_provisional
        elif terms.consent_required and procedure.status != "consented":
            step = "consent"
        else:
            step = "decide"
        items.append(QueueItem("procedure", procedure, subject, step, due, provisional, today))
    unpublished = session.exec(select(ListEntry, Subject).join(Subject, Subject.id == ListEntry.subject_id).where(
        sa.or_(sa.and_(ListEntry.first_published_on.is_(None), ListEntry.status == "listed"),
               sa.and_(ListEntry.status == "removed", ListEntry.first_published_on.is_not(None),
                       ListEntry.removal_published_on.is_(None))))).all()
    for entry, subject in unpublished:
        start = entry.listed_on if entry.status == "listed" else entry.removed_on
        deadline = terms.calendar.add_working_days(start, terms.rules.publication_working_days)
        items.append(QueueItem("publication", entry, subject, "publish", deadline.due, deadline.provisional, today))
    pending = session.exec(select(Application, Subject).join(Subject, Subject.id == Application.subject_id)
                           .where(Application.list_entry_id.is_not(None), Application.status == SUBMITTED)).all()
    for application, subject in pending:
        items.append(QueueItem("application", application, subject, application.kind, application.due_on,
                               application.due_provisional, today))
    return sorted(items, key=lambda i: (not i.overdue, i.due or dt.date.max, i.subject.name))
