"""Issue 11 end to end, through the real services and the real list package (no stand-ins): a case
decided with a fine and stop-new-business creates both draft records, a second reviewer confirms
them and the grade falls; the listing announced with the prior notice and decided with the penalty
appears in the next list version the Monday job publishes."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from sqlmodel import select

from credit.audit.actor import Actor
from credit.cases.services import DispositionInput, propose_disposition
from credit.listing import procedure as list_steps
from credit.listing.models import ListEntry, ListingProcedure
from credit.listing.publication import latest_version, read_file
from credit.listing.terms import current_terms
from credit.records.models import Record
from credit.records.services import transition
from credit.scheduler import runner
from credit.scoring.queries import assessment_in_force
from credit.scoring.services import reassess
from tests.cases.conftest import local


def _listed_earlier(session, terms, make_subject, make_record, people) -> ListEntry:
    """Another subject listed in October and published as version 1: the case's entry must come next."""
    other = make_subject("patent_agency", name="淮南先列代理所")
    record = make_record(other, "PA-CERT-RENT", dt.date(2026, 9, 1))
    record.penalty_kind, record.penalty_amount = "fine", Decimal(100000)
    session.add(record)
    inspector, reviewer = Actor.of(people["inspector"]), Actor.of(people["reviewer"])
    procedure = list_steps.propose(session, terms, record.id, "", inspector, local(2026, 9, 28))
    list_steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, local(2026, 9, 29))
    list_steps.record_consent(session, procedure, dt.date(2026, 10, 9), "皖市监函〔2026〕1号", reviewer,
                              local(2026, 10, 9))
    entry = list_steps.decide(session, terms, procedure, reviewer, local(2026, 10, 13))
    session.commit()
    return entry


def _publish_on_monday(app, session, day: dt.date):
    with app.app_context():
        outcome = runner.run_job("publish_list", local(day.year, day.month, day.day, 9))
    assert outcome.status == "succeeded", outcome.summary
    session.expire_all()
    return latest_version(session)


def test_a_decided_case_lowers_the_grade_after_review_and_its_listing_is_published_next(
        app, session, ctx, clock, lead, step, make_subject, make_record, people):
    terms = current_terms()
    earlier = _listed_earlier(session, terms, make_subject, make_record, people)
    first = _publish_on_monday(app, session, dt.date(2026, 10, 19))
    assert first.number == 1 and [r["id"] for r in json.loads(read_file(terms, first, "list.json"))] == [earlier.id]

    subject = make_subject("patent_agency", name="淮南蓝天全程代理所")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[subject.id], as_of=dt.date(2026, 10, 20), reason="test")
    session.commit()
    before = assessment_in_force(session, subject.id, dt.date(2026, 10, 20))
    assert (before.score, before.grade) == (100, "A")

    inspector, reviewer = Actor.of(people["inspector"]), Actor.of(people["reviewer"])
    case = lead(subject, now=local(2026, 10, 20))
    step(case, "verification", "inspector", now=local(2026, 10, 20))
    step(case, "opened", "reviewer", now=local(2026, 10, 21))
    step(case, "investigation", "inspector", now=local(2026, 10, 22))
    for kind, amount, months in (("fine", Decimal("50000"), None), ("stop_new_business", None, 6)):
        propose_disposition(session, case, DispositionInput(kind, amount, months), actor=inspector,
                            now=local(2026, 10, 30))
    session.commit()
    step(case, "prior_notice", "inspector", now=local(2026, 11, 2), findings="该所2026年代理非正常专利申请312件。",
         legal_basis="《专利代理条例》第二十五条")

    # The list package answered the prior notice: the proposed listing is announced, its procedure opened.
    procedure = session.exec(select(ListingProcedure).where(ListingProcedure.case_id == case.id)).one()
    assert (procedure.subject_id, procedure.status, procedure.served_on) == (subject.id, "notified",
                                                                            dt.date(2026, 11, 2))
    assert "严重失信主体名单" in case.listing_proposal
    # The party is heard in the case: what it said answers the proposed listing too.
    step(case, "hearing", "inspector", now=local(2026, 11, 5), reason="当事人申辩称已停止代理非正常申请。")
    session.refresh(procedure)
    assert (procedure.status, procedure.statement_kind, procedure.statement_on, procedure.statement_text) == (
        "heard", "statement", dt.date(2026, 11, 5), "当事人申辩称已停止代理非正常申请。")
    # The upper level consents within the list procedure.
    list_steps.record_consent(session, procedure, dt.date(2026, 11, 6), "皖市监函〔2026〕9号", reviewer,
                              local(2026, 11, 6))
    session.commit()
    step(case, "decided", "reviewer", now=local(2026, 11, 12))

    # The decision made both draft records, each linked to its case, and the listing with them.
    records = session.exec(select(Record).where(Record.subject_id == subject.id).order_by(Record.rule_code)).all()
    assert [(r.rule_code, r.status, r.penalty_kind, r.penalty_amount) for r in records] == [
        ("PA-PENALTY", "draft", "fine", Decimal("50000.00")), ("PA-STOP-NEW", "draft", "stop_new_business", None)]
    entry = session.exec(select(ListEntry).where(ListEntry.subject_id == subject.id)).one()
    assert (entry.status, entry.listed_on, entry.first_published_on) == ("listed", dt.date(2026, 11, 12), None)
    session.refresh(procedure)
    assert (procedure.status, procedure.record_id, procedure.entry_id) == ("decided", records[1].id, entry.id)
    assert case.listing_outcome == "作出列入决定 1 个，待决定 0 个"
    # Drafts do not count: the grade holds until a reviewer confirms them.
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[subject.id], as_of=dt.date(2026, 11, 12),
             reason="test")
    session.commit()
    assert assessment_in_force(session, subject.id, dt.date(2026, 11, 12)).grade == "A"

    # A second reviewer confirms them (the deciding reviewer recorded them): the grade falls.
    for record in records:
        transition(session, ctx.catalog, record, "confirmed", Actor.of(people["reviewer2"]), local(2026, 11, 13),
                   dt.date(2026, 11, 13))
    session.commit()
    session.expire_all()
    after = assessment_in_force(session, subject.id, dt.date(2026, 11, 13))
    assert (after.score, after.grade) == (100 - 20 - 60, "D")

    # The next Monday's publication carries the entry: version 2, added against version 1.
    second = _publish_on_monday(app, session, dt.date(2026, 11, 16))
    assert second.number == 2 and second.added == 1
    rows = {r["id"]: r for r in json.loads(read_file(terms, second, "list.json"))}
    assert set(rows) == {earlier.id, entry.id}
    assert (rows[entry.id]["uscc"], rows[entry.id]["listed_on"]) == (subject.uscc, "2026-11-12")
    delta = json.loads(read_file(terms, second, "delta.json"))
    assert [r["id"] for r in delta["added"]] == [entry.id] and delta["previous"] == 1
    assert session.get(ListEntry, entry.id).first_published_on == dt.date(2026, 11, 16)
    assert assessment_in_force(session, subject.id, dt.date(2026, 11, 16)).grade == "D"
