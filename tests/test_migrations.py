"""Alembic brings an empty database to the models' schema, on SQLite and on PostgreSQL, keeping the data."""
from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from sqlmodel import Session

from config import PROJECT_ROOT
from credit.applications.models import Application
from credit.catalog.loader import Catalog
from credit.db import make_engine
from credit.migrate import alembic_config, schema_differences, upgrade
from credit.scoring.engine import recompute
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.subjects.services import synthetic_uscc
from tests.conftest import TEST_DATABASE_URL, _fresh_postgres

CATALOG = Catalog.load(PROJECT_ROOT / "rules")


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
    engine = make_engine(empty_database)
    spacing = ", " if engine.dialect.name == "postgresql" else ","

    def written(*contributions) -> str:
        """An explanation as the engine wrote it on this database (its JSON spacing), in the order given."""
        return "[" + spacing.join("[" + spacing.join(json.dumps(x) for x in c) + "]" for c in contributions) + "]"

    start = dt.date(2026, 3, 1)
    in_force_then = CATALOG.in_force(start).version  # subject 3 is recomputed under it below
    penalty, honour, other_honour = [7, "PA-PENALTY", -20, -20], [8, "ANY-HONOUR", 5, 5], [9, "ANY-HONOUR", 5, 5]
    # (subject, day, catalog version, score, grade, explanation): subject 1 changes and changes
    # back (day 4 was missed), subject 2's explanation and then its catalog version change;
    # subject 3's two honours were written in the order of the engine's streams (by decision
    # date) one day and the other way the next.
    daily = [(1, 0, "2020.1", 100, "A", "[]"), (1, 1, "2020.1", 100, "A", "[]"), (1, 2, "2020.1", 80, "B", written(penalty)),
             (1, 3, "2020.1", 80, "B", written(penalty)), (1, 5, "2020.1", 100, "A", "[]"), (1, 6, "2020.1", 100, "A", "[]"),
             (2, 0, "2020.1", 90, "A", written(honour)), (2, 1, "2020.1", 90, "A", written(other_honour)),
             (2, 2, "2026.1", 90, "A", written(other_honour)), (2, 3, "2026.1", 90, "A", written(other_honour)),
             (3, 0, in_force_then, 110, "A+", written(other_honour, honour)),
             (3, 1, in_force_then, 110, "A+", written(honour, other_honour)),
             (3, 2, in_force_then, 110, "A+", written(other_honour, honour))]
    stamp = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO subject (id, uscc, name, kind, district, legal_representative, created_at, updated_at) "
            "VALUES (3, :uscc, '表彰企业', 'firm', '340403', '', :at, :at)"), {"uscc": synthetic_uscc(3), "at": stamp})
        conn.execute(sa.text(
            "INSERT INTO record (id, subject_id, rule_code, category, decision_date, document_no, authority, facts, "
            "status, status_reason, created_at, updated_at) VALUES (:id, 3, 'ANY-HONOUR', 'general', :day, '', '', '', "
            "'confirmed', '', :at, :at)"),
            [{"id": 8, "day": dt.date(2026, 1, 10), "at": stamp}, {"id": 9, "day": dt.date(2026, 1, 5), "at": stamp}])
        conn.execute(sa.text(
            "INSERT INTO assessment (subject_id, as_of, catalog_version, score, grade, tier, listed, explanation, "
            "computed_at) VALUES (:s, :d, :v, :score, :g, 'low', false, :e, :at)"),
            [{"s": s, "d": start + dt.timedelta(days=n), "v": v, "score": score, "g": g, "e": e, "at": stamp}
             for s, n, v, score, g, e in daily])
    engine.dispose()

    upgrade(empty_database, revision)

    engine = make_engine(empty_database)
    with Session(engine) as session:
        kept = session.scalars(sa.select(Assessment).order_by(Assessment.subject_id, Assessment.valid_from)).all()
        assert [(a.subject_id, (a.valid_from - start).days, a.catalog_version, a.score) for a in kept] == [
            (1, 0, "2020.1", 100), (1, 2, "2020.1", 80), (1, 5, "2020.1", 100),
            (2, 0, "2020.1", 90), (2, 1, "2020.1", 90), (2, 2, "2026.1", 90), (3, 0, in_force_then, 110)]
        # Every date is answered as the latest daily row on or before it answered it.
        for subject in (1, 2, 3):
            for n in range(-1, 8):
                rows = [row for row in daily if row[0] == subject and row[1] <= n]
                was = (rows[-1][2], rows[-1][3], sorted(json.loads(rows[-1][5]))) if rows else None
                now = session.scalars(sa.select(Assessment).where(
                    Assessment.subject_id == subject, in_force(start + dt.timedelta(days=n)))).first()
                assert ((now.catalog_version, now.score, sorted(json.loads(now.explanation))) if now else None) == was
        # Put in record order as the engine now writes it, subject 3's result is unchanged for it.
        assert kept[-1].explanation == written(honour, other_honour)
    engine.dispose()

    upgrade(empty_database)  # the engine of today needs today's schema
    engine = make_engine(empty_database)
    with Session(engine) as session:
        recompute(session, CATALOG, start + dt.timedelta(days=3), stamp, [3])
        assert session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(Assessment.subject_id == 3)) == 1
    engine.dispose()


