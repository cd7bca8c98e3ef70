"""`credit assess` computes and stores assessments as of a date and prints them; `export assessments`."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlmodel import select

from credit.scoring.models import Assessment
from credit.subjects.services import synthetic_uscc

from tests.exchange.conftest import record_row, write_jsonl


@pytest.fixture
def agencies(cli, tmp_path, make_subject, make_record):
    """One agency with one imported PA-PENALTY (the rule case: 80, B), one with five capped local records."""
    penalised, capped, clean = make_subject("patent_agency"), make_subject("patent_agency"), make_subject("firm")
    path = tmp_path / "records.jsonl"
    write_jsonl(path, [record_row("SAMR-2025-17", penalised.uscc, decision_date="2025-03-14")])
    assert cli("import", "records", path).exit_code == 0
    local = [make_record(capped, "PA-ABNORMAL-FILING", dt.date(2025, 1, day)) for day in range(1, 6)]
    return penalised, capped, clean, local


def _json(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_is_one_array_of_assessment_rows(cli, session, agencies):
    penalised, capped, clean, local = agencies

    rows = _json(cli("assess", "--as-of", "2026-11-26", "--format", "json"))

    by_uscc = {row["uscc"]: row for row in rows}
    assert by_uscc[penalised.uscc] == {
        "uscc": penalised.uscc, "as_of": "2026-11-26", "score": 80, "grade": "B", "tier": "general", "listed": False,
        "contributions": [{"record_id": "SAMR-2025-17", "type": "PA-PENALTY", "points": -20}],
    }
    assert (by_uscc[capped.uscc]["score"], by_uscc[capped.uscc]["grade"]) == (60, "C")
    assert by_uscc[capped.uscc]["contributions"] == [
        {"record_id": record.id, "type": "PA-ABNORMAL-FILING", "points": points}
        for record, points in zip(local, [-10, -10, -10, -10, 0])
    ]
    assert (by_uscc[clean.uscc]["grade"], by_uscc[clean.uscc]["contributions"]) == ("A", [])
    stored = session.exec(select(Assessment).where(Assessment.valid_from == dt.date(2026, 11, 26))).all()
    assert len(stored) == 3


def test_an_earlier_date_uses_the_records_of_that_date(cli, agencies):
    penalised = agencies[0]
    [row] = _json(cli("assess", "--as-of", "2025-03-13", "--uscc", penalised.uscc, "--format", "json"))
    assert (row["as_of"], row["score"], row["grade"], row["contributions"]) == ("2025-03-13", 100, "A", [])


def test_one_subject_only(cli, session, agencies):
    penalised = agencies[0]
    rows = _json(cli("assess", "--as-of", "2026-01-05", "--uscc", penalised.uscc, "--format", "json"))
    assert [r["uscc"] for r in rows] == [penalised.uscc]
    assert len(session.exec(select(Assessment).where(Assessment.valid_from == dt.date(2026, 1, 5))).all()) == 1


def test_a_date_before_the_first_catalog_version_is_refused(cli, session, agencies):
    result = cli("assess", "--as-of", "2019-12-31", "--format", "json")
    assert result.exit_code == 1 and result.stdout == ""
    assert "早于第一版信用规则目录的生效日期 2020-01-01" in result.stderr
    assert "is before the first catalog version (2020-01-01)" in result.stderr
    assert session.exec(select(Assessment).where(Assessment.valid_from == dt.date(2019, 12, 31))).all() == []


def test_an_unknown_uscc_is_refused(cli, agencies):
    result = cli("assess", "--uscc", synthetic_uscc(999_999), "--format", "json")
    assert result.exit_code == 1 and "尚未登记" in result.stderr and "no subject is registered" in result.stderr
    wrong = cli("assess", "--uscc", "123")
    assert wrong.exit_code == 1 and "a USCC has 18 characters" in wrong.stderr


def test_an_impossible_date_is_a_usage_error(cli, agencies):
    result = cli("assess", "--as-of", "2023-02-30")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr


def test_table_has_chinese_headers_and_one_line_a_subject(cli, agencies):
    result = cli("assess", "--as-of", "2026-11-26")
    lines = result.stdout.splitlines()
    # The labels of the subject page, in Chinese (the command line's language outside a page).
    assert lines[0].split() == ["统一社会信用代码", "名称", "评价日", "信用分", "信用等级", "监管层级", "列入名单"]
    penalised_line = next(line for line in lines if line.startswith(agencies[0].uscc))
    assert penalised_line.split()[2:] == ["2026-11-26", "80", "B", "一般", "否"]
    assert len(lines) == 4


def _exported(cli, *args) -> dict[str, dict]:
    return {row["uscc"]: row for row in map(json.loads, cli("export", "assessments", *args).stdout.splitlines())}


def test_export_assessments_in_force_today_or_on_a_date(cli, agencies):
    penalised, capped, clean, _local = agencies
    cli("assess", "--as-of", "2025-03-01")  # before the penalty was decided
    today = _exported(cli)
    assert {uscc: (r["as_of"], r["score"]) for uscc, r in today.items()} == {
        penalised.uscc: ("2026-11-26", 80), capped.uscc: ("2026-11-26", 60), clean.uscc: ("2026-11-26", 100)}
    dated = _exported(cli, "--as-of", "2025-03-01")
    assert {uscc: (r["as_of"], r["score"]) for uscc, r in dated.items()} == {
        penalised.uscc: ("2025-03-01", 100), capped.uscc: ("2025-03-01", 60), clean.uscc: ("2025-03-01", 100)}


def test_a_future_date_is_shown_only_where_asked_for(cli, agencies):
    penalised = agencies[0]
    cli("assess", "--as-of", "2026-11-26")
    # By then the penalty's three years are over; the result is stored for its date, not for today.
    [future] = _json(cli("assess", "--as-of", "2028-05-10", "--uscc", penalised.uscc, "--format", "json"))
    assert (future["as_of"], future["score"], future["grade"]) == ("2028-05-10", 100, "A")
    assert (_exported(cli)[penalised.uscc]["score"], _exported(cli)[penalised.uscc]["as_of"]) == (80, "2026-11-26")
    assert _exported(cli, "--as-of", "2028-05-10")[penalised.uscc]["score"] == 100


def test_assess_recomputes_what_can_have_changed_and_full_recomputes_everyone(cli, session, agencies):
    from credit.scoring.models import AssessmentRun

    for args in (["assess"], ["assess"], ["assess", "--full"]):
        assert cli(*args).exit_code == 0
    runs = session.exec(select(AssessmentRun).order_by(AssessmentRun.id)).all()
    # The first run has nothing to start from; the second finds nothing changed since the first.
    assert [(r.full, r.subjects, r.written) for r in runs] == [(True, 3, 2), (False, 0, 0), (True, 3, 0)]
    wrong = cli("assess", "--full", "--uscc", agencies[0].uscc)
    assert wrong.exit_code == 2 and "--full and --uscc exclude each other" in wrong.stderr
