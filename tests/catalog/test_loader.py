"""The catalog loader refuses bad files with file, line and reason; versions are dated."""
from __future__ import annotations

import datetime as dt
import json
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


CATALOG = Catalog.load(PROJECT_ROOT / "rules")
# What a version may not change without a source that says so: everything that makes a score.
SCORING = {"base_score", "score_floor", "bonus_total_cap", "listing_candidate_below", "grades", "listed_grade", "tiers"}
RULE_SCORING = {"code", "kind", "points", "cap", "window_years", "serious"}


def scoring(version) -> dict:
    data = version.model_dump(include=SCORING)
    data["rules"] = [rule.model_dump(include=RULE_SCORING) for rule in version.rules]
    return data


def test_the_history_is_dated_and_keeps_the_baseline_points():
    assert [(v.version, v.effective_from.isoformat()) for v in CATALOG.versions] == [
        ("2020.1", "2020-01-01"), ("2021.1", "2021-06-01"), ("2021.2", "2021-09-01"), ("2022.1", "2022-03-01"),
        ("2022.2", "2022-12-01"), ("2023.1", "2023-05-01"), ("2024.1", "2024-01-20"), ("2024.2", "2024-02-01"),
    ]
    first = CATALOG.versions[0]
    assert len(first.rules) == 26
    assert {r.code for r in first.rules if r.serious} >= {"PA-STOP-NEW", "PA-REVOKED", "FM-REPEAT-INFRINGE"}
    for version in CATALOG.versions[1:]:
        assert scoring(version) == scoring(first), version.version
    assert CATALOG.in_force(dt.date(2026, 11, 26)).version == "2024.2"


# When each cited instrument came into force and, if it did, when it ceased to be (DESIGN.md section 4
# and the instruments' own texts). A version cites only what is in force on its first day.
INSTRUMENTS = {
    "《市场监督管理严重违法失信名单管理办法》": (dt.date(2021, 9, 1), None),
    # Published late January 2022; its date of effect is still to be checked, so the catalog takes
    # it from 2022-03-01 on.
    "《国家知识产权局知识产权信用管理规定》": (dt.date(2022, 3, 1), None),
    "《商标代理监督管理规定》": (dt.date(2022, 12, 1), None),
    "《专利代理信用评价管理办法（试行）》": (dt.date(2023, 5, 1), None),
    "《规范申请专利行为的规定》": (dt.date(2024, 1, 20), None),
    "《地理标志产品保护办法》": (dt.date(2024, 2, 1), None),
    "《关于规范申请专利行为的办法》": (dt.date(2021, 3, 11), dt.date(2024, 1, 20)),
    "《关于规范专利申请行为的若干规定》": (dt.date(2017, 4, 1), dt.date(2024, 1, 20)),
    "《地理标志产品保护规定》": (dt.date(2005, 7, 15), dt.date(2024, 2, 1)),
    "《中华人民共和国专利法》（2008年修正）": (dt.date(2009, 10, 1), dt.date(2021, 6, 1)),
    "《中华人民共和国专利法》（2020年修正）": (dt.date(2021, 6, 1), None),
    "《中华人民共和国著作权法》（2010年修正）": (dt.date(2010, 4, 1), dt.date(2021, 6, 1)),
    "《中华人民共和国著作权法》（2020年修正）": (dt.date(2021, 6, 1), None),
}


@pytest.mark.parametrize("version", CATALOG.versions, ids=lambda v: v.version)
def test_each_version_cites_only_instruments_in_force_on_its_first_day(version):
    for rule in version.rules:
        assert "《" in rule.reference or rule.reference.startswith("〔基准〕"), rule.code
        for name, (start, end) in INSTRUMENTS.items():
            if name in rule.reference:
                assert start <= version.effective_from and (end is None or version.effective_from < end), (
                    f"{version.version} {rule.code} cites {name}")
        # A law amended since 2020 is cited with the amendment meant.
        for law in ("《中华人民共和国专利法》", "《中华人民共和国著作权法》"):
            assert law not in rule.reference or law + "（" in rule.reference, (version.version, rule.code)


# Issue 14 point 7: citations that said something else than the rule is about.
WRONG = [
    ("PA-SOLICIT", "第二十五条第一款第（三）项"),  # conflicts of interest
    ("TA-SUSPENDED", "第六十八条第三款"),  # civil liability; stopping acceptance is paragraph 2
    ("FM-REPEAT-INFRINGE", "第八条"),  # Order 44's IP items are in art. 9
    ("FM-REPEAT-INFRINGE", "第七十一条"),  # damages
    ("FM-INFRINGE", "第六十五条"),  # dispute handling, not a penalty
    ("PA-ABNORMAL-OP", "第三十九条"),  # inspection, not the list of abnormal operation
]
RIGHT = [
    ("PA-SOLICIT", "《专利代理管理办法》（国家市场监督管理总局令第6号）第五十一条第（三）项"),
    ("TA-SUSPENDED", "《中华人民共和国商标法》第六十八条第二款"),
    ("FM-COUNTERFEIT-PATENT", "第六"),  # art. 63 (2008) or art. 68 (2020): passing off patents
]


