"""The catalog loader refuses bad files with file, line and reason; versions are dated."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from config import PROJECT_ROOT
from credit.catalog.cli import rules_group
from credit.catalog.loader import Catalog, CatalogProblem, NoCatalogInForce

BASELINE = PROJECT_ROOT / "rules" / "catalog" / "2020-01-01-baseline.yaml"


@pytest.fixture
def rules_dir(tmp_path) -> Path:
    (tmp_path / "catalog").mkdir()
    shutil.copy(BASELINE, tmp_path / "catalog" / BASELINE.name)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_version(rules_dir: Path, name: str, effective_from: str) -> Path:
    """A copy of the baseline as another version, in force from ``effective_from``."""
    path = rules_dir / "catalog" / f"{effective_from}.yaml"
    shutil.copy(BASELINE, path)
    edit(path, 'version: "2020.1"', f'version: "{name}"')
    edit(path, "effective_from: 2020-01-01", f"effective_from: {effective_from}")
    return path


def line_of(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def problems(path: Path) -> list[tuple[str, int | None, str]]:
    with pytest.raises(CatalogProblem) as info:
        Catalog.load(path)
    return info.value.problems


def test_baseline_loads_with_every_rule_referenced():
    catalog = Catalog.load(PROJECT_ROOT / "rules")
    version = catalog.in_force(dt.date(2026, 11, 26))
    assert version.version == "2020.1" and len(version.rules) == 26
    assert all(rule.reference.startswith("《") for rule in version.rules)
    assert {r.code for r in version.rules if r.serious} >= {"PA-STOP-NEW", "PA-REVOKED", "FM-REPEAT-INFRINGE"}


@pytest.mark.parametrize(
    "old, new, fragment, reason",
    [
        ("    window_years: 1\n", "    window_years: 1\n    weight: 2\n", "weight: 2", "unknown key"),
        ("    kind: firm\n", "    kind: university\n", "kind: university", "unknown subject kind"),
        ("effective_from: 2020-01-01", "effective_from: 2023-02-30", "2023-02-30", "impossible value"),
        ("bonus_total_cap: 10\n", "bonus_total_cap: 10\nbonus_total_cap: 20\n", "bonus_total_cap: 20", "duplicate key"),
        ("    points: -20\n", "    points: -20\n    points: -30\n", "points: -30", "duplicate key"),
        ("    cap: -40\n", "    cap: 40\n", "cap: 40", "sign of points"),
    ],
    ids=["unknown-key", "unknown-kind", "impossible-date", "duplicate-top-key", "duplicate-rule-key", "cap-sign"],
)
def test_bad_file_is_refused_with_file_line_and_reason(rules_dir, old, new, fragment, reason):
    path = rules_dir / "catalog" / BASELINE.name
    edit(path, old, new)
    found = problems(rules_dir)
    assert len(found) >= 1
    file, line, message = found[0]
    assert file == str(path)
    assert reason in message
    # The reported line is the offending line or the rule/item that contains it.
    assert line is not None and line <= line_of(path, fragment)
    assert line >= line_of(path, fragment) - 10


def test_missing_reference_is_refused(rules_dir):
    path = rules_dir / "catalog" / BASELINE.name
    edit(path, "    reference: 《专利代理条例》第二十五条\n", "")
    (file, line, message), = problems(rules_dir)
    assert "reference" in message and "required" in message
    assert line == line_of(path, "code: PA-PENALTY")


def test_overlapping_versions_are_refused(rules_dir):
    second = add_version(rules_dir, "2026.1", "2026-01-01")
    first = rules_dir / "catalog" / BASELINE.name
    edit(first, "effective_from: 2020-01-01\n", "effective_from: 2020-01-01\neffective_to: 2026-06-01\n")
    (file, line, message), = problems(rules_dir)
    assert file == str(second) and "overlaps" in message
    assert line == line_of(second, "effective_from")


def test_versions_apply_by_date_and_before_the_first_is_refused(rules_dir):
    second = add_version(rules_dir, "2026.1", "2026-01-01")
    catalog = Catalog.load(rules_dir)
    assert catalog.in_force(dt.date(2025, 12, 31)).version == "2020.1"
    assert catalog.in_force(dt.date(2026, 1, 1)).version == "2026.1"
    with pytest.raises(NoCatalogInForce, match="2019-12-31.*2020-01-01"):
        catalog.in_force(dt.date(2019, 12, 31))


def test_rules_check_command_reports_and_exits_non_zero(rules_dir):
    edit(rules_dir / "catalog" / BASELINE.name, "    kind: firm\n", "    kind: university\n")
    result = CliRunner().invoke(rules_group, ["check", str(rules_dir)])
    assert result.exit_code == 1
    assert f"{rules_dir / 'catalog' / BASELINE.name}:" in result.output
    assert "unknown subject kind 'university'" in result.output


def test_rules_check_command_accepts_the_project_catalog():
    result = CliRunner().invoke(rules_group, ["check"])
    assert result.exit_code == 0, result.output
    assert "cases pass" in result.output


def test_rules_check_fails_a_wrong_case(tmp_path):
    case = tmp_path / "cases" / "wrong.yaml"
    case.parent.mkdir()
    case.write_text(
        "cases:\n  - name: wrong\n    as_of: 2026-01-01\n    kind: firm\n"
        "    records: [{id: 1, type: FM-INFRINGE, decision_date: 2025-01-01}]\n"
        "    expect: {score: 100, grade: A}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(rules_group, ["check", str(case)])
    assert result.exit_code == 1
    assert "expected 100, got 80" in result.output
