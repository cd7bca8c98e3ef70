"""Assessments stored by change answer every date as the daily rows they replace did.

The reference is the system before: every night a full recompute stores every subject's result
for the day (by the plain-Python evaluator here), a change during the day recomputes that day's
row, and "as of D" is the latest row on or before D.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from config import PROJECT_ROOT
from credit.catalog.loader import Catalog
from credit.clock import LOCAL_TZ
from credit.listing.models import ListEntry
from credit.scoring.engine import contributions, recompute, recompute_changed, recompute_subject
from credit.scoring.models import Assessment, AssessmentRun
from credit.scoring.queries import assessment_in_force
from credit.scoring.reference import RecordFact, evaluate
from credit.subjects.models import Subject
from credit.records.models import Record, RecordEvent

CATALOG = Catalog.load(PROJECT_ROOT / "rules")
VERSION = CATALOG.versions[0]
KINDS = ("patent_agency", "trademark_agency", "firm")
CODES = {kind: [r.code for r in VERSION.rules if r.applies_to(kind)] for kind in KINDS}


def night(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(1, 0), LOCAL_TZ)


def daytime(day: dt.date, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0, second), LOCAL_TZ)


def stored(session, subject_id: int, day: dt.date):
    """What the stored rows answer for ``day``, comparable with ``expected``."""
    a = assessment_in_force(session, subject_id, day)
    if a is None:
        return None
    counted = {c.record.id: c.counted_points for c in contributions(session, [a])[a.id]}
    return a.score, a.grade, a.tier, a.listed, counted


def expected(session, subject: Subject, day: dt.date):
    """A full recompute of ``day`` with the data as it is now, by the reference evaluator."""
    records = session.exec(select(Record).where(Record.subject_id == subject.id)).all()
    facts = [RecordFact(r.id, r.rule_code, r.decision_date, r.status, r.repaired_on) for r in records]
    listed = any(e.listed_on <= day and (e.removed_on is None or e.removed_on > day)
                 for e in session.exec(select(ListEntry).where(ListEntry.subject_id == subject.id)))
    result = evaluate(CATALOG.in_force(day), subject.kind, facts, day, listed)
    return result.score, result.grade, result.tier, result.listed, {c.record_id: c.counted_points
                                                                    for c in result.contributions}


# -- the rule for writing a date ------------------------------------------------------------------

DAYS = [dt.date(2026, 3, 1) + dt.timedelta(days=i) for i in range(5)]


def test_a_result_is_stored_once_until_it_changes(session, ctx, clock, make_subject, make_record):
    clock.instant = daytime(DAYS[0] - dt.timedelta(days=30))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    for day in DAYS[:3]:
        recompute_changed(session, ctx.catalog, day, night(day))
    record.status, record.updated_at = "revoked", daytime(DAYS[2]).astimezone(dt.timezone.utc)
    for day in DAYS[3:]:
        recompute_changed(session, ctx.catalog, day, night(day))
    session.commit()
    rows = session.exec(select(Assessment).order_by(Assessment.valid_from)).all()
    assert [(a.valid_from, a.score) for a in rows] == [(DAYS[0], 80), (DAYS[3], 100)]
    assert [stored(session, subject.id, day)[0] for day in DAYS] == [80, 80, 80, 100, 100]
    assert stored(session, subject.id, DAYS[0] - dt.timedelta(days=1)) is None


def test_assessing_a_past_date_changes_the_answer_for_that_date_only(session, ctx, clock, make_subject,
                                                                     make_record):
    clock.instant = daytime(DAYS[0] - dt.timedelta(days=30))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    for day in DAYS[:4]:
        recompute_changed(session, ctx.catalog, day, night(day))
    # A correction on the fourth day, then the second day assessed again on purpose.
    record.status, record.updated_at = "revoked", daytime(DAYS[3]).astimezone(dt.timezone.utc)
    recompute_subject(session, ctx.catalog, subject.id, DAYS[3], daytime(DAYS[3]))
    recompute(session, ctx.catalog, DAYS[1], daytime(DAYS[3], 1), [subject.id])
    session.commit()
    assert [stored(session, subject.id, day)[0] for day in DAYS[:4]] == [80, 100, 80, 100]
    # The row after the assessed date keeps the result that was decided for it.
    rows = session.exec(select(Assessment).order_by(Assessment.valid_from)).all()
    assert [(a.valid_from, a.score) for a in rows] == [(DAYS[0], 80), (DAYS[1], 100), (DAYS[2], 80), (DAYS[3], 100)]


def test_assessing_the_same_date_again_replaces_its_row_only_when_the_result_differs(session, ctx, clock,
                                                                                     make_subject, make_record):
    clock.instant = daytime(DAYS[0] - dt.timedelta(days=30))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    recompute_changed(session, ctx.catalog, DAYS[0], night(DAYS[0]))
    record.status = "revoked"
    first = recompute_subject(session, ctx.catalog, subject.id, DAYS[1], daytime(DAYS[1]))
    again = recompute_subject(session, ctx.catalog, subject.id, DAYS[1], daytime(DAYS[1], 1))
    assert first.id == again.id and (again.valid_from, again.score) == (DAYS[1], 100)
    record.status = "disputed"  # counts again: the day's result is the day before's, so the day has no row
    back = recompute_subject(session, ctx.catalog, subject.id, DAYS[1], daytime(DAYS[1], 2))
    session.commit()
    assert (back.valid_from, back.score) == (DAYS[0], 80)
    assert len(session.exec(select(Assessment)).all()) == 1


def test_a_correction_today_leaves_the_stored_past_alone(session, ctx, clock, make_subject, make_record):
    from credit.audit.actor import Actor
    from credit.records.services import transition

    clock.instant = daytime(DAYS[0] - dt.timedelta(days=30))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    for day in DAYS[:3]:
        recompute_changed(session, ctx.catalog, day, night(day))
    transition(session, ctx.catalog, record, "revoked", Actor(None, "test-reviewer"), daytime(DAYS[2]), DAYS[2],
               reason="处罚决定被撤销")
    session.commit()
    assert [stored(session, subject.id, day)[0] for day in DAYS[:3]] == [80, 80, 100]


# -- a random history ------------------------------------------------------------------------------

STARTS = [dt.date(2025, 2, 24), dt.date(2028, 2, 25), dt.date(2026, 11, 20)]
PERIOD = 8
# Decision dates near the ends of one- and three-year windows during the period, recent ones,
# and a few ahead of the day they are recorded.
offsets = st.one_of(st.integers(-1100, -1085), st.integers(-372, -358), st.integers(-60, PERIOD + 2))
statuses = st.sampled_from(["confirmed", "confirmed", "confirmed", "draft", "disputed", "repaired", "revoked"])
initial = st.tuples(st.integers(0, 2), st.integers(0, 99), offsets, statuses, st.integers(0, PERIOD + 2))
events = st.lists(st.tuples(
    st.integers(0, PERIOD - 1),  # the day
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 2), st.integers(0, 99), offsets, statuses, st.integers(0, 4)),
        st.tuples(st.just("status"), st.integers(0, 99), statuses, st.integers(0, 4)),
        st.tuples(st.just("list"), st.integers(0, 2), st.integers(0, 3), st.one_of(st.none(), st.integers(1, 5))),
    ),
    st.booleans(),  # recomputed at once, as the services do
), max_size=10)


def _clear(session):
    for model in (Assessment, AssessmentRun, RecordEvent, ListEntry, Record, Subject):
        session.execute(sa.delete(model))
    session.commit()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start=st.sampled_from(STARTS), records=st.lists(initial, max_size=8), history=events,
       skipped=st.sets(st.integers(1, PERIOD - 1), max_size=2))
def test_stored_by_change_answers_every_date_as_a_daily_full_recompute(session, clock, make_subject, start, records,
                                                                       history, skipped):
    _clear(session)
    days = [start + dt.timedelta(days=i) for i in range(PERIOD)]
    clock.instant = daytime(start - dt.timedelta(days=2))
    subjects = [make_subject(kind) for kind in KINDS]
    rows: list[Record] = []
    daily: dict[tuple[int, dt.date], tuple] = {}  # (subject, day) -> the row the daily system stored

    def add(subject_index, code_index, offset, status, repair_after, day):
        subject = subjects[subject_index]
        codes = CODES[subject.kind]
        decided = start + dt.timedelta(days=offset)
        record = Record(subject_id=subject.id, rule_code=codes[code_index % len(codes)], category="patent",
                        decision_date=decided, status=status, created_at=clock.now(), updated_at=clock.now(),
                        repaired_on=decided + dt.timedelta(days=repair_after + max(0, (day - decided).days))
                        if status == "repaired" else None)
        session.add(record)
        rows.append(record)
        return subject

    for entry in records:
        add(*entry, start)
    session.commit()

    by_day: dict[int, list] = {}
    for day_index, event, at_once in history:
        by_day.setdefault(day_index, []).append((event, at_once))
    for index, day in enumerate(days):
        if index not in skipped:
            recompute_changed(session, CATALOG, day, night(day))
            session.commit()
            for subject in subjects:
                daily[subject.id, day] = expected(session, subject, day)
        for second, (event, at_once) in enumerate(by_day.get(index, [])):
            clock.instant = daytime(day, second)
            if event[0] == "add":
                subject = add(*event[1:], day)
            elif event[0] == "status" and rows:
                record = rows[event[1] % len(rows)]
                record.status, record.updated_at = event[2], clock.now()
                record.repaired_on = day + dt.timedelta(days=event[3]) if event[2] == "repaired" else None
                subject = next(s for s in subjects if s.id == record.subject_id)
            elif event[0] == "list":
                subject = subjects[event[1]]
                listed_on = day + dt.timedelta(days=event[2])
                removed_on = listed_on + dt.timedelta(days=event[3]) if event[3] else None
                session.add(ListEntry(id=f"SD-{index}-{second}", subject_id=subject.id, status="listed", reason="测试",
                                      legal_basis="第九条", authority="淮南市市场监督管理局", decision_no="1",
                                      listed_on=listed_on, planned_removal_on=listed_on + dt.timedelta(days=1095),
                                      removed_on=removed_on, first_published_on=listed_on,
                                      removal_published_on=removed_on))
            else:
                continue
            session.commit()
            if at_once:
                recompute_subject(session, CATALOG, subject.id, day, clock.now())
                session.commit()
                daily[subject.id, day] = expected(session, subject, day)

    for subject in subjects:
        for day in days:
            decided = [d for (s, d) in daily if s == subject.id and d <= day]
            assert stored(session, subject.id, day) == (daily[subject.id, max(decided)] if decided else None), (
                subject.kind, day)
