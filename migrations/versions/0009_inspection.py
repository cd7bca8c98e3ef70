"""Random inspection plans (双随机、一公开): plans, their checks and the inspectors' declared conflicts

Revision ID: 0009_inspection
Revises: 0004_subject_registered_on
Create Date: 2026-11-26 23:53:54.837928
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.AutoString)


revision = '0009_inspection'
down_revision = '0005_user_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inspection_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('catalog_version', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=True),
    sa.Column('drafted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_inspection_plan_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['user_account.id'], name=op.f('fk_inspection_plan_drafted_by_id_user_account')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'], name=op.f('fk_inspection_plan_published_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_plan'))
    )
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_plan_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_plan_status'), ['status'], unique=False)

    op.create_table('inspector_conflict',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['inspector_id'], ['user_account.id'], name=op.f('fk_inspector_conflict_inspector_id_user_account')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_inspector_conflict_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspector_conflict')),
    sa.UniqueConstraint('inspector_id', 'subject_id', name=op.f('uq_inspector_conflict_inspector_id_subject_id'))
    )
    with op.batch_alter_table('inspector_conflict', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspector_conflict_subject_id'), ['subject_id'], unique=False)

    op.create_table('inspection_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('grade', sa.String(length=2), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('first_inspector_id', sa.Integer(), nullable=False),
    sa.Column('second_inspector_id', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=20), nullable=True),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('result_by_id', sa.Integer(), nullable=True),
    sa.Column('result_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['first_inspector_id'], ['user_account.id'], name=op.f('fk_inspection_check_first_inspector_id_user_account')),
    sa.ForeignKeyConstraint(['plan_id'], ['inspection_plan.id'], name=op.f('fk_inspection_check_plan_id_inspection_plan')),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_inspection_check_record_id_record')),
    sa.ForeignKeyConstraint(['result_by_id'], ['user_account.id'], name=op.f('fk_inspection_check_result_by_id_user_account')),
    sa.ForeignKeyConstraint(['second_inspector_id'], ['user_account.id'], name=op.f('fk_inspection_check_second_inspector_id_user_account')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_inspection_check_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_check')),
    sa.UniqueConstraint('plan_id', 'subject_id', name=op.f('uq_inspection_check_plan_id_subject_id'))
    )
    with op.batch_alter_table('inspection_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_check_first_inspector_id'), ['first_inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_check_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_check_second_inspector_id'), ['second_inspector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_check_subject_id'), ['subject_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('inspection_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_check_subject_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_check_second_inspector_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_check_plan_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_check_first_inspector_id'))

    op.drop_table('inspection_check')
    with op.batch_alter_table('inspector_conflict', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspector_conflict_subject_id'))

    op.drop_table('inspector_conflict')
    with op.batch_alter_table('inspection_plan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_plan_status'))
        batch_op.drop_index(batch_op.f('ix_inspection_plan_period'))

    op.drop_table('inspection_plan')
