"""Alembic brings an empty database to the models' schema, on SQLite and on PostgreSQL, keeping the data."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlmodel import Session

from credit.db import make_engine
from credit.migrate import alembic_config, schema_differences, upgrade
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from tests.conftest import TEST_DATABASE_URL, _fresh_postgres


def test_migrated_schema_matches_the_models(database_url):
    # database_url was migrated from empty by the session fixture.
    assert schema_differences(database_url) == []


def test_revisions_form_one_line(database_url):
    # Two packages revising the same parent leave two heads; `credit db upgrade` needs one.
    assert len(ScriptDirectory.from_config(alembic_config(database_url)).get_heads()) == 1


@pytest.fixture
def empty_database(tmp_path, worker_id) -> str:
    if TEST_DATABASE_URL.startswith("postgresql"):
        base = sa.engine.make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)).database
        return _fresh_postgres(TEST_DATABASE_URL, f"{base}_{worker_id}_migration")
    return f"sqlite:///{tmp_path / 'migration.db'}"


def test_daily_assessments_collapse_into_changes_without_losing_a_result_that_differed(empty_database):
    revision = "0003_assessment_by_change"
    script = ScriptDirectory.from_config(alembic_config(empty_database))
    upgrade(empty_database, script.get_revision(revision).down_revision)
    start = dt.date(2026, 3, 1)
    # (subject, day, catalog version, score, grade, explanation): subject 1 changes and changes
    # back (day 4 was missed), subject 2's explanation and then its catalog version change.
    penalty, honour, other_honour = '[[7, "PA-PENALTY", -20, -20]]', '[[8, "ANY-HONOUR", 5, 5]]', '[[9, "ANY-HONOUR", 5, 5]]'
    daily = [(1, 0, "2020.1", 100, "A", "[]"), (1, 1, "2020.1", 100, "A", "[]"), (1, 2, "2020.1", 80, "B", penalty),
             (1, 3, "2020.1", 80, "B", penalty), (1, 5, "2020.1", 100, "A", "[]"), (1, 6, "2020.1", 100, "A", "[]"),
             (2, 0, "2020.1", 90, "A", honour), (2, 1, "2020.1", 90, "A", other_honour),
             (2, 2, "2026.1", 90, "A", other_honour), (2, 3, "2026.1", 90, "A", other_honour)]
    engine = make_engine(empty_database)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO assessment (subject_id, as_of, catalog_version, score, grade, tier, listed, explanation, "
            "computed_at) VALUES (:s, :d, :v, :score, :g, 'low', false, :e, :at)"),
            [{"s": s, "d": start + dt.timedelta(days=n), "v": v, "score": score, "g": g, "e": e,
              "at": dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)} for s, n, v, score, g, e in daily])
    engine.dispose()

    upgrade(empty_database, revision)

    engine = make_engine(empty_database)
    with Session(engine) as session:
        kept = session.scalars(sa.select(Assessment).order_by(Assessment.subject_id, Assessment.valid_from)).all()
        assert [(a.subject_id, (a.valid_from - start).days, a.catalog_version, a.score) for a in kept] == [
            (1, 0, "2020.1", 100), (1, 2, "2020.1", 80), (1, 5, "2020.1", 100),
            (2, 0, "2020.1", 90), (2, 1, "2020.1", 90), (2, 2, "2026.1", 90)]
        # Every date is answered as the latest daily row on or before it answered it.
        for subject in (1, 2):
            for n in range(-1, 8):
                rows = [row for row in daily if row[0] == subject and row[1] <= n]
                was = (rows[-1][2], rows[-1][3], rows[-1][5]) if rows else None
                now = session.scalars(sa.select(Assessment).where(
                    Assessment.subject_id == subject, in_force(start + dt.timedelta(days=n)))).first()
                assert ((now.catalog_version, now.score, now.explanation) if now else None) == was
    engine.dispose()
