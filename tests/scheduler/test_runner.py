"""Exactly once per (job, scheduled time); failures leave nothing behind; missed runs caught up once."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from credit.clock import LOCAL_TZ, to_local
from credit.dates import add_years
from credit.notices import triggers
from credit.notices.models import Notice
from credit.scheduler import jobs, runner
from credit.scheduler.models import JobRun

NIGHT = dt.datetime(2026, 11, 26, 2, 0, tzinfo=LOCAL_TZ)


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


def runs(session) -> list[JobRun]:
    session.expire_all()
    return list(session.exec(select(JobRun).order_by(JobRun.scheduled_for, JobRun.job)).all())


@pytest.mark.parametrize("now, expected", [
    (local(2026, 11, 26, 10, 0), [("recompute_assessments", local(2026, 11, 26, 1)),
                                  ("issue_notices", local(2026, 11, 26, 2)), ("expiry_sweep", local(2026, 11, 26, 3))]),
    (local(2026, 11, 26, 1, 30), [("expiry_sweep", local(2026, 11, 25, 3)), ("recompute_assessments", local(2026, 11, 26, 1))]),
    (local(2026, 12, 7, 23, 0), [("monthly_report", local(2026, 12, 1, 6)), ("recompute_assessments", local(2026, 12, 7, 1)),
                                 ("issue_notices", local(2026, 12, 7, 2)), ("expiry_sweep", local(2026, 12, 7, 3)),
                                 ("publish_list", local(2026, 12, 7, 9))]),  # a Monday
    (local(2026, 12, 8, 7, 0), [("publish_list", local(2026, 12, 7, 9)), ("recompute_assessments", local(2026, 12, 8, 1)),
                                ("issue_notices", local(2026, 12, 8, 2)),
                                ("expiry_sweep", local(2026, 12, 8, 3))]),  # the report's week of grace is over
])
def test_missed_runs_are_the_latest_due_time_within_grace(session, now, expected):
    assert runner.missed_runs(session, now) == [(name, t.astimezone(dt.timezone.utc)) for name, t in expected]


def test_a_run_is_claimed_once_per_scheduled_time(app, session, graded_subjects):
    graded_subjects(3)
    with app.app_context():
        first = runner.run_job("issue_notices", NIGHT, "schedule")
        again = runner.run_job("issue_notices", NIGHT, "manual")

    assert first.status == "succeeded" and "3" in first.summary
    assert again.status == "skipped"
    [run] = runs(session)
    assert (run.job, run.status, run.trigger, run.attempts) == ("issue_notices", "succeeded", "schedule", 1)
    assert to_local(run.scheduled_for) == NIGHT
    assert len(session.exec(select(Notice)).all()) == 3


def test_a_job_failing_half_way_leaves_nothing_and_succeeds_when_rerun(app, session, graded_subjects, monkeypatch,
                                                                      stored_files):
    graded_subjects(3)

    def broken(*_args):
        raise RuntimeError("磁盘已满 / disk full")

    # The grade notices are issued (rows and files) before the removal step fails.
    monkeypatch.setattr(triggers, "issue_removal_notices", broken)
    with app.app_context():
        failed = runner.run_job("issue_notices", NIGHT, "schedule")
    assert failed.status == "failed" and "disk full" in failed.summary
    [run] = runs(session)
    assert run.status == "failed" and "RuntimeError" in run.traceback and "issue_removal_notices" not in run.summary
    assert session.exec(select(Notice)).all() == [] and stored_files() == []

    monkeypatch.undo()
    with app.app_context():
        retried = runner.run_job("issue_notices", NIGHT, "manual")
    assert retried.status == "succeeded"
    [run] = runs(session)
    assert (run.status, run.attempts, run.traceback) == ("succeeded", 2, "")
    notices = session.exec(select(Notice).order_by(Notice.serial)).all()
    assert [n.serial for n in notices] == [1, 2, 3] and len(stored_files()) == 3


def test_catch_up_runs_each_missed_job_once(app, session, graded_subjects, clock):
    graded_subjects(2)
    with app.app_context():
        outcomes = runner.catch_up()
        assert runner.catch_up() == []

    assert [(o.job, o.status) for o in outcomes] == [
        ("recompute_assessments", "succeeded"), ("issue_notices", "succeeded"), ("expiry_sweep", "succeeded")]
    assert {r.trigger for r in runs(session)} == {"catch-up"}
    assert len(session.exec(select(Notice)).all()) == 2


def test_the_scheduler_fires_for_the_due_time_it_was_called_for(app, session, clock):
    clock.instant = local(2026, 11, 26, 2, 0, 4)  # APScheduler calls a few moments after 02:00
    runner._scheduled(app, "issue_notices")
    runner._scheduled(app, "issue_notices")  # a second scheduler process firing too
    [run] = runs(session)
    assert run.job == "issue_notices" and run.status == "succeeded"
    assert to_local(run.scheduled_for) == NIGHT


def test_the_scheduler_runs_the_jobs_in_asia_shanghai_and_coalesces_missed_runs(app):
    scheduler = runner.build_scheduler(app)
    by_id = {job.id: job for job in scheduler.get_jobs()}
    assert set(by_id) == set(jobs.JOBS)
    for name, job in by_id.items():
        assert str(job.trigger.timezone) == "Asia/Shanghai"
        assert job.coalesce is True and job.max_instances == 1
        assert job.misfire_grace_time == jobs.JOBS[name].grace.total_seconds()
    assert str(by_id["monthly_report"].trigger) == "cron[day='1', hour='6', minute='0']"


def test_the_expiry_sweep_removes_entries_whose_period_is_over(app, session, make_subject, clock):
    from credit.listing.models import ListEntry
    from credit.scoring.queries import assessment_in_force

    subject = make_subject()
    for entry_id, planned in (("SD-2023-000001", dt.date(2026, 11, 26)), ("SD-2024-000002", dt.date(2027, 3, 1))):
        session.add(ListEntry(id=entry_id, subject_id=subject.id, status="listed", reason="挂证", legal_basis="第十条",
                              authority="淮南市市场监督管理局", decision_no="1", listed_on=add_years(planned, -3),
                              planned_removal_on=planned, first_published_on=add_years(planned, -3)))
    session.commit()
    with app.app_context():
        assert runner.run_job("expiry_sweep", local(2026, 11, 26, 3)).status == "succeeded"
    session.expire_all()
    expired, current = session.get(ListEntry, "SD-2023-000001"), session.get(ListEntry, "SD-2024-000002")
    assert (expired.status, expired.removed_on) == ("removed", dt.date(2026, 11, 26)) and current.status == "listed"
    assert assessment_in_force(session, subject.id, clock.today()).listed is True  # still on the list through the second entry


def _dead_pid() -> int:
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_left_running_by_a_crashed_process_is_taken_over_and_a_live_one_is_not(app, session, graded_subjects):
    import os
    import socket

    graded_subjects(2)
    started = NIGHT.astimezone(dt.timezone.utc)
    for job, holder in (("issue_notices", f"{socket.gethostname()}:{_dead_pid()}"),  # killed mid-run (OOM, kill -9)
                        ("expiry_sweep", f"{socket.gethostname()}:{os.getppid()}"),  # still running
                        ("recompute_assessments", f"another-host:{_dead_pid()}")):  # cannot be checked from here
        session.add(JobRun(job=job, scheduled_for=started, trigger="schedule", claimed_by=holder, status="running",
                           started_at=started))
    session.commit()

    with app.app_context():
        retried = runner.run_job("issue_notices", NIGHT, "manual")
        alive = runner.run_job("expiry_sweep", NIGHT, "manual")
        elsewhere = runner.run_job("recompute_assessments", NIGHT, "manual")

    assert (retried.status, alive.status, elsewhere.status) == ("succeeded", "skipped", "skipped")
    by_job = {r.job: r for r in runs(session)}
    assert (by_job["issue_notices"].status, by_job["issue_notices"].attempts) == ("succeeded", 2)
    assert len(session.exec(select(Notice)).all()) == 2


def test_the_nightly_recompute_stores_only_what_changed_since_the_last_night(app, session, clock, make_subject,
                                                                            make_record):
    from credit.scoring.models import Assessment

    clock.instant = local(2026, 11, 25, 10, 0)
    subjects = [make_subject() for _ in range(3)]
    clock.instant = local(2026, 11, 26, 1, 0)
    with app.app_context():
        first = runner.run_job("recompute_assessments", local(2026, 11, 26, 1))
        clock.instant = local(2026, 11, 26, 10, 0)
        make_record(subjects[0], "PA-PENALTY", dt.date(2026, 11, 2))
        clock.instant = local(2026, 11, 27, 1, 0)
        second = runner.run_job("recompute_assessments", local(2026, 11, 27, 1))

    assert first.status == second.status == "succeeded"
    # The second night recomputes only the subject whose record changed.
    assert "recomputed 3 assessments as of 2026-11-26" in first.summary
    assert "recomputed 1 assessments as of 2026-11-27" in second.summary
    rows = session.exec(select(Assessment).order_by(Assessment.valid_from, Assessment.subject_id)).all()
    assert [(a.subject_id, str(a.valid_from), a.score) for a in rows] == [
        (subjects[0].id, "2026-11-26", 100), (subjects[1].id, "2026-11-26", 100), (subjects[2].id, "2026-11-26", 100),
        (subjects[0].id, "2026-11-27", 80)]