@pytest.mark.parametrize("code, fragment", WRONG)
def test_no_version_keeps_a_wrong_citation(code, fragment):
    assert [v.version for v in CATALOG.versions if fragment in v.rule(code).reference] == []


@pytest.mark.parametrize("code, fragment", RIGHT)
def test_every_version_cites_the_provision_the_rule_is_about(code, fragment):
    assert all(fragment in v.rule(code).reference for v in CATALOG.versions)


def test_order_44_is_cited_from_its_date_by_the_serious_types():
    before, after = CATALOG.in_force(dt.date(2021, 8, 31)), CATALOG.in_force(dt.date(2021, 9, 1))
    for code in ("FM-REPEAT-INFRINGE", "PA-STOP-NEW", "PA-REVOKED"):
        assert "令第44号" not in before.rule(code).reference
        assert "《市场监督管理严重违法失信名单管理办法》（国家市场监督管理总局令第44号）" in after.rule(code).reference


def test_a_record_decided_before_the_first_version_is_entered_under_it():
    assert CATALOG.version_for_record(dt.date(2019, 6, 1)).version == "2020.1"
    assert CATALOG.version_for_record(dt.date(2021, 6, 1)).version == "2021.1"
    with pytest.raises(NoCatalogInForce):
        CATALOG.in_force(dt.date(2019, 6, 1))


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
    edit(path, "    reference: 《专利代理条例》第二十五条第一款\n", "")
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
    add_version(rules_dir, "2026.1", "2026-01-01")
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


# -- versions based on another ------------------------------------------------------------------


def amendment(rules_dir: Path, body: str, name: str = "2026-01-01.yaml") -> Path:
    path = rules_dir / "catalog" / name
    path.write_text('version: "2026.1"\ntitle: 测试版\neffective_from: 2026-01-01\nbased_on: "2020.1"\n' + body,
                    encoding="utf-8")
    return path


def test_a_version_based_on_another_states_only_what_changes(rules_dir):
    amendment(rules_dir, "bonus_total_cap: 15\nrules:\n  - code: PA-PENALTY\n    points: -25\n"
                         "  - code: ANY-NEW-RULE\n    kind: all\n    category: general\n    behaviour: 新规则\n"
                         "    points: -5\n    window_years: 1\n    reference: 《测试依据》\n")
    catalog = Catalog.load(rules_dir)
    base, new = catalog.versions
    assert (new.version, new.title, new.effective_from, new.effective_to) == ("2026.1", "测试版", dt.date(2026, 1, 1), None)
    assert new.bonus_total_cap == 15 and new.rule("PA-PENALTY").points == -25
    assert new.rule("PA-PENALTY").reference == base.rule("PA-PENALTY").reference  # the rest is inherited
    assert [r.code for r in new.rules] == [r.code for r in base.rules] + ["ANY-NEW-RULE"]
    assert base.rule("PA-PENALTY").points == -20 and base.bonus_total_cap == 10


@pytest.mark.parametrize("body, fragment, reason", [
    ("rules:\n  - code: PA-PENALTY\n    weight: 2\n", "weight: 2", "unknown key"),
    ("rules:\n  - code: PA-PENALTY\n    category: trademark\n", "category: trademark", "categories must include"),
    ("rules:\n  - points: -5\n", "points: -5", "names the rule's code"),
    ("rules:\n  - code: PA-NEW\n    points: -5\n", "code: PA-NEW", "required key is missing"),
], ids=["unknown-key", "category-not-allowed", "no-code", "incomplete-new-rule"])
def test_a_bad_change_is_refused_at_its_line_in_the_amendment(rules_dir, body, fragment, reason):
    path = amendment(rules_dir, body)
    found = problems(rules_dir)
    assert all(file == str(path) for file, _line, _message in found)
    assert any(reason in message and line is not None and line_of(path, "rules:") <= line <= line_of(path, fragment)
               for _file, line, message in found), found


