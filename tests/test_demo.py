"""`credit demo`: deterministic Huainan demo data with every grade present."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter

import sqlalchemy as sa
from sqlmodel import select

from credit.accounts.models import User
from credit.audit.models import AuditEvent
from credit.cases.models import Case
from credit.clock import to_local
from credit.cli import main
from credit.demo import generate
from credit.inspection.models import InspectionCheck
from credit.notices.models import Notice
from credit.scoring.models import Assessment
from credit.scoring.models import AssessmentRun
from credit.scoring.queries import in_force
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS, Subject
from credit.records.models import Record

TODAY = dt.date(2026, 11, 26)


def test_the_same_seed_and_date_give_the_same_data():
    first, second = generate(TODAY), generate(TODAY)
    assert first == second
    assert generate(TODAY, seed=1) != first


def test_the_data_looks_like_huainan(app):
    with app.app_context():  # the place names are Babel labels: Chinese outside a page
        data = generate(TODAY)
    assert len(data.subjects) == 360 and 2000 <= len(data.records) <= 4000
    assert {s["district"] for s in data.subjects} == set(DISTRICTS)
    assert {s["kind"] for s in data.subjects} == set(SUBJECT_KINDS)
    assert len({s["name"] for s in data.subjects}) == 360
    places = {"340402": "大通区", "340403": "田家庵区", "340404": "谢家集区", "340405": "八公山区", "340406": "潘集区",
              "340421": "凤台县", "340422": "寿县"}
    assert all(s["name"].startswith("淮南市" + places[s["district"]]) for s in data.subjects)
    days = [dt.date.fromisoformat(r["decision_date"]) for r in data.records]
    assert dt.date(2022, 1, 1) <= min(days) and max(days) <= TODAY and all(d.weekday() < 5 for d in days)
    assert all(re.fullmatch(r"\S+〔20(2[2-6])〕\d+号", r["document_no"]) for r in data.records)
    sorts = Counter(r["document_no"].split("〔")[0] for r in data.records)
    # Blue Sky proportions: rectification orders far outnumber penalties, which outnumber honours' bodies.
    assert sorts["淮市监知责改"] > 3 * sorts["淮市监知罚"]
    statuses = Counter(r["status"] for r in data.records)
    assert 0 < statuses["revoked"] < statuses["confirmed"] / 20
    assert data.repairs and data.disputes
    # Registered before the first finding about them, most before the data starts, some since.
    first: dict[str, dt.date] = {}
    for day, uscc in sorted((dt.date.fromisoformat(r["decision_date"]), r["uscc"]) for r in data.records):
        first.setdefault(uscc, day)
    registered = {s["uscc"]: dt.date.fromisoformat(s["registered_on"]) for s in data.subjects}
    assert all(day <= first.get(uscc, TODAY) and day.weekday() < 5 for uscc, day in registered.items())
    assert 0.05 < sum(day >= dt.date(2022, 1, 1) for day in registered.values()) / len(registered) < 0.3


def test_demo_loads_every_grade_and_if_empty_leaves_existing_data_alone(runner, session):
    result = runner.invoke(main, ["demo"])

    assert result.exit_code == 0, result.output
    grades = Counter(dict(session.execute(
        sa.select(Assessment.grade, sa.func.count()).where(in_force(TODAY)).group_by(Assessment.grade)).all()))
    assert set(grades) == {"A+", "A", "B", "C", "D"}
    assert sum(grades.values()) == 360
    assert grades["A"] > grades["B"] and min(grades.values()) >= 10
    statuses = Counter(r.status for r in session.exec(select(Record)))
    assert {"confirmed", "revoked", "repaired", "disputed"} <= set(statuses)
    # The review queue has work for a reviewer: drafts that staff recorded (from decided cases).
    recorders = session.scalars(sa.select(User.role).join(Record, Record.recorded_by_id == User.id)
                                .where(Record.status == "draft")).all()
    assert len(recorders) == statuses["draft"] > 0 and set(recorders) <= {"inspector", "reviewer"}
    assert f"grades A {grades['A']}，A+ {grades['A+']}" in result.stdout
    # A year of month-end history before today, for the charts, stored by change.
    dates = session.scalars(sa.select(AssessmentRun.as_of).order_by(AssessmentRun.as_of)).all()
    assert dates[0] == dt.date(2025, 11, 30) and dates[-2:] == [dt.date(2026, 10, 31), TODAY] and len(dates) == 13
    # All of it through the one reassessment entry point: the import, each repair or objection, each date.
    events = [(e.object_id, json.loads(e.data)) for e in session.exec(
        select(AuditEvent).where(AuditEvent.action == "assessment.reassess").order_by(AuditEvent.id))]
    # The list's demo publishes one version, which re-grades the subjects it lists (tests/listing).
    published = [data for _day, data in events if data["reason"] == "list version 1 published"]
    events = [(day, data) for day, data in events if data["reason"] != "list version 1 published"]
    assert len(published) == 1
    with_records = session.scalar(sa.select(sa.func.count(sa.distinct(Record.subject_id))))
    assert events[0][1]["reason"] == "import demo-records" and events[0][1]["subjects"] == with_records
    # Only a reassessment that changed a result is an event: a repair lifts a score, an objection
    # (the record keeps counting) changes none.
    assert all(data["written"] > 0 for _day, data in events)
    history = [(day, data) for day, data in events if data["reason"] == "demo"]
    changes = [data["reason"].split()[-1] for _day, data in events[1:len(events) - len(history)]]
    assert changes and set(changes) == {"repaired"} and len(changes) <= statuses["repaired"]
    # The first run and the month-ends that changed a result (today's rows came with the repairs).
    days = [day for day, _data in history]
    assert days[0] == dates[0].isoformat() and len(days) > 6 and set(days) <= {day.isoformat() for day in dates}
    assert {data["subjects"] for _day, data in history} == {360}

    # A year of what the jobs would have issued: each month's report on the 1st at 06:00, and the
    # grade changes at 02:00 the morning after each month-end but the first (where the history starts).
    notices = session.exec(select(Notice).order_by(Notice.id)).all()
    reports = [n for n in notices if n.kind == "monthly_report"]
    firsts = [month_end + dt.timedelta(days=1) for month_end in dates[:-1]]  # 2025-12-01 ... 2026-11-01
    assert [to_local(n.issued_at).isoformat() for n in reports] == [f"{day}T06:00:00+08:00" for day in firsts]
    changes = [n for n in notices if n.kind == "grade_change"]
    assert changes and {to_local(n.issued_at).isoformat() for n in changes} <= {
        f"{day}T02:00:00+08:00" for day in firsts[1:]}
    assert all(n.issued_by == "scheduler" for n in reports + changes)
    # One letter for each subject whose grade at a month-end differs from the one before (the
    # stored month-end results, read independently of the trigger).
    month_ends = [dict(session.execute(sa.select(Assessment.subject_id, Assessment.grade).where(in_force(day))).all())
                  for day in dates[:-1]]
    assert len(changes) == sum(before.get(subject) != grade for before, after in zip(month_ends, month_ends[1:])
                               for subject, grade in after.items())
    first = session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(in_force(dates[0])))
    rows = session.scalar(sa.select(sa.func.count()).select_from(Assessment))
    assert first == 360 and 360 < rows < 13 * 360

    # A random inspection finding opened a Blue Sky lead (source "random inspection"), linked both ways.
    linked = session.exec(select(InspectionCheck, Case).join(Case, Case.id == InspectionCheck.case_id)).all()
    assert linked and all(case.source == "random_inspection" and case.subject_id == check.subject_id
                          and check.result == "problem_found" for check, case in linked)

    again = runner.invoke(main, ["demo", "--if-empty"])
    assert again.exit_code == 0 and "data present" in again.stdout
    assert session.scalar(sa.select(sa.func.count()).select_from(Subject)) == 360


def test_a_demo_failing_half_way_leaves_nothing_and_loads_whole_on_the_next_try(runner, session, monkeypatch):
    def broken(*_args):
        raise RuntimeError("disk full")

    # The users come last, after the imports, the repairs and every assessment.
    monkeypatch.setattr("credit.demo.create_demo_users", broken)
    assert isinstance(runner.invoke(main, ["demo"]).exception, RuntimeError)
    session.rollback()
    for model in (Subject, Record, Assessment, AuditEvent):
        assert session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model

    monkeypatch.undo()
    assert runner.invoke(main, ["demo", "--if-empty"]).exit_code == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Subject)) == 360
    assert session.scalar(sa.select(sa.func.count()).where(Subject.registered_on.is_(None))) == 0
