"""Objections and credit repair (DESIGN section 7): gates on the day before and the day they open,
decisions that move the record, reassess and issue the reply notice, and the reviewer's queue."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlmodel import select
from werkzeug.datastructures import FileStorage

from credit.applications.models import GRANTED, REFUSED, SUBMITTED, Application, Attachment
from credit.applications.services import (
    Uploads, apply_for_repair, decide, object_to_record, repair_opens_on, review_queue,
)
from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.errors import Conflict, InvalidInput, NotAllowed, NotYet
from credit.listing.terms import current_terms
from credit.notices.models import Notice
from credit.scoring.queries import assessment_in_force
from credit.scoring.services import reassess

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
FIRM = Actor(None, "firm-user")
REVIEWER = Actor(None, "reviewer-user")
TODAY = dt.date(2026, 11, 26)  # the clock fixture's day


@pytest.fixture
def desk(app, ctx, clock):
    return dict(catalog=ctx.catalog, calendar=ctx.calendar, store=Uploads(ctx.files, 10**6), now=clock.now())


@pytest.fixture
def terms(app):
    return current_terms()


@pytest.fixture
def firm(make_subject, session, ctx, clock):
    subject = make_subject(kind="firm", name="淮南异议测试有限公司")
    return subject


def _score(session, ctx, clock, subject) -> int:
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[subject.id], reason="test")
    return assessment_in_force(session, subject.id, clock.today()).score


def test_an_objection_puts_the_record_under_objection_and_it_keeps_counting(session, ctx, clock, firm, make_record,
                                                                             desk):
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 10, 1))
    assert _score(session, ctx, clock, firm) == 80
    application = object_to_record(session, record, "事实认定有误。", [FileStorage(io.BytesIO(PDF), "情况说明.pdf")],
                                   FIRM, **desk)
    session.commit()
    assert record.status == "disputed"
    assert assessment_in_force(session, firm.id, TODAY).score == 80  # disputed still counts
    # 15 working days from Thursday 26 November 2026 (no holiday on the way): Thursday 17 December.
    assert (application.status, application.received_on, application.due_on, application.due_provisional) == (
        SUBMITTED, TODAY, dt.date(2026, 12, 17), False)
    attachment = session.exec(select(Attachment).where(Attachment.application_id == application.id)).one()
    assert attachment.filename == "情况说明.pdf" and attachment.subject_id == firm.id
    assert ctx.files.path(attachment.sha256).read_bytes() == PDF
    with pytest.raises(NotAllowed):  # no second objection while the first waits
        object_to_record(session, record, "再次异议。", [], FIRM, **desk)


def test_an_upheld_objection_revokes_the_record_and_the_reply_is_a_notice(session, ctx, clock, firm, make_record, desk,
                                                                          terms):
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 10, 1))
    application = object_to_record(session, record, "事实认定有误。", [], FIRM, **desk)
    decide(session, application, True, "经复核，原处罚决定已被撤销。", REVIEWER, terms=terms,
           now=clock.now())
    session.commit()
    assert (application.status, record.status) == (GRANTED, "revoked")
    assert assessment_in_force(session, firm.id, TODAY).score == 100  # reassessed at once
    notice = session.get(Notice, application.notice_id)
    assert (notice.kind, notice.subject_id, notice.event_key) == ("objection_reply", firm.id,
                                                                  f"objection-reply:{application.id}")
    with pytest.raises(Conflict):  # decided once: a second decision loses
        decide(session, application, False, "又一次。", REVIEWER, terms=terms,
               now=clock.now())


def test_a_rejected_objection_confirms_the_record_again(session, ctx, clock, firm, make_record, desk, terms):
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 10, 1))
    application = object_to_record(session, record, "事实认定有误。", [], FIRM, **desk)
    with pytest.raises(InvalidInput):
        decide(session, application, False, " ", REVIEWER, terms=terms, now=clock.now())
    decide(session, application, False, "证据充分，维持原记录。", REVIEWER, terms=terms,
           now=clock.now())
    assert (application.status, record.status) == (REFUSED, "confirmed")
    assert session.get(Notice, application.notice_id).kind == "objection_reply"


@pytest.mark.parametrize(("rule", "decided", "opens"), [
    # an ordinary record: six months after its decision
    ("FM-INFRINGE", dt.date(2026, 5, 27), dt.date(2026, 11, 27)),
    ("FM-INFRINGE", dt.date(2026, 5, 26), TODAY),
    # a serious one: a year after its decision
    ("FM-REPEAT-INFRINGE", dt.date(2025, 11, 27), dt.date(2026, 11, 27)),
    ("FM-REPEAT-INFRINGE", dt.date(2025, 11, 26), TODAY),
])
def test_repair_gates_the_day_before_and_the_day_they_open(session, ctx, firm, make_record, desk, rule, decided, opens):
    record = make_record(firm, rule, decided)
    assert repair_opens_on(ctx.catalog, record) == opens
    if opens > TODAY:
        with pytest.raises(NotYet) as refused:
            apply_for_repair(session, record, "已整改。", True, [], FIRM, **desk)
        assert refused.value.opens_on == opens and f"{opens.year}年{opens.month}月{opens.day}日" in refused.value.zh
        assert session.exec(select(Application)).all() == []
    else:
        application = apply_for_repair(session, record, "已整改。", True, [], FIRM, **desk)
        assert application.kind == "repair" and application.obligations_declared


def test_repair_needs_the_obligations_declared_and_no_later_heavier_penalty(session, ctx, firm, make_record, desk):
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 1, 10))
    with pytest.raises(InvalidInput) as undeclared:
        apply_for_repair(session, record, "已整改。", False, [], FIRM, **desk)
    assert undeclared.value.field == "obligations_performed"
    make_record(firm, "FM-REPEAT-INFRINGE", dt.date(2026, 3, 2))  # serious, after the record
    with pytest.raises(NotYet) as heavier:
        apply_for_repair(session, record, "已整改。", True, [], FIRM, **desk)
    assert heavier.value.opens_on == dt.date(2029, 3, 2)  # when the later record stops counting (3 years)


def test_a_granted_repair_stops_the_record_counting_from_the_decision_day(session, ctx, clock, firm, make_record, desk,
                                                                          terms):
    record = make_record(firm, "FM-INFRINGE", dt.date(2026, 1, 10))
    assert _score(session, ctx, clock, firm) == 80
    application = apply_for_repair(session, record, "罚款已缴清。", True, [], FIRM, **desk)
    decide(session, application, True, "符合修复条件。", REVIEWER, terms=terms,
           now=clock.now())
    session.commit()
    assert (record.status, record.repaired_on, application.effective_on) == ("repaired", TODAY, TODAY)
    assert assessment_in_force(session, firm.id, TODAY).score == 100
    assert session.get(Notice, application.notice_id).kind == "repair_reply"
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_type == "application")).all()
    assert actions == ["application.repair", "application.decide"]


def test_the_queue_shows_overdue_applications_first(session, ctx, clock, firm, make_record, desk):
    late = object_to_record(session, make_record(firm, "FM-INFRINGE", dt.date(2026, 9, 1)), "甲", [], FIRM, **desk)
    fresh = object_to_record(session, make_record(firm, "FM-INFRINGE", dt.date(2026, 9, 2)), "乙", [], FIRM, **desk)
    late.due_on = dt.date(2026, 11, 20)
    session.commit()
    rows = review_queue(session, TODAY)
    assert [(r.application.id, r.overdue) for r in rows] == [(late.id, True), (fresh.id, False)]
