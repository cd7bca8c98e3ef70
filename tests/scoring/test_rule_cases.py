"""The rule cases in rules/cases/ hold for the reference evaluator and for the SQL engine."""
from __future__ import annotations

import pytest

from config import PROJECT_ROOT
from credit.catalog.cases import case_facts, check_case, load_cases
from credit.catalog.loader import Catalog

from tests.scoring.helpers import sql_result, store_case

CATALOG = Catalog.load(PROJECT_ROOT / "rules")
CASES = load_cases(PROJECT_ROOT / "rules")


def test_there_are_cases_on_both_sides_of_boundaries():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", [c for _f, c in CASES], ids=lambda c: c.name)
def test_reference_evaluator(case):
    assert check_case(CATALOG, case) == []


@pytest.mark.parametrize("case", [c for _f, c in CASES], ids=lambda c: c.name)
def test_sql_engine(case, session, make_subject, make_record, clock):
    subject, ids = store_case(session, make_subject, make_record, case.kind, case_facts(case), case.listed, case.as_of)
    assessment, counted = sql_result(session, CATALOG, subject, case.as_of, clock.now())
    assert (assessment.score, assessment.grade) == (case.expect.score, case.expect.grade)
    if case.expect.tier:
        assert assessment.tier == case.expect.tier
    if case.expect.counted is not None:
        assert counted == {ids[k]: v for k, v in case.expect.counted.items()}
    assert assessment.catalog_version == (case.expect.version or CATALOG.in_force(case.as_of).version)