def test_early_removal_applications_move_to_the_application_table_and_back(empty_database):
    revision = "0011_list_applications"
    script = ScriptDirectory.from_config(alembic_config(empty_database))
    previous = script.get_revision(revision).down_revision
    upgrade(empty_database, previous)
    engine = make_engine(empty_database)
    stamp = dt.datetime(2027, 11, 1, 2, tzinfo=dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO subject (id, uscc, name, kind, district, legal_representative, created_at, updated_at) "
            "VALUES (1, :uscc, '名单企业', 'firm', '340403', '', :at, :at)"), {"uscc": synthetic_uscc(1), "at": stamp})
        conn.execute(sa.text(
            "INSERT INTO user_account (id, username, display_name, password_hash, role, is_active, created_at) "
            "VALUES (5, 'inspector1', '', 'x', 'inspector', true, :at)"), {"at": stamp})
        conn.execute(sa.text(
            "INSERT INTO list_entry (id, subject_id, status, reason, legal_basis, authority, decision_no, listed_on, "
            "planned_removal_on, removed_on) VALUES (:id, 1, :status, '理由', '依据', '本局', :no, :listed, :planned, "
            ":removed)"),
            [{"id": "SD-2026-000001", "status": "listed", "no": "1号", "listed": dt.date(2026, 10, 13),
              "planned": dt.date(2029, 10, 13), "removed": None},
             {"id": "SD-2026-000002", "status": "removed", "no": "2号", "listed": dt.date(2026, 10, 13),
              "planned": dt.date(2029, 10, 13), "removed": dt.date(2027, 11, 10)}])
        conn.execute(sa.text(
            "INSERT INTO removal_application (id, entry_id, status, channel, received_on, duties_performed, "
            "harm_removed, commitment, statement, due, due_provisional, recorded_by, created_at, decided_by_id, "
            "decided_at, reasons) VALUES (:id, :entry, :status, :channel, :received, true, :harm, true, :statement, "
            ":due, false, :by, :at, :decider, :decided_at, :reasons)"),
            [{"id": 1, "entry": "SD-2026-000001", "status": "pending", "channel": "paper",
              "received": dt.date(2027, 10, 20), "harm": False, "statement": "", "due": dt.date(2027, 11, 10),
              "by": "inspector1", "at": stamp, "decider": None, "decided_at": None, "reasons": ""},
             {"id": 2, "entry": "SD-2026-000002", "status": "granted", "channel": "online",
              "received": dt.date(2027, 10, 21), "harm": True, "statement": "已缴清罚款。", "due": dt.date(2027, 11, 11),
              "by": "firm", "at": stamp, "decider": 5, "decided_at": stamp, "reasons": "符合条件。"}])
    engine.dispose()

    upgrade(empty_database, revision)

    engine = make_engine(empty_database)
    with engine.connect() as conn:
        a = Application
        rows = conn.execute(sa.select(
            a.kind, a.subject_id, a.list_entry_id, a.record_id, a.reasons, a.obligations_declared, a.status,
            a.received_on, a.due_on, a.submitted_by_id, a.decided_by_id, a.decision_reasons, a.effective_on, a.channel,
        ).order_by(a.id)).all()
        assert [tuple(r) for r in rows] == [
            ("removal", 1, "SD-2026-000001", None, "（纸质申请，未附说明）", False, "submitted", dt.date(2027, 10, 20),
             dt.date(2027, 11, 10), 5, None, "", None, "paper"),
            ("removal", 1, "SD-2026-000002", None, "已缴清罚款。", True, "granted", dt.date(2027, 10, 21),
             dt.date(2027, 11, 11), None, 5, "符合条件。", dt.date(2027, 11, 10), "online"),
        ]
        assert "removal_application" not in sa.inspect(conn).get_table_names()
    engine.dispose()

    command.downgrade(alembic_config(empty_database), previous)
    engine = make_engine(empty_database)
    with engine.connect() as conn:
        back = conn.execute(sa.text(
            "SELECT entry_id, status, channel, duties_performed, recorded_by, reasons FROM removal_application "
            "ORDER BY id")).all()
        assert [(*r[:3], bool(r[3]), *r[4:]) for r in back] == [  # SQLite answers a boolean as 0 or 1
            ("SD-2026-000001", "pending", "paper", False, "inspector1", ""),
            ("SD-2026-000002", "granted", "online", True, "", "符合条件。")]
        assert conn.execute(sa.text("SELECT count(*) FROM application")).scalar() == 0
    engine.dispose()
