"""The nightly run recomputes a subject exactly when one of its causes applies, and writes only changes.

Each test makes a quiet subject (a record well inside its window, nothing happening) and a
subject with one cause between two runs, and checks the set the run recomputes: the cause's
subject and no other.
"""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from sqlmodel import select

from config import PROJECT_ROOT
from credit.audit.actor import Actor
from credit.catalog.loader import Catalog
from credit.clock import LOCAL_TZ
from credit.listing.models import ListEntry
from credit.scoring.engine import recompute, recompute_changed, subjects_to_recompute
from credit.scoring.models import Assessment, AssessmentRun
from credit.scoring.queries import assessment_in_force
from credit.records.services import transition

REVIEWER = Actor(None, "test-reviewer")
L = dt.date(2026, 3, 10)  # the last run's date
D = L + dt.timedelta(days=1)  # tonight's


def night(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(1, 0), LOCAL_TZ)


def daytime(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), LOCAL_TZ)


@pytest.fixture
def at(clock):
    """Move the test clock: what is made next is made at that moment."""
    def move(moment: dt.datetime) -> None:
        clock.instant = moment
    return move


@pytest.fixture
def nightly(session, ctx):
    def run(day: dt.date, catalog: Catalog | None = None) -> AssessmentRun:
        result = recompute_changed(session, catalog or ctx.catalog, day, night(day))
        session.commit()
        return result
    return run


@pytest.fixture
def quiet(at, make_subject, make_record):
    """A subject made well before the last run, with a record in the middle of its window."""
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject("patent_agency", name="平静代理所")
    make_record(subject, "PA-PENALTY", dt.date(2025, 6, 1))
    return subject


def causes(session, ctx, day: dt.date = D) -> list[int]:
    previous = session.exec(select(AssessmentRun).order_by(AssessmentRun.id.desc())).first()
    return subjects_to_recompute(session, ctx.catalog.in_force(day), previous, day)


def result(session, subject, day: dt.date) -> tuple:
    a = assessment_in_force(session, subject.id, day)
    return (a.valid_from, a.score, a.grade, a.listed)


def test_nothing_changed_recomputes_no_one_and_writes_nothing(session, quiet, nightly):
    first = nightly(L)
    assert (first.full, first.subjects, first.written) == (True, 1, 1)
    tonight = nightly(D)
    assert (tonight.full, tonight.subjects, tonight.written) == (False, 0, 0)
    assert len(session.exec(select(Assessment)).all()) == 1


def test_a_record_created_since_the_last_run(session, ctx, at, quiet, nightly, make_subject, make_record):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    nightly(L)
    at(daytime(L))
    make_record(subject, "PA-PENALTY", dt.date(2026, 3, 1))
    assert causes(session, ctx) == [subject.id]
    run = nightly(D)
    assert (run.subjects, run.written) == (1, 1)
    assert result(session, subject, D) == (D, 80, "B", False)
    assert result(session, subject, L) == (L, 100, "A", False)


@pytest.mark.parametrize("status, to, expected", [
    ("draft", "confirmed", 80), ("confirmed", "revoked", 100), ("confirmed", "repaired", 100),
    ("confirmed", "disputed", 80),
])
def test_a_record_confirmed_revoked_or_repaired_since_the_last_run(session, ctx, at, quiet, nightly, make_subject,
                                                                   make_record, status, to, expected):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2), status=status)
    nightly(L)
    at(daytime(L))
    transition(session, ctx.catalog, record, to, REVIEWER, night(L) + dt.timedelta(hours=9), L, reason="依法处理",
               repaired_on=L)
    session.commit()
    assert causes(session, ctx) == [subject.id]
    nightly(D)
    assert result(session, subject, D)[1] == expected


def test_a_record_moved_or_edited_by_an_import(session, ctx, at, quiet, nightly, make_subject, make_record):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    nightly(L)
    record.rule_code, record.updated_at = "PA-STOP-NEW", daytime(L).astimezone(dt.timezone.utc)
    session.commit()
    assert causes(session, ctx) == [subject.id]
    nightly(D)
    assert result(session, subject, D)[1:3] == (40, "D")


