"""`credit jobs list|run|history` and two scheduler processes racing for the same run."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from credit.cli import main
from credit.notices.models import Notice
from credit.scheduler.models import JobRun


def test_jobs_list_shows_every_job_with_its_next_run(runner):
    result = runner.invoke(main, ["jobs", "list"])
    assert result.exit_code == 0, result.output
    for name, next_run in (("recompute_assessments", "2026-11-27 01:00"), ("issue_notices", "2026-11-27 02:00"),
                           ("expiry_sweep", "2026-11-27 03:00"), ("monthly_report", "2026-12-01 06:00")):
        line = next(line for line in result.output.splitlines() if line.startswith(name))
        assert next_run in line


def test_jobs_run_for_a_time_then_history(runner, graded_subjects):
    graded_subjects(2)
    first = runner.invoke(main, ["jobs", "run", "issue_notices", "--for", "2026-11-26 02:00"])
    again = runner.invoke(main, ["jobs", "run", "issue_notices", "--for", "2026-11-26T02:00"])
    assert first.exit_code == 0 and "done" in first.output and "2" in first.output, first.output
    assert again.exit_code == 0 and "skipped" in again.output

    history = json.loads(runner.invoke(main, ["jobs", "history", "--format", "json"]).output)
    assert [(h["job"], h["scheduled_for"], h["status"], h["trigger"]) for h in history] == [
        ("issue_notices", "2026-11-26 02:00:00", "succeeded", "manual")]
    table = runner.invoke(main, ["jobs", "history"]).output
    assert "issue_notices" in table and "succeeded" in table


def test_jobs_run_refuses_the_future_and_bad_times(runner):
    future = runner.invoke(main, ["jobs", "run", "recompute_assessments", "--for", "2026-11-27 01:00"])
    assert future.exit_code != 0 and "不能晚于当前时间" in future.output
    bad = runner.invoke(main, ["jobs", "run", "recompute_assessments", "--for", "tomorrow"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_a_failed_run_exits_non_zero_with_the_reason(runner, monkeypatch):
    from credit.scheduler import jobs

    monkeypatch.setattr(jobs, "recompute_changed", lambda *a: 1 / 0)
    result = runner.invoke(main, ["jobs", "run", "recompute_assessments", "--for", "2026-11-26 01:00"])
    assert result.exit_code == 1 and "ZeroDivisionError" in result.output


def test_two_scheduler_processes_issue_each_notice_once(app, session, graded_subjects, database_url, tmp_path):
    """Two processes run the real job runner for the same due time against the same database."""
    graded_subjects(12)
    env = {**os.environ, "DATABASE_URL": database_url, "CREDIT_STORAGE_DIR": str(app.config["STORAGE_DIR"]),
           "CREDIT_INSTANCE": str(tmp_path), "SECRET_KEY": "test"}
    command = [str(Path(sys.executable).with_name("credit")), "jobs", "run", "issue_notices", "--for", "2026-11-26 02:00"]
    processes = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]

    assert [p.returncode for p in processes] == [0, 0], outputs
    said = sorted("done" if "done" in out else "skipped" if "skipped" in out else out for out, _err in outputs)
    assert said == ["done", "skipped"], outputs
    session.expire_all()
    notices = session.exec(select(Notice)).all()
    assert len(notices) == 12 and len({n.event_key for n in notices}) == 12
    assert sorted(n.serial for n in notices) == list(range(1, 13))
    assert len(session.exec(select(JobRun)).all()) == 1
    assert len(list((app.config["STORAGE_DIR"] / "notices").rglob("*.pdf"))) == 12
