"""subject.registered_on: the registration date the sending department gives

Revision ID: 0004_subject_registered_on
Revises: 0002
Create Date: 2026-11-26 23:40:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0004_subject_registered_on'
down_revision = '0003_assessment_by_change'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.drop_column('registered_on')