def test_a_subject_registered_or_changed_since_the_last_run(session, ctx, at, quiet, nightly, make_subject,
                                                           make_record):
    nightly(L)
    at(daytime(L))
    registered = make_subject("firm")
    assert causes(session, ctx) == [registered.id]
    run = nightly(D)
    assert (run.subjects, run.written) == (1, 1)
    assert result(session, registered, D) == (D, 100, "A", False)


@pytest.mark.parametrize("decided, code, last, tonight, counted", [
    # A one-year window from 29 February 2024 ends on 28 February 2025 (DESIGN section 4).
    (dt.date(2024, 2, 29), "PA-RECTIFY", dt.date(2025, 2, 27), dt.date(2025, 2, 28), True),
    (dt.date(2024, 2, 28), "PA-RECTIFY", dt.date(2025, 2, 27), dt.date(2025, 2, 28), True),
    (dt.date(2024, 2, 29), "PA-RECTIFY", dt.date(2025, 2, 28), dt.date(2025, 3, 1), False),
    (dt.date(2024, 3, 1), "PA-RECTIFY", dt.date(2025, 2, 28), dt.date(2025, 3, 1), True),
    (dt.date(2024, 2, 29), "PA-RECTIFY", dt.date(2025, 2, 25), dt.date(2025, 3, 2), True),  # nights missed
    # Three years from 29 February 2024 end on 28 February 2027.
    (dt.date(2024, 2, 29), "PA-PENALTY", dt.date(2027, 2, 27), dt.date(2027, 2, 28), True),
    # In a leap year no window of whole years from a real date ends on the 29th.
    (dt.date(2025, 2, 28), "PA-PENALTY", dt.date(2028, 2, 27), dt.date(2028, 2, 28), True),
    (dt.date(2025, 2, 28), "PA-PENALTY", dt.date(2028, 2, 28), dt.date(2028, 2, 29), False),
    (dt.date(2025, 3, 1), "PA-PENALTY", dt.date(2028, 2, 29), dt.date(2028, 3, 1), True),
    (dt.date(2027, 2, 28), "PA-RECTIFY", dt.date(2028, 2, 27), dt.date(2028, 2, 28), True),
])
def test_a_window_ending_between_the_runs(session, ctx, at, nightly, make_subject, make_record, decided, code, last,
                                          tonight, counted):
    at(daytime(decided - dt.timedelta(days=1)))
    subject = make_subject()
    make_record(subject, code, decided)
    nightly(last)
    assert causes(session, ctx, tonight) == ([subject.id] if counted else [])
    nightly(tonight)
    assert result(session, subject, tonight)[1] == 100
    assert assessment_in_force(session, subject.id, last).score < 100 or not counted


def test_a_record_that_starts_counting_on_the_new_date(session, ctx, at, quiet, nightly, make_subject, make_record):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    make_record(subject, "PA-PENALTY", D)  # decided ahead (a date the services refuse, an import from elsewhere may bring)
    nightly(L)
    assert causes(session, ctx) == [subject.id]
    nightly(D)
    assert result(session, subject, D)[1] == 80


def test_a_repair_taking_effect_on_the_new_date(session, ctx, at, quiet, nightly, make_subject, make_record):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    make_record(subject, "PA-PENALTY", dt.date(2025, 1, 2), status="repaired", repaired_on=D)
    nightly(L)
    assert causes(session, ctx) == [subject.id]
    nightly(D)
    assert (result(session, subject, L)[1], result(session, subject, D)[1]) == (80, 100)


