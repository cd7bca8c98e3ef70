"""`reassess`: the one entry point every recomputation goes through, and the caller's commit.

Each path that recomputes (a record's life cycle, an import, the nightly job, the expiry sweep,
the credit report, `credit assess`; the demo in tests/test_demo.py) is run for real, and what it
committed is read through a new session: the assessments, and the reason ``reassess`` wrote.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.cli import main
from credit.clock import LOCAL_TZ
from credit.listing.models import ListEntry
from credit.notices.services import NoticeSettings
from credit.notices.triggers import issue_credit_report
from credit.scheduler import runner as job_runner
from credit.scheduler.models import JobRun
from credit.scoring import services
from credit.scoring.models import Assessment
from credit.scoring.services import reassess
from credit.records.models import Record
from credit.records.services import RecordInput, record_violation
from tests.exchange.conftest import record_row, write_jsonl
from tests.actions import csrf_token

TODAY = dt.date(2026, 11, 26)
INSPECTOR = Actor(None, "test-inspector")


def committed_assessments(ctx) -> dict[tuple[int, dt.date], tuple[int, str]]:
    with ctx.sessions() as fresh:
        return {(a.subject_id, a.valid_from): (a.score, a.grade) for a in fresh.exec(select(Assessment))}


def committed_reassessments(ctx) -> list[tuple[str, str, list[int] | None, int]]:
    """(reason, as_of, subject ids, subjects assessed) of each reassessment that was committed."""
    with ctx.sessions() as fresh:
        events = fresh.exec(select(AuditEvent).where(AuditEvent.action == "assessment.reassess").order_by(AuditEvent.id))
        data = [(event.object_id, json.loads(event.data)) for event in events]
    return [(d["reason"], as_of, d["subject_ids"], d["subjects"]) for as_of, d in data]


@pytest.fixture
def penalised(make_subject, make_record):
    """An agency with one PA-PENALTY (the rule case: 80, B)."""
    agency = make_subject("patent_agency")
    make_record(agency, "PA-PENALTY", dt.date(2026, 3, 2))
    return agency


def fail_after_scoring(monkeypatch):
    """Make reassess fail once the assessments are written, before it returns."""
    def broken(*_args, **_kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(services, "record_event", broken)


# -- the entry point ------------------------------------------------------------------------------


def test_everyone_is_assessed_as_of_today_with_the_reason_and_the_caller_commits(session, ctx, clock, penalised,
                                                                                make_subject):
    clean = make_subject("patent_agency")

    assert reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="nightly") == 2

    assert committed_assessments(ctx) == {} and committed_reassessments(ctx) == []
    session.commit()
    assert committed_assessments(ctx) == {(penalised.id, TODAY): (80, "B"), (clean.id, TODAY): (100, "A")}
    assert committed_reassessments(ctx) == [("nightly", "2026-11-26", None, 2)]


def test_only_the_subjects_named_as_of_the_date_named_and_none_for_an_empty_list(session, ctx, clock, penalised,
                                                                                 make_subject):
    other = make_subject("patent_agency")

    assert reassess(session, clock, catalog=ctx.catalog, subject_ids=[penalised.id, penalised.id],
                    as_of=dt.date(2026, 3, 1), reason="correction") == 1
    assert reassess(session, clock, catalog=ctx.catalog, subject_ids=[], reason="nothing") == 0
    session.commit()

    assert committed_assessments(ctx) == {(penalised.id, dt.date(2026, 3, 1)): (100, "A")}  # before the penalty
    assert committed_reassessments(ctx) == [("correction", "2026-03-01", [penalised.id], 1)]
    assert other.id not in {subject_id for subject_id, _day in committed_assessments(ctx)}


def test_a_reassessment_that_changes_no_result_is_no_audit_event(session, ctx, clock, penalised):
    for reason in ("credit report", "credit report"):  # a report asked twice
        assert reassess(session, clock, catalog=ctx.catalog, subject_ids=[penalised.id], reason=reason) == 1
        session.commit()
    assert committed_reassessments(ctx) == [("credit report", "2026-11-26", [penalised.id], 1)]


# -- every path goes through it -------------------------------------------------------------------


@pytest.fixture
def draft(session, ctx, clock, make_subject):
    agency = make_subject("patent_agency")
    record = record_violation(session, ctx.catalog, agency, RecordInput("PA-PENALTY", dt.date(2026, 10, 1),
                              authority="淮南市市场监督管理局", facts="超范围代理"), INSPECTOR, clock.now(), clock.today())
    session.commit()
    return record


def confirm(client, login_as, record):
    login_as("reviewer")
    return client.post(f"/records/{record.id}/confirm", data={"csrf_token": csrf_token(client)})


def test_confirming_a_record_reassesses_its_subject(client, login_as, ctx, draft):
    assert confirm(client, login_as, draft).status_code == 302

    assert committed_assessments(ctx) == {(draft.subject_id, TODAY): (80, "B")}
    assert committed_reassessments(ctx) == [(f"record {draft.id} confirmed", "2026-11-26", [draft.subject_id], 1)]


def test_importing_records_reassesses_the_subjects_touched(runner, ctx, tmp_path, penalised, make_subject):
    imported = make_subject("patent_agency")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("SAMR-1", imported.uscc)])

    assert runner.invoke(main, ["import", "records", str(path)]).exit_code == 0

    assert committed_assessments(ctx) == {(imported.id, TODAY): (80, "B")}
    assert committed_reassessments(ctx) == [("import records.jsonl", "2026-11-26", [imported.id], 1)]


def test_the_nightly_job_reassesses_everyone_as_of_its_scheduled_day(app, ctx, penalised, make_subject):
    clean = make_subject("firm")
    with app.app_context():
        outcome = job_runner.run_job("recompute_assessments", dt.datetime(2026, 11, 26, 1, 0, tzinfo=LOCAL_TZ))

    assert outcome.status == "succeeded" and "recomputed 2 assessments as of 2026-11-26" in outcome.summary
    assert committed_assessments(ctx) == {(penalised.id, TODAY): (80, "B"), (clean.id, TODAY): (100, "A")}
    assert committed_reassessments(ctx) == [("nightly", "2026-11-26", None, 2)]


def test_the_expiry_sweep_reassesses_the_subjects_taken_off_the_list(app, session, ctx, penalised):
    session.add(ListEntry(id="SD-2023-000001", subject_id=penalised.id, status="listed", reason="挂证",
                          legal_basis="第十条", authority="淮南市市场监督管理局", decision_no="1",
                          listed_on=dt.date(2023, 11, 26), planned_removal_on=TODAY))
    session.commit()
    with app.app_context():
        assert job_runner.run_job("expiry_sweep", dt.datetime(2026, 11, 26, 3, 0, tzinfo=LOCAL_TZ)).status == "succeeded"

    assert committed_assessments(ctx) == {(penalised.id, TODAY): (80, "B")}  # no longer listed: D no more
    assert committed_reassessments(ctx) == [("list entries expired", "2026-11-26", [penalised.id], 1)]


def test_a_credit_report_without_todays_assessment_reassesses_its_subject(app, session, ctx, clock, penalised):
    issue_credit_report(session, NoticeSettings.from_config(app.config), ctx.catalog, penalised, INSPECTOR,
                        clock.now())
    session.commit()

    assert committed_assessments(ctx) == {(penalised.id, TODAY): (80, "B")}
    assert committed_reassessments(ctx) == [("credit report", "2026-11-26", [penalised.id], 1)]


def test_credit_assess_reassesses_and_the_command_commits(runner, ctx, penalised):
    result = runner.invoke(main, ["assess", "--uscc", penalised.uscc, "--as-of", "2026-06-30", "--format", "json"])

    assert result.exit_code == 0, result.output
    assert committed_assessments(ctx) == {(penalised.id, dt.date(2026, 6, 30)): (80, "B")}
    assert committed_reassessments(ctx) == [("credit assess", "2026-06-30", [penalised.id], 1)]


# -- a failure half-way commits nothing -----------------------------------------------------------


def test_a_confirmation_whose_reassessment_fails_leaves_the_record_as_it_was(client, login_as, ctx, draft,
                                                                             monkeypatch):
    fail_after_scoring(monkeypatch)

    with pytest.raises(RuntimeError, match="connection lost"):  # the app's 500, as the test client sees it
        confirm(client, login_as, draft)

    with ctx.sessions() as fresh:
        assert fresh.get(Record, draft.id).status == "draft"
        assert fresh.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all() == ["subject.create", "record.draft"]
    assert committed_assessments(ctx) == {}


def test_a_nightly_run_failing_after_scoring_commits_no_assessment(app, ctx, penalised, monkeypatch):
    fail_after_scoring(monkeypatch)
    with app.app_context():
        outcome = job_runner.run_job("recompute_assessments", dt.datetime(2026, 11, 26, 1, 0, tzinfo=LOCAL_TZ))

    assert outcome.status == "failed" and "connection lost" in outcome.summary
    assert committed_assessments(ctx) == {}
    with ctx.sessions() as fresh:
        assert fresh.exec(select(JobRun.status)).all() == ["failed"]


def test_credit_assess_failing_after_scoring_commits_nothing(runner, ctx, penalised, monkeypatch):
    fail_after_scoring(monkeypatch)

    result = runner.invoke(main, ["assess"])

    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    assert committed_assessments(ctx) == {}
