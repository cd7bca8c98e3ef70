"""audit_event.hash: no unique index (the chain is checked by walking it; the index cost most of a bulk import's audit writes)

Revision ID: 0014_audit_hash_not_indexed
Revises: 0013_api_tokens
Create Date: 2026-11-27 12:00:00
"""
from __future__ import annotations

from alembic import op


revision = '0014_audit_hash_not_indexed'
down_revision = '0013_api_tokens'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint('uq_audit_event_hash', type_='unique')


def downgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_audit_event_hash', ['hash'])
