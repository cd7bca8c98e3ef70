"""The set-based SQL engine agrees with the plain-Python evaluator on random data."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config import PROJECT_ROOT
from credit.catalog.loader import Catalog
from credit.listing.models import ListEntry
from credit.scoring.models import Assessment
from credit.scoring.reference import RecordFact, evaluate
from credit.subjects.models import SUBJECT_KINDS, Subject
from credit.records.models import Record, RecordEvent

from tests.scoring.helpers import sql_result, store_case

CATALOG = Catalog.load(PROJECT_ROOT / "rules")
VERSION = CATALOG.versions[0]
CODES = [r.code for r in VERSION.rules]

dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))
record = st.builds(
    lambda code, day, status, repair_after: (code, day, status, day + dt.timedelta(days=repair_after)),
    st.sampled_from(CODES),
    dates,
    st.sampled_from(["confirmed", "confirmed", "disputed", "repaired", "revoked", "draft"]),
    st.integers(min_value=0, max_value=900),
)


def _clear(session):
    for model in (Assessment, RecordEvent, Record, ListEntry):
        session.execute(sa.delete(model))
    session.execute(sa.delete(Subject))
    session.commit()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from(list(SUBJECT_KINDS)),
    rows=st.lists(record, max_size=14),
    as_of=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2027, 12, 31)),
    listed=st.booleans(),
)
def test_sql_engine_matches_reference(session, make_subject, make_record, clock, kind, rows, as_of, listed):
    _clear(session)
    facts = [
        RecordFact(i + 1, code, day, status, repaired if status == "repaired" else None)
        for i, (code, day, status, repaired) in enumerate(rows)
    ]
    subject, ids = store_case(session, make_subject, make_record, kind, facts, listed, as_of)
    expected = evaluate(VERSION, kind, facts, as_of, listed)
    assessment, counted = sql_result(session, CATALOG, subject, as_of, clock.now())
    assert (assessment.score, assessment.grade, assessment.tier, assessment.listed) == (
        expected.score, expected.grade, expected.tier, expected.listed,
    )
    assert counted == {ids[c.record_id]: c.counted_points for c in expected.contributions}
