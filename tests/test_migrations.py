"""Alembic brings an empty database to the models' schema, on SQLite and on PostgreSQL."""
from __future__ import annotations

from alembic.script import ScriptDirectory

from credit.migrate import alembic_config, schema_differences


def test_migrated_schema_matches_the_models(database_url):
    # database_url was migrated from empty by the session fixture.
    assert schema_differences(database_url) == []


def test_revisions_form_one_line(database_url):
    # Two packages revising the same parent leave two heads; `credit db upgrade` needs one.
    assert len(ScriptDirectory.from_config(alembic_config(database_url)).get_heads()) == 1
