"""inspection_check.case_id: a check's finding linked to the Blue Sky case (lead) it opened

Revision ID: 0012_inspection_case
Revises: 0011_list_applications
Create Date: 2026-11-28 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0012_inspection_case'
down_revision = '0011_list_applications'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspection_check', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_inspection_check_case_id'), ['case_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_inspection_check_case_id_bluesky_case'), 'bluesky_case',
                                    ['case_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('inspection_check', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_inspection_check_case_id_bluesky_case'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_inspection_check_case_id'))
        batch_op.drop_column('case_id')
