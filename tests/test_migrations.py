"""Alembic brings an empty database to the models' schema, on SQLite and on PostgreSQL."""
from __future__ import annotations

from credit.migrate import schema_differences


def test_migrated_schema_matches_the_models(database_url):
    # database_url was migrated from empty by the session fixture.
    assert schema_differences(database_url) == []