@pytest.mark.parametrize("listed_on, removed_on, listed", [(D, None, True), (dt.date(2025, 1, 1), D, False)])
def test_a_list_entry_listed_or_removed_on_the_new_date(session, ctx, at, quiet, nightly, make_subject, listed_on,
                                                        removed_on, listed):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    session.add(ListEntry(id="SD-2025-000001", subject_id=subject.id, status="removed" if removed_on else "listed",
                          reason="挂证", legal_basis="第九条", authority="淮南市市场监督管理局", decision_no="1",
                          listed_on=listed_on, planned_removal_on=listed_on.replace(year=listed_on.year + 3),
                          removed_on=removed_on, first_published_on=listed_on, removal_published_on=removed_on))
    session.commit()
    nightly(L)
    assert causes(session, ctx) == [subject.id]
    nightly(D)
    assert result(session, subject, D)[2:] == (("D", True) if listed else ("A", False))


def test_a_list_entry_entered_after_the_run_with_an_earlier_date(session, ctx, at, quiet, nightly, make_subject):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    nightly(L)
    session.add(ListEntry(id="SD-2025-000002", subject_id=subject.id, status="listed", reason="挂证",
                          legal_basis="第九条", authority="国家知识产权局", decision_no="国知发〔2025〕1号",
                          listed_on=dt.date(2025, 12, 1), planned_removal_on=dt.date(2028, 12, 1),
                          first_published_on=dt.date(2025, 12, 1)))
    session.commit()
    assert causes(session, ctx) == [subject.id]
    nightly(D)
    assert result(session, subject, D)[2:] == ("D", True)
    assert causes(session, ctx, D + dt.timedelta(days=1)) == []


def test_a_result_stored_ahead_is_recomputed_on_its_date(session, ctx, at, quiet, nightly, make_subject,
                                                         make_record):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    record = make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    nightly(L)
    recompute(session, ctx.catalog, D, night(L), [subject.id])  # assessed ahead: unchanged, nothing stored
    record.status = "revoked"  # without its updated_at: only the stored row can bring the subject back
    session.commit()
    assert causes(session, ctx) == []
    recompute(session, ctx.catalog, D + dt.timedelta(days=1), night(L), [subject.id])  # a row for D + 1 is stored
    session.commit()
    assert causes(session, ctx, D + dt.timedelta(days=1)) == [subject.id]


def test_another_catalog_version_in_force_recomputes_everyone(session, at, quiet, nightly, make_subject, make_record,
                                                              tmp_path):
    folder = tmp_path / "rules" / "catalog"
    folder.mkdir(parents=True)
    baseline = PROJECT_ROOT / "rules" / "catalog" / "2020-01-01-baseline.yaml"
    shutil.copy(baseline, folder / baseline.name)
    (folder / "2026-03-11.yaml").write_text(baseline.read_text(encoding="utf-8").replace(
        'version: "2020.1"', 'version: "2026.1"').replace("effective_from: 2020-01-01", "effective_from: 2026-03-11"),
        encoding="utf-8")
    catalog = Catalog.load(tmp_path / "rules")
    at(daytime(dt.date(2026, 1, 5)))
    other = make_subject()
    nightly(L, catalog)
    run = nightly(D, catalog)
    assert (run.full, run.subjects, run.written) == (True, 2, 2)
    assert {assessment_in_force(session, s.id, D).catalog_version for s in (quiet, other)} == {"2026.1"}
    assert nightly(D + dt.timedelta(days=1), catalog).full is False


def test_the_run_starts_from_the_latest_run_not_after_its_date(session, ctx, at, quiet, nightly, make_subject,
                                                               make_record):
    at(daytime(dt.date(2026, 1, 5)))
    subject = make_subject()
    nightly(L)
    nightly(D)
    at(daytime(D))
    make_record(subject, "PA-PENALTY", dt.date(2026, 1, 2))
    # Rerunning an earlier night starts from the run before it and keeps tonight's answer.
    rerun = recompute_changed(session, ctx.catalog, L, night(D) + dt.timedelta(hours=12))
    session.commit()
    assert rerun.subjects == 1
    assert result(session, subject, L)[1] == 80 and result(session, subject, D)[1] == 100
