"""A full run on PostgreSQL computed by several connections stores exactly what one statement stores;
a large set of subjects computed in larger statements stores what small ones store.

The parallel path (engine._stage_in_parallel) is taken from 100,000 subjects on and with several
cores; here it is forced for a few subjects and three connections, and compared with the one
statement over the same data, on the first run (every row written) and the next day (changes only).
"""
from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from credit.clock import LOCAL_TZ
from credit.listing.models import ListEntry
from credit.records.models import Record
from credit.scoring import engine
from credit.scoring.engine import recompute
from credit.scoring.models import Assessment, AssessmentRun
from credit.scoring.queries import assessment_in_force

D = dt.date(2026, 3, 10)
CODES = {"patent_agency": ["PA-ABNORMAL-FILING", "PA-PENALTY", "PA-RECTIFY", "PA-SOLICIT", "PA-STOP-NEW"],
         "trademark_agency": ["TA-MALICIOUS-AGENCY", "TA-PENALTY", "TA-SOLICIT"],
         "firm": ["FM-ABNORMAL-FILING", "FM-MALICIOUS-TM", "FM-INFRINGE"]}


@pytest.fixture
def postgres_only(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("the parallel full run is PostgreSQL's (SQLite runs one statement)")


def night(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(1, 0), LOCAL_TZ)


def stored(session) -> list[tuple]:
    return session.execute(sa.select(
        Assessment.subject_id, Assessment.valid_from, Assessment.catalog_version, Assessment.score, Assessment.grade,
        Assessment.tier, Assessment.listed, Assessment.explanation,
    ).order_by(Assessment.subject_id, Assessment.valid_from)).all()


def full_run(session, ctx, day: dt.date, monkeypatch, workers: int) -> tuple[int, int]:
    monkeypatch.setattr(engine, "WORKERS", workers)
    monkeypatch.setattr(engine, "PARALLEL_FROM", 0)
    result = recompute(session, ctx.catalog, day, night(day))
    session.commit()
    return result


def forget(session, day: dt.date) -> None:
    """Take back the run of ``day`` (its rows and its run), so the other way can compute it again."""
    session.execute(sa.delete(Assessment).where(Assessment.valid_from == day))
    session.execute(sa.delete(AssessmentRun).where(AssessmentRun.as_of == day))
    session.commit()


@pytest.fixture
def population(session, make_subject, make_record):
    """Thirty subjects of every kind, records spread over four years in every status, two listed."""
    rng = random.Random(20261127)
    subjects = [make_subject(kind) for kind in CODES for _ in range(10)]
    for subject in subjects:
        for _ in range(rng.randrange(0, 7)):
            decided = D - dt.timedelta(days=rng.randrange(0, 4 * 365))
            status = rng.choice(["confirmed", "confirmed", "disputed", "revoked", "repaired"])
            make_record(subject, rng.choice(CODES[subject.kind]), decided, status,
                        decided + dt.timedelta(days=rng.randrange(200, 900)) if status == "repaired" else None)
    for subject in subjects[:2]:
        session.add(ListEntry(
            id=f"SD-2026-{subject.id:06d}", subject_id=subject.id, status="listed", reason="测试",
            legal_basis="《市场监督管理严重违法失信名单管理办法》", authority="淮南市市场监督管理局", decision_no="测试",
            listed_on=D - dt.timedelta(days=3), planned_removal_on=D + dt.timedelta(days=900),
            first_published_on=D - dt.timedelta(days=3)))
    session.commit()
    return subjects


def test_parallel_full_runs_store_what_one_statement_stores(session, ctx, population, make_record, monkeypatch, postgres_only):
    assert full_run(session, ctx, D, monkeypatch, workers=1) == (30, 30)
    alone = stored(session)
    forget(session, D)
    assert full_run(session, ctx, D, monkeypatch, workers=3) == (30, 30)
    assert stored(session) == alone

    # The next day: a new record, a revocation, and a window or two ending; only changes are written.
    next_day = D + dt.timedelta(days=1)
    make_record(population[5], "PA-PENALTY", next_day)
    session.execute(sa.update(Record).where(Record.subject_id == population[12].id).values(status="revoked"))
    session.commit()
    together = full_run(session, ctx, next_day, monkeypatch, workers=3)
    in_parallel = stored(session)
    forget(session, next_day)
    assert full_run(session, ctx, next_day, monkeypatch, workers=1) == together
    assert stored(session) == in_parallel
    assert together[1] >= 1 and len(in_parallel) == len(alone) + together[1]


def test_a_transaction_that_wrote_computes_in_one_statement_and_sees_its_writes(session, ctx, clock, population,
                                                                                  monkeypatch, postgres_only):
    full_run(session, ctx, D, monkeypatch, workers=3)
    subject = population[0]
    before = assessment_in_force(session, subject.id, D).score
    session.add(Record(subject_id=subject.id, rule_code="PA-STOP-NEW", category="patent", decision_date=D,
                       status="confirmed", document_no="淮市监罚〔2026〕99号", authority="淮南市市场监督管理局",
                       created_at=clock.now(), updated_at=clock.now()))
    session.flush()  # not committed: connections of their own would not see it
    recompute(session, ctx.catalog, D, night(D) + dt.timedelta(hours=9))
    assert assessment_in_force(session, subject.id, D).score == max(0, before - 60)
    session.rollback()


def test_a_failing_worker_fails_the_run_and_leaves_nothing(session, ctx, population, monkeypatch, postgres_only):
    monkeypatch.setattr(engine, "WORKERS", 3)
    monkeypatch.setattr(engine, "PARALLEL_FROM", 0)
    monkeypatch.setattr(engine, "_PLANS", {})
    monkeypatch.setattr(engine._Plan, "changed_sql", "SELECT 1 / 0")
    with pytest.raises(Exception, match="division by zero"):
        recompute(session, ctx.catalog, D, night(D))
    session.rollback()
    assert stored(session) == []
    assert session.scalar(sa.text("SELECT to_regclass('assessment_staged')")) is None


def test_many_subjects_are_recomputed_in_larger_statements_with_the_same_results(session, ctx, population,
                                                                                 monkeypatch):
    """An import's tens of thousands of subjects go in statements of _LARGE_BATCH (hash joins), a
    night's few in statements of _BATCH (probes by key): every subject once, the same rows."""
    ids = [subject.id for subject in population]
    monkeypatch.setattr(engine, "_BATCH", 4)
    monkeypatch.setattr(engine, "_LARGE_BATCH", 50)
    assert recompute(session, ctx.catalog, D, night(D), ids) == (30, 30)  # statements of 4
    session.commit()
    small = stored(session)
    forget(session, D)
    monkeypatch.setattr(engine, "_LARGE_BATCH", 7)
    assert recompute(session, ctx.catalog, D, night(D), ids + ids[:3]) == (30, 30)  # of 7, each subject once
    session.commit()
    assert stored(session) == small
