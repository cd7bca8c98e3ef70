"""A case decided with a fine and stop-new-business: the prior notice carries the list's paragraphs,
the decision creates both draft records (linked both ways), and their confirmation lowers the grade."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from sqlmodel import select

from credit.audit.actor import Actor
from credit.cases.models import CaseDisposition
from credit.cases.queries import cases_of_record
from credit.errors import InvalidInput
from credit.notices.models import Notice
from credit.records.models import Evidence, Record
from credit.records.services import transition
from credit.scoring.queries import assessment_in_force
from credit.scoring.services import reassess
from credit.signals import case_decided, case_prior_notice
from tests.cases.conftest import local
from tests.notices import pdfcheck

LISTING = "本局同时拟将你单位列入严重失信主体名单，你单位有陈述、申辩和要求听证的权利。"


def test_decision_creates_the_records_that_lower_the_grade_after_review(
        app, session, ctx, clock, lead, step, to_decision, make_subject, people, env):
    subject = make_subject("patent_agency", name="淮南蓝天专利代理事务所")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[subject.id], reason="test")
    session.commit()
    before = assessment_in_force(session, subject.id, dt.date(2026, 11, 26))
    before = (before.score, before.grade)
    seen, decided = [], []

    # Stand-ins for the list package's receivers, with the signals' documented arguments.
    def prior(sender, session, now, actor, proposals):
        seen.extend(proposals)
        return [LISTING]

    def done(sender, session, now, actor, records):
        decided.append([r.rule_code for r in records])
        return "列入决定书已随处罚决定书送达"

    case = lead(subject)
    with case_prior_notice.connected_to(prior), case_decided.connected_to(done):
        to_decision(case, [("fine", Decimal("50000"), None), ("stop_new_business", None, 6)])
        step(case, "hearing", "inspector", reason="当事人申辩称已停止代理非正常申请。")
        step(case, "decided", "reviewer")
    assert [(p.subject_id, p.rule_code, p.penalty_kind, p.amount) for p in seen] == [
        (subject.id, "PA-PENALTY", "fine", Decimal("50000")), (subject.id, "PA-STOP-NEW", "stop_new_business", None)]
    prior_notice = session.exec(select(Notice).where(Notice.kind == "penalty_prior")).one()
    text = pdfcheck.text(ctx.files.path(prior_notice.sha256).read_bytes())
    assert LISTING[:20] in text and "罚款人民币50,000.00元" in text and case.number in text
    assert decided == [["PA-PENALTY", "PA-STOP-NEW"]] and "列入决定书" in case.listing_outcome

    decision = session.exec(select(Notice).where(Notice.kind == "penalty_decision")).one()
    assert decision.document_no == "淮知罚决〔2026〕1号"
    records = session.exec(select(Record).where(Record.subject_id == subject.id).order_by(Record.rule_code)).all()
    assert [(r.rule_code, r.status, r.document_no) for r in records] == [
        ("PA-PENALTY", "draft", decision.document_no), ("PA-STOP-NEW", "draft", decision.document_no)]
    # Linked both ways: the disposition names its record, the record finds its case; the decision is its evidence.
    links = {d.kind: d.record_id for d in session.exec(select(CaseDisposition).where(CaseDisposition.case_id == case.id))}
    assert links == {"fine": records[0].id, "stop_new_business": records[1].id}
    assert [c.id for c in cases_of_record(session, records[1].id)] == [case.id]
    assert {e.sha256 for e in session.exec(select(Evidence))} == {decision.sha256}

    # The deciding reviewer recorded them: a second reviewer confirms (four eyes), and the grade drops.
    confirmer = people["reviewer2"]
    for record in records:
        transition(session, ctx.catalog, record, "confirmed", Actor.of(confirmer), clock.now(), clock.today())
    session.commit()
    session.expire_all()  # the engine rewrote today's row in SQL
    after = assessment_in_force(session, subject.id, dt.date(2026, 11, 26))
    assert before == (100, "A")
    assert (after.score, after.grade) == (100 - 20 - 60, "D")


def test_a_party_with_no_registration_gets_its_decision_but_no_record(session, lead, step, to_decision, ctx):
    case = lead(party_name="刘某（无资质代理）", party_id_number="11010519491231002X", district="340404")
    to_decision(case, [("fine", Decimal("8000"), None), ("confiscation", Decimal("1200.50"), None)], statement="当事人陈述称已整改。")
    step(case, "decided", "reviewer")
    assert session.exec(select(Record)).all() == []
    decision = session.exec(select(Notice).where(Notice.kind == "penalty_decision")).one()
    assert decision.recipient == "刘某（无资质代理）" and decision.subject_id is None
    assert case.decided_on == dt.date(2026, 11, 26) and case.due_on is None


def test_without_a_statement_the_decision_waits_for_the_statement_period(session, lead, step, to_decision, clock):
    case = to_decision(lead(party_name="孙某（无资质代理）", district="340404"))
    due = case.statement_due
    assert due > clock.today()
    with pytest.raises(InvalidInput, match=f"陈述、申辩期限{due.isoformat()}届满后"):
        step(case, "decided", "reviewer", now=local(due.year, due.month, due.day))
    session.rollback()
    session.expire_all()
    assert (case.stage, session.exec(select(Notice).where(Notice.kind == "penalty_decision")).all()) == ("prior_notice", [])

    after = due + dt.timedelta(days=1)
    step(case, "decided", "reviewer", now=local(after.year, after.month, after.day))
    decision = session.exec(select(Notice).where(Notice.kind == "penalty_decision")).one()
    assert case.stage == "decided" and decision.recipient == "孙某（无资质代理）"
