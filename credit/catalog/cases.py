"""Rule test cases kept as data beside the catalog (rules/cases/*.yaml), OpenFisca style.

Each case names a date, a subject kind and its records, and the expected score and grade (and,
optionally, the catalog version in force); cases sit on each side of every boundary (window ends,
caps, grade thresholds, 29 February, the start of each catalog version).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import Field

from credit.catalog.loader import Catalog, Strict, load_all
from credit.scoring.reference import RecordFact, evaluate


class CaseRecord(Strict):
    id: int
    type: str
    decision_date: dt.date
    status: str = "confirmed"
    repaired_on: dt.date | None = None


class Expectation(Strict):
    score: int
    grade: str
    tier: str | None = None
    version: str | None = None  # the catalog version in force on as_of
    counted: dict[int, int] | None = None  # record id -> counted points


class RuleCase(Strict):
    name: str
    as_of: dt.date
    kind: str
    listed: bool = False
    records: list[CaseRecord] = Field(default_factory=list)
    expect: Expectation


class CaseFile(Strict):
    cases: list[RuleCase] = Field(min_length=1)


def load_cases(path: Path) -> list[tuple[Path, RuleCase]]:
    path = Path(path)
    files = [path] if path.is_file() else sorted((path / "cases").glob("*.yaml"))
    return [(file, case) for file, case_file, _lines in load_all(CaseFile, files) for case in case_file.cases]


def case_facts(case: RuleCase) -> list[RecordFact]:
    return [RecordFact(r.id, r.type, r.decision_date, r.status, r.repaired_on) for r in case.records]


def check_case(catalog: Catalog, case: RuleCase) -> list[str]:
    """Differences between the reference evaluation and the case's expectation (empty: passes)."""
    version = catalog.in_force(case.as_of)
    result = evaluate(version, case.kind, case_facts(case), case.as_of, case.listed)
    got = {"score": result.score, "grade": result.grade, "tier": result.tier, "version": version.version}
    wrong = [f"{key}: expected {getattr(case.expect, key)!r}, got {got[key]!r}"
             for key in got if getattr(case.expect, key) is not None and getattr(case.expect, key) != got[key]]
    if case.expect.counted is not None:
        counted = {c.record_id: c.counted_points for c in result.contributions}
        if counted != case.expect.counted:
            wrong.append(f"counted: expected {case.expect.counted}, got {counted}")
    return wrong
