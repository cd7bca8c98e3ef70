"""Races sent with threads to the app served by waitress, on SQLite and PostgreSQL: of two people
doing the same thing at the same moment, one wins and the other is told so (409), never a 500 and
never two decisions. The fixtures (``served``, ``browsers``) are in conftest.py.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.notices.models import Notice
from credit.records.models import Record, RecordEvent
from credit.subjects.models import Subject
from credit.subjects.services import synthetic_uscc
from tests.served import at_once


def test_of_reviewers_deciding_one_draft_at_once_exactly_one_wins(browsers, make_subject, make_record, ctx):
    draft = make_record(make_subject(), "PA-PENALTY", dt.date(2026, 10, 1), status="draft")
    reviewers = browsers("reviewer", 4)
    for reviewer in reviewers:
        reviewer.get(f"/records/{draft.id}")  # each sees the draft and its forms
    actions = ["confirm", "reject", "confirm", "reject"]
    answers = at_once(lambda r=r, a=a: r.post(f"/records/{draft.id}/{a}", {f"{a}-reason": "不实", f"{a}-seen": "draft"})
                      for r, a in zip(reviewers, actions))

    assert sorted(a.status for a in answers) == [302, 409, 409, 409], [a.text[-600:] for a in answers]
    with ctx.sessions() as fresh:
        events = fresh.exec(select(RecordEvent).where(RecordEvent.record_id == draft.id)).all()
        assert len(events) == 1
        winner = actions[[a.status for a in answers].index(302)]
        assert fresh.get(Record, draft.id).status == events[0].to_status == {"confirm": "confirmed",
                                                                               "reject": "rejected"}[winner]
        decided = fresh.exec(select(AuditEvent).where(AuditEvent.action.startswith("record."))).all()
        assert len(decided) == 1
    for loser in (a for a in answers if a.status == 409):
        assert "已于" in loser.text and "将其从“待审核”改为" in loser.text


def test_registering_one_uscc_several_times_at_once_registers_it_once_and_links_it(browsers, ctx):
    inspectors = browsers("inspector", 4)
    uscc = synthetic_uscc(7777)
    for inspector in inspectors:
        inspector.get("/subjects/new")
    answers = at_once(lambda b=b, n=n: b.post("/subjects/new", {"uscc": uscc, "name": f"淮南同码公司{n}", "kind": "firm",
                                                                "district": "340403"})
                      for n, b in enumerate(inspectors))

    assert sorted(a.status for a in answers) == [302, 409, 409, 409], [a.text[-600:] for a in answers]
    with ctx.sessions() as fresh:
        [subject] = fresh.exec(select(Subject).where(Subject.uscc == uscc)).all()
    for loser in (a for a in answers if a.status == 409):
        assert f"统一社会信用代码 {uscc} 已登记" in loser.text
        assert f'href="/subjects/{subject.id}"' in loser.text


def test_a_double_submitted_credit_report_is_one_report(browsers, make_subject, ctx):
    subject = make_subject(kind="firm")
    [inspector] = browsers("inspector", 1)
    inspector.get(f"/subjects/{subject.id}")
    answers = at_once([lambda: inspector.post(f"/notices/credit-report/{subject.id}")] * 2)

    assert [a.status for a in answers] == [302, 302], [a.text[-600:] for a in answers]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    with ctx.sessions() as fresh:
        assert len(fresh.exec(select(Notice)).all()) == 1


def test_credit_reports_of_several_subjects_at_once_are_numbered_without_collisions(browsers, make_subject, ctx):
    subjects = [make_subject(kind="firm") for _ in range(4)]
    inspectors = browsers("inspector", 4)
    for inspector, subject in zip(inspectors, subjects):
        inspector.get(f"/subjects/{subject.id}")
    answers = at_once(lambda b=b, s=s: b.post(f"/notices/credit-report/{s.id}") for b, s in zip(inspectors, subjects))

    assert [a.status for a in answers] == [302] * 4, [a.text[-600:] for a in answers]
    with ctx.sessions() as fresh:
        notices = fresh.exec(select(Notice).order_by(Notice.serial)).all()
    assert [n.serial for n in notices] == [1, 2, 3, 4]
    assert sorted(n.subject_id for n in notices) == sorted(s.id for s in subjects)
    assert sorted(a.headers["Location"].rsplit("/", 1)[1] for a in answers) == sorted(f"{n.id}.pdf" for n in notices)
