"""Deadlines in working days across holidays and into an unannounced year, the nightly sweep,
leads from the score, and gapless numbers under parallel registration."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import select

from credit.audit.actor import SCHEDULER, Actor
from credit.cases.models import Case, CaseEvent
from credit.cases.services import LeadInput, leads_from_score, register_lead, sweep_deadlines
from credit.scoring.services import reassess
from tests.cases.conftest import local


@pytest.mark.parametrize("registered, due, provisional", [
    # Spring Festival 2026: 15-23 February off, Saturdays 14 and 28 February worked.
    (local(2026, 2, 10), dt.date(2026, 3, 9), False),
    # Mid-Autumn and National Day 2026: 25 September and 1-7 October off, Saturday 10 October worked.
    (local(2026, 9, 24), dt.date(2026, 10, 22), False),
    # Into 2027, whose calendar is not announced: weekends and New Year's Day only, so provisional.
    (local(2026, 12, 20), dt.date(2027, 1, 11), True),
])
def test_the_verification_deadline_counts_official_working_days(lead, make_subject, registered, due, provisional):
    case = lead(make_subject(), now=registered)
    assert (case.verification_due, case.verification_due_provisional) == (due, provisional)
    assert (case.due_on, case.due_provisional) == (due, provisional)


def test_a_provisional_deadline_says_so_on_the_list(client, login_as, lead, make_subject):
    lead(make_subject(), now=local(2026, 12, 20))
    login_as("inspector")
    html = client.get("/cases/").get_data(as_text=True)
    assert "2027年1月11日（暂定）" in html


def test_the_sweep_reports_each_overdue_deadline_once(session, lead, make_subject):
    late = lead(make_subject(), now=local(2026, 10, 9))  # due 2026-10-30
    soon = lead(make_subject(), now=local(2026, 11, 5))   # due 2026-11-26, today
    assert sweep_deadlines(session, local(2026, 11, 26, 3)) == (1, 1)
    assert sweep_deadlines(session, local(2026, 11, 27, 3)) == (1, 0)  # now the second is late too
    assert sweep_deadlines(session, local(2026, 11, 28, 3)) == (0, 0)
    flagged = session.exec(select(CaseEvent.case_id).where(CaseEvent.action == "overdue").order_by(CaseEvent.id)).all()
    assert flagged == [late.id, soon.id]


@pytest.fixture
def monitored(session, ctx, clock, make_subject, make_record):
    """An agency with three abnormal-filing records within 12 months, and one graded D."""
    busy = make_subject("patent_agency", name="频繁非正常代理所")
    for day in (dt.date(2026, 1, 5), dt.date(2026, 6, 1), dt.date(2026, 10, 20)):
        make_record(busy, "PA-ABNORMAL-FILING", day)
    graded = make_subject("patent_agency", name="停业整顿代理所")
    make_record(graded, "PA-STOP-NEW", dt.date(2026, 3, 2))
    quiet = make_subject("patent_agency", name="守信代理所")
    make_record(quiet, "PA-ABNORMAL-FILING", dt.date(2025, 6, 1))  # outside the 12 months
    reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="test")
    session.commit()
    return busy, graded, quiet


def test_a_lead_from_the_score_is_created_once_while_it_is_open(session, env, monitored, step, clock):
    busy, graded, _quiet = monitored
    leads = leads_from_score(session, env, clock.now(), SCHEDULER)
    session.commit()
    assert sorted(c.subject_id for c in leads) == sorted([busy.id, graded.id])
    assert {c.source for c in leads} == {"credit_monitoring"}
    by_subject = {c.subject_id: c for c in leads}
    assert "3条" in by_subject[busy.id].summary and by_subject[busy.id].misconduct == "abnormal_filing_agency"
    assert "等级D" in by_subject[graded.id].summary
    assert leads_from_score(session, env, clock.now(), SCHEDULER) == []
    # Not opened: the same facts raise no second lead; a new record would.
    case = by_subject[busy.id]
    step(case, "verification", "inspector")
    step(case, "not_opened", "reviewer", reason="已另案处理")
    assert leads_from_score(session, env, clock.now(), SCHEDULER) == []


def test_parallel_registrations_get_consecutive_numbers(app, env, people, clock):
    sessions, actor = app.extensions["credit"].sessions, Actor.of(people["inspector"])
    start, numbers, errors = threading.Barrier(6), [], []

    def register(i: int):
        with app.app_context(), sessions() as session:
            try:
                start.wait()
                case = register_lead(session, env, LeadInput("complaint", "unlicensed_agency", f"线索{i}",
                                                            party_name=f"当事人{i}", district="340402"),
                                     actor=actor, now=clock.now())
                if i == 0:  # one registration fails after taking its number: the number is given back
                    raise RuntimeError("rolled back")
                session.commit()
                numbers.append(case.serial)
            except RuntimeError:
                session.rollback()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)

    threads = [threading.Thread(target=register, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4, 5]
    with sessions() as session:
        assert sorted(session.exec(select(Case.number))) == sorted(f"淮知蓝天〔2026〕{n}号" for n in range(1, 6))