def test_based_on_must_name_a_version_of_the_catalog_without_a_circle(rules_dir):
    path = amendment(rules_dir, "")
    edit(path, 'based_on: "2020.1"', 'based_on: "2019.9"')
    (file, line, message), = problems(rules_dir)
    assert (file, line) == (str(path), line_of(path, "based_on")) and "no version '2019.9'" in message
    edit(path, 'based_on: "2019.9"', 'based_on: "2026.2"')
    other = amendment(rules_dir, "", "2026-06-01.yaml")
    edit(other, 'version: "2026.1"', 'version: "2026.2"')
    edit(other, "effective_from: 2026-01-01", "effective_from: 2026-06-01")
    edit(other, 'based_on: "2020.1"', 'based_on: "2026.1"')
    assert any("circle" in message for _file, _line, message in problems(rules_dir))


def test_a_file_is_checked_with_the_versions_it_may_be_based_on(rules_dir):
    path = amendment(rules_dir, "rules:\n  - code: PA-PENALTY\n    points: -25\n")
    assert [v.version for v in Catalog.load(path).versions] == ["2020.1", "2026.1"]


# -- what a record of a type may be entered with -------------------------------------------------


def test_a_rule_lists_the_categories_that_agree_with_it(rules_dir):
    first = CATALOG.versions[0]
    assert first.rule("TA-SUSPENDED").categories == ("trademark",)
    assert first.rule("FM-INFRINGE").categories == ("general", "trademark", "copyright", "gi")
    assert first.rule("PA-REVOKED").evidence_required and not first.rule("PA-PENALTY").evidence_required
    path = rules_dir / "catalog" / BASELINE.name
    edit(path, "    categories: [general, trademark, copyright, gi]\n", "    categories: [general, trade_secret]\n")
    (_file, line, message), = problems(rules_dir)
    assert "unknown IP category 'trade_secret'" in message and line == line_of(path, "trade_secret")


def test_a_reference_names_its_instrument_or_says_it_is_a_local_choice(rules_dir):
    path = rules_dir / "catalog" / BASELINE.name
    edit(path, "    reference: 《专利代理条例》第二十五条第一款\n", "    reference: 专利代理条例第25条\n")
    (_file, line, message), = problems(rules_dir)
    assert "names its instrument" in message and line == line_of(path, "reference: 专利代理条例第25条")


# -- credit rules diff ---------------------------------------------------------------------------


def test_rules_diff_shows_the_citations_that_changed():
    result = CliRunner().invoke(rules_group, ["diff", "2020.1", "2021.1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("信用规则目录 2020.1（2020-01-01起）→ 2021.1（2021-06-01起）")
    [row] = [line for line in lines if "FM-COUNTERFEIT-PATENT" in line]
    assert row.split()[:3] == ["changed", "FM-COUNTERFEIT-PATENT", "reference"]
    assert "《中华人民共和国专利法》（2008年修正）第六十三条 -> 《中华人民共和国专利法》（2020年修正）第六十八条" in row
    assert not any(" points " in line for line in lines)


def test_rules_diff_as_json_lists_added_removed_and_changed_fields(rules_dir):
    amendment(rules_dir, "rules:\n  - code: PA-PENALTY\n    points: -25\n    cap: -50\n")
    path = rules_dir / "catalog" / "2026-01-01.yaml"
    edit(path, "rules:\n", "rules:\n  - code: ANY-NEW-RULE\n    kind: all\n    category: general\n    behaviour: 新规则\n"
                            "    points: -5\n    window_years: 1\n    reference: 《测试依据》\n")
    result = CliRunner().invoke(rules_group, ["diff", "2020.1", "2026.1", "--format", "json", "--rules", str(rules_dir)])
    assert result.exit_code == 0, result.output
    diff = json.loads(result.output)
    assert diff["from"]["version"] == "2020.1" and diff["to"]["effective_from"] == "2026-01-01"
    assert [r["code"] for r in diff["added"]] == ["ANY-NEW-RULE"] and diff["removed"] == []
    rule_changes = [(c["rule"], c["field"], c["old"], c["new"]) for c in diff["changed"] if c["rule"]]
    assert rule_changes == [("PA-PENALTY", "points", -20, -25), ("PA-PENALTY", "cap", None, -50)]
    back = json.loads(CliRunner().invoke(rules_group, ["diff", "2026.1", "2020.1", "--format", "json",
                                                       "--rules", str(rules_dir)]).output)
    assert [r["code"] for r in back["removed"]] == ["ANY-NEW-RULE"]


def test_rules_diff_of_an_unknown_version_exits_non_zero():
    result = CliRunner().invoke(rules_group, ["diff", "2020.1", "1999.1"])
    assert result.exit_code == 1
    assert "no catalog version '1999.1'" in result.output and "2024.2" in result.output
