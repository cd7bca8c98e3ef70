"""Case services: numbers, steps per role, refusals, dispositions and the records they create."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.cases.models import Case, CaseDisposition, CaseEvent
from credit.cases.services import DispositionInput, LeadInput, StepInput, advance, propose_disposition, register_lead
from credit.errors import Conflict, InvalidInput, NotAllowed
from credit.notices.models import Notice
from credit.records.models import Record


def test_numbers_run_per_year_without_leading_zeros(lead, make_subject, clock):
    subject = make_subject()
    first, second = lead(subject), lead(party_name="王某（黑代理）", district="340403")
    assert (first.number, second.number) == ("淮知蓝天〔2026〕1号", "淮知蓝天〔2026〕2号")
    next_year = lead(subject, now=dt.datetime(2027, 1, 4, 2, tzinfo=dt.timezone.utc))
    assert next_year.number == "淮知蓝天〔2027〕1号"
    assert second.subject_id is None and second.party_name == "王某（黑代理）" and second.district == "340403"


def test_a_party_with_neither_subject_nor_name_is_refused(session, env, people, clock):
    with pytest.raises(InvalidInput) as error:
        register_lead(session, env, LeadInput("complaint", "unlicensed_agency", "有人无证代理。"),
                      actor=Actor.of(people["inspector"]), now=clock.now())
    assert error.value.field == "party_name" and "当事人名称" in error.value.zh
    session.rollback()
    assert session.exec(select(Case)).all() == []


def test_steps_allowed_and_refused_per_role(lead, step, make_subject, session):
    case = lead(make_subject())
    with pytest.raises(NotAllowed):
        step(case, "verification", "reviewer")  # the inspector handles the case
    session.rollback()
    step(case, "verification", "inspector")
    with pytest.raises(NotAllowed):
        step(case, "opened", "inspector")  # opening a case is approved by a reviewer
    session.rollback()
    step(case, "opened", "reviewer")
    assert case.stage == "opened" and case.opened_on == dt.date(2026, 11, 26)
    assert case.decision_due == dt.date(2027, 2, 24)  # 90 calendar days
    events = session.exec(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)).all()
    assert [(e.action, e.from_stage, e.to_stage) for e in events] == [
        ("register", None, "lead"), ("step", "lead", "verification"), ("step", "verification", "opened")]
    audit = session.exec(select(AuditEvent.action).where(AuditEvent.object_type == "case")).all()
    assert audit == ["case.register", "case.step", "case.step"]


def test_a_step_out_of_order_is_refused_and_nothing_changes(lead, step, make_subject, session):
    case = lead(make_subject())
    with pytest.raises(Conflict) as error:
        step(case, "decided", "reviewer")
    assert "线索登记" in error.value.zh and "作出决定" in error.value.zh
    session.rollback()
    assert session.get(Case, case.id).stage == "lead"
    assert session.exec(select(CaseEvent).where(CaseEvent.action == "step")).all() == []


def test_two_steps_of_one_case_at_once_one_wins(app, lead, step, make_subject, people, env, clock):
    case = lead(make_subject())
    step(case, "verification", "inspector")
    sessions = app.extensions["credit"].sessions
    with sessions() as first, sessions() as second:
        mine, theirs = first.get(Case, case.id), second.get(Case, case.id)
        reviewer = people["reviewer"]
        advance(first, env, mine, "opened", StepInput(), user=reviewer, actor=Actor.of(reviewer), now=clock.now())
        first.commit()
        # The second read the case before the first committed: its step finds no row in that stage.
        with pytest.raises(Conflict):
            advance(second, env, theirs, "not_opened", StepInput(reason="证据不足"), user=reviewer,
                    actor=Actor.of(reviewer), now=clock.now())
        second.rollback()
    with sessions() as check:
        assert check.get(Case, case.id).stage == "opened"
        assert len(check.exec(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.action == "step")).all()) == 2


@pytest.mark.parametrize("values, field, message", [
    (("fine", None, None), "amount", "须填写金额"),
    (("fine", Decimal("-100"), None), "amount", "必须大于零"),
    (("confiscation", Decimal("0"), None), "amount", "必须大于零"),
    (("stop_new_business", None, 3), "months", "6至12个月"),
    (("warning", Decimal("5"), None), "amount", "只有罚款"),
])
def test_bad_dispositions_are_refused(lead, step, make_subject, session, people, clock, values, field, message):
    case = lead(make_subject())
    step(case, "verification", "inspector")
    step(case, "opened", "reviewer")
    with pytest.raises(InvalidInput) as error:
        propose_disposition(session, case, DispositionInput(*values), actor=Actor.of(people["inspector"]),
                            now=clock.now())
    assert error.value.field == field and message in error.value.zh
    session.rollback()
    assert session.exec(select(CaseDisposition)).all() == []


def test_rectification_issues_both_notices_and_refuses_a_deadline_before_the_order(lead, step, make_subject, session):
    subject = make_subject()
    case = lead(subject)
    step(case, "verification", "inspector")
    rectify = dict(interview_at=dt.datetime(2026, 11, 30, 9, 30), interview_place="市市场监管局知识产权科",
                   requirements="停止代理非正常专利申请\n提交整改报告", reason="代理非正常专利申请12件。")
    with pytest.raises(InvalidInput) as error:
        step(case, "rectification", "inspector", rectification_due=dt.date(2026, 11, 20), **rectify)
    assert error.value.field == "rectification_due"
    session.rollback()
    assert session.get(Case, case.id).stage == "verification"
    step(case, "rectification", "inspector", rectification_due=dt.date(2026, 12, 31), **rectify)
    kinds = session.exec(select(Notice.kind).where(Notice.subject_id == subject.id).order_by(Notice.kind)).all()
    assert kinds == ["interview", "rectification_order"]
    assert case.due_on == dt.date(2026, 12, 31)
    # The order is a decided rectification: a draft PA-RECTIFY record for review.
    record = session.exec(select(Record).where(Record.subject_id == subject.id)).one()
    assert (record.rule_code, record.status) == ("PA-RECTIFY", "draft")
    # The follow-up check comes once the deadline has passed.
    with pytest.raises(InvalidInput):
        step(case, "closed", "inspector", reason="已整改")
    session.rollback()
    step(case, "closed", "inspector", now=dt.datetime(2027, 1, 4, 2, tzinfo=dt.timezone.utc), reason="回头看：已整改到位")
    assert case.stage == "closed" and case.due_on is None
