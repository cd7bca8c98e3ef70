"""subject.version: a save is refused when someone else saved the subject since it was opened

Revision ID: 0010_robust
Revises: 0004_subject_registered_on
Create Date: 2026-11-27 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0010_robust'
down_revision = '0008_portal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.drop_column('version')
