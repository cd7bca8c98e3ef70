"""notices and scheduler: the notice archive and the job run claims

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 11:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('claimed_by', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('traceback', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('job', 'scheduled_for', name=op.f('uq_job_run_job_scheduled_for'))
    )
    op.create_index(op.f('ix_job_run_scheduled_for'), 'job_run', ['scheduled_for'], unique=False)
    op.create_index(op.f('ix_job_run_status'), 'job_run', ['status'], unique=False)
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('event_key', sa.String(length=120), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('document_no', sa.String(length=60), nullable=False),
    sa.Column('verification_code', sa.String(length=16), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_notice_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice')),
    sa.UniqueConstraint('document_no', name=op.f('uq_notice_document_no')),
    sa.UniqueConstraint('event_key', name=op.f('uq_notice_event_key')),
    sa.UniqueConstraint('kind', 'year', 'serial', name=op.f('uq_notice_kind_year_serial')),
    sa.UniqueConstraint('verification_code', name=op.f('uq_notice_verification_code'))
    )
    op.create_index(op.f('ix_notice_issued_on'), 'notice', ['issued_on'], unique=False)
    op.create_index(op.f('ix_notice_kind'), 'notice', ['kind'], unique=False)
    op.create_index(op.f('ix_notice_subject_id'), 'notice', ['subject_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_notice_subject_id'), table_name='notice')
    op.drop_index(op.f('ix_notice_kind'), table_name='notice')
    op.drop_index(op.f('ix_notice_issued_on'), table_name='notice')
    op.drop_table('notice')
    op.drop_index(op.f('ix_job_run_status'), table_name='job_run')
    op.drop_index(op.f('ix_job_run_scheduled_for'), table_name='job_run')
    op.drop_table('job_run')
