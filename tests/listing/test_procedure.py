"""The listing procedure (SAMR Order 44): each step, its deadlines in official working days, and
what it refuses with nothing changed."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.errors import Conflict, InvalidInput, NotAllowed, NotFound
from credit.listing import procedure as steps
from credit.listing.models import ListEntry, ListingProcedure
from credit.notices.models import Notice
from tests.listing.conftest import at


def _count(session, model) -> int:
    return len(session.exec(select(model)).all())


def test_the_whole_procedure_lists_with_a_stable_id_and_two_notices(session, terms, penalised, officers):
    inspector, reviewer, _ = officers
    record = penalised()
    procedure = steps.propose(session, terms, record.id, "", inspector, at(2026, 9, 28))
    assert procedure.status == "proposed" and "第九条" in procedure.legal_basis
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
    # Served the day before National Day: Oct 1-7 are holidays and Saturday Oct 10 a working day.
    assert (procedure.status, procedure.statement_due, procedure.statement_due_provisional) == (
        "notified", dt.date(2026, 10, 12), False)
    steps.record_statement(session, procedure, "statement", dt.date(2026, 10, 9), "不构成挂证。", inspector,
                           at(2026, 10, 9))
    steps.record_consent(session, procedure, dt.date(2026, 10, 9), "皖市监函〔2026〕1号", reviewer, at(2026, 10, 9))
    entry = steps.decide(session, terms, procedure, reviewer, at(2026, 10, 13))
    session.commit()

    assert entry.id == "SD-2026-000001" and entry.status == "listed" and entry.first_published_on is None
    assert (entry.listed_on, entry.planned_removal_on) == (dt.date(2026, 10, 13), dt.date(2029, 10, 13))
    notices = {n.kind: n for n in session.exec(select(Notice))}
    assert set(notices) == {"listing_prior", "listing_decision"}
    assert entry.decision_no == notices["listing_decision"].document_no and procedure.entry_id == entry.id
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    for step in ("propose", "serve", "statement", "consent", "decide"):
        assert f"listing.{step}" in actions
    assert "list_entry.create" in actions


def test_entry_ids_count_per_year_and_are_never_reused(session, terms, decided, penalised):
    _, first = decided()
    _, second = decided(penalised())
    assert (first.id, second.id) == ("SD-2026-000001", "SD-2026-000002")
    assert steps.next_entry_id(session, 2027) == "SD-2027-000001"


def test_a_window_reaching_into_2027_is_provisional(session, terms, penalised, officers):
    inspector, *_ = officers
    procedure = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 12, 28))
    steps.serve(session, terms, procedure, dt.date(2026, 12, 28), inspector, at(2026, 12, 28))
    assert (procedure.statement_due, procedure.statement_due_provisional) == (dt.date(2027, 1, 5), True)
    notice = session.get(Notice, procedure.prior_notice_id)
    assert notice.kind == "listing_prior" and len(notice.verification_code) == 12


@pytest.mark.parametrize("day, allowed", [(dt.date(2026, 10, 12), False), (dt.date(2026, 10, 13), True)])
def test_no_decision_before_the_statement_window_ends(session, terms, penalised, officers, day, allowed):
    inspector, reviewer, _ = officers
    procedure = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 9, 28))
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
    steps.record_consent(session, procedure, dt.date(2026, 9, 30), "同意", reviewer, at(2026, 9, 30))
    session.commit()
    if allowed:
        assert steps.decide(session, terms, procedure, reviewer, at(*day.timetuple()[:3])).status == "listed"
        return
    with pytest.raises(InvalidInput, match="陈述申辩期至2026-10-12届满"):
        steps.decide(session, terms, procedure, reviewer, at(*day.timetuple()[:3]))
    session.rollback()
    assert _count(session, ListEntry) == 0 and session.get(ListingProcedure, procedure.id).status == "consented"


def test_a_written_waiver_allows_an_early_decision(session, terms, penalised, officers):
    inspector, reviewer, _ = officers
    procedure = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 9, 28))
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
    steps.record_statement(session, procedure, "waiver", dt.date(2026, 9, 30), "", inspector, at(2026, 9, 30))
    steps.record_consent(session, procedure, dt.date(2026, 9, 30), "同意", reviewer, at(2026, 9, 30))
    assert steps.decide(session, terms, procedure, reviewer, at(2026, 9, 30)).listed_on == dt.date(2026, 9, 30)


def test_a_statement_after_its_window_is_refused(session, terms, penalised, officers):
    inspector, *_ = officers
    procedure = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 9, 28))
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
    with pytest.raises(InvalidInput, match="2026-10-12前提出"):
        steps.record_statement(session, procedure, "hearing", dt.date(2026, 10, 13), "要求听证", inspector,
                               at(2026, 10, 13))


def test_consent_is_needed_unless_switched_off(session, terms, penalised, officers):
    inspector, reviewer, _ = officers
    procedure = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 9, 28))
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
    with pytest.raises(InvalidInput, match="尚未记录上级机关同意"):
        steps.decide(session, terms, procedure, reviewer, at(2026, 10, 13))
    entry = steps.decide(session, replace(terms, consent_required=False), procedure, reviewer, at(2026, 10, 13))
    assert entry.status == "listed"


def test_the_proposer_cannot_decide(session, terms, penalised, officers):
    _, reviewer, _ = officers
    # A reviewer may be the one who opened it (at a case's prior notice, say): another must decide.
    procedure = steps.propose(session, terms, penalised().id, "", reviewer, at(2026, 9, 28))
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), reviewer, at(2026, 9, 29))
    steps.record_consent(session, procedure, dt.date(2026, 9, 30), "同意", reviewer, at(2026, 9, 30))
    with pytest.raises(NotAllowed):
        steps.decide(session, terms, procedure, reviewer, at(2026, 10, 13))


@pytest.mark.parametrize("kind, amount, authority, rule, message", [
    ("warning", None, "淮南市市场监督管理局", "PA-CERT-RENT", "不是较重行政处罚"),
    ("fine", Decimal("20000"), "淮南市市场监督管理局", "PA-CERT-RENT", "不是较重行政处罚"),
    (None, None, "淮南市市场监督管理局", "PA-CERT-RENT", "不是较重行政处罚"),
    ("closure", None, "淮南市市场监督管理局", "PA-PENALTY", "不属于严重失信行为"),
    ("closure", None, "国家知识产权局", "PA-CERT-RENT", "应移送"),
])
def test_a_record_without_the_grounds_cannot_be_proposed(session, terms, penalised, officers, kind, amount,
                                                         authority, rule, message):
    inspector, *_ = officers
    record = penalised(kind, amount, rule=rule, authority=authority)
    with pytest.raises(InvalidInput, match=message):
        steps.propose(session, terms, record.id, "", inspector, at(2026, 9, 28))
    session.rollback()
    assert _count(session, ListingProcedure) == 0


def test_an_unknown_record_and_a_second_proposal_are_refused(session, terms, penalised, officers):
    inspector, *_ = officers
    with pytest.raises(NotFound):
        steps.propose(session, terms, 999_999, "", inspector, at(2026, 9, 28))
    record = penalised()
    steps.propose(session, terms, record.id, "", inspector, at(2026, 9, 28))
    with pytest.raises(Conflict):
        steps.propose(session, terms, record.id, "", inspector, at(2026, 9, 28))


def test_a_step_taken_twice_is_a_conflict(session, terms, penalised, officers):
    inspector, *_ = officers
    procedure = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 9, 28))
    stale = ListingProcedure(**procedure.model_dump())
    steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
    with pytest.raises(Conflict):
        steps._move(session, stale, ("proposed",), "notified", at(2026, 9, 29))


def test_the_work_queue_puts_overdue_first_and_shows_each_next_step(session, terms, penalised, officers, decided):
    inspector, reviewer, _ = officers
    waiting = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 11, 20))
    hearing = steps.propose(session, terms, penalised().id, "", inspector, at(2026, 11, 20))
    steps.serve(session, terms, hearing, dt.date(2026, 11, 25), inspector, at(2026, 11, 25))
    _, entry = decided()  # decided 2026-10-13, never published: 20 working days are over by 11-26
    queue = steps.work_queue(session, terms, dt.date(2026, 11, 26))
    assert [(item.kind, item.step, item.overdue) for item in queue] == [
        ("publication", "publish", True), ("procedure", "statement", False), ("procedure", "serve", False)]
    assert queue[0].obj.id == entry.id and queue[0].due == dt.date(2026, 11, 10)
    assert queue[1].obj.id == hearing.id and queue[2].obj.id == waiting.id
