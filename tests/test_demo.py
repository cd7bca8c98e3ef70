"""`credit demo`: deterministic Huainan demo data with every grade present."""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import sqlalchemy as sa
from sqlmodel import select

from credit.cli import main
from credit.demo import generate
from credit.scoring.models import Assessment, AssessmentRun
from credit.scoring.queries import in_force
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS, Subject
from credit.violations.models import Record

TODAY = dt.date(2026, 11, 26)


def test_the_same_seed_and_date_give_the_same_data():
    first, second = generate(TODAY), generate(TODAY)
    assert first == second
    assert generate(TODAY, seed=1) != first


def test_the_data_looks_like_huainan():
    data = generate(TODAY)
    assert len(data.subjects) == 360 and 2000 <= len(data.records) <= 4000
    assert {s["district"] for s in data.subjects} == set(DISTRICTS)
    assert {s["kind"] for s in data.subjects} == set(SUBJECT_KINDS)
    assert len({s["name"] for s in data.subjects}) == 360
    assert all(s["name"].startswith("淮南市" + DISTRICTS[s["district"]]) for s in data.subjects)
    days = [dt.date.fromisoformat(r["decision_date"]) for r in data.records]
    assert dt.date(2022, 1, 1) <= min(days) and max(days) <= TODAY and all(d.weekday() < 5 for d in days)
    assert all(re.fullmatch(r"\S+〔20(2[2-6])〕\d+号", r["document_no"]) for r in data.records)
    sorts = Counter(r["document_no"].split("〔")[0] for r in data.records)
    # Blue Sky proportions: rectification orders far outnumber penalties, which outnumber honours' bodies.
    assert sorts["淮市监知责改"] > 3 * sorts["淮市监知罚"]
    statuses = Counter(r["status"] for r in data.records)
    assert 0 < statuses["revoked"] < statuses["confirmed"] / 20
    assert data.repairs and data.disputes


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
    assert f"grades A {grades['A']}，A+ {grades['A+']}" in result.stdout
    # A year of month-end history before today, for the charts, stored by change.
    dates = session.scalars(sa.select(AssessmentRun.as_of).order_by(AssessmentRun.as_of)).all()
    assert dates[0] == dt.date(2025, 11, 30) and dates[-2:] == [dt.date(2026, 10, 31), TODAY] and len(dates) == 13
    first = session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(in_force(dates[0])))
    rows = session.scalar(sa.select(sa.func.count()).select_from(Assessment))
    assert first == 360 and 360 < rows < 13 * 360

    again = runner.invoke(main, ["demo", "--if-empty"])
    assert again.exit_code == 0 and "data present" in again.stdout
    assert session.scalar(sa.select(sa.func.count()).select_from(Subject)) == 360
