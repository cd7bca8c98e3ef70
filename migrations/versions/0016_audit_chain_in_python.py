"""PostgreSQL: audit_chain goes; an import's events are hashed in Python again, by a thread of
their own while the database writes the chunk's history rows (credit/exchange/services.py), so
that the hashing no longer adds to the database's work, which an import waits for

Revision ID: 0016_audit_chain_in_python
Revises: 0015_audit_chain_sql
Create Date: 2026-11-27 09:00:00
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import op


revision = '0016_audit_chain_in_python'
down_revision = '0015_audit_chain_sql'
branch_labels = None
depends_on = None


def _revision_0015():
    """The revision that made audit_chain: its downgrade drops it, its upgrade makes it again."""
    spec = importlib.util.spec_from_file_location("audit_chain_sql", Path(__file__).with_name("0015_audit_chain_sql.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    _revision_0015().downgrade()  # on PostgreSQL only, as it was made


def downgrade() -> None:
    _revision_0015().upgrade()
