"""firm portal: activation codes, applications, user admin flags

Revision ID: 0008_portal
Revises: 0004_subject_registered_on
Create Date: 2026-11-26 23:52:56.972149
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008_portal'
down_revision = '0009_inspection'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activation_throttle',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('uscc', name=op.f('pk_activation_throttle'))
    )
    op.create_table('activation_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_activation_code_subject_id_subject')),
    sa.ForeignKeyConstraint(['used_by_id'], ['user_account.id'], name=op.f('fk_activation_code_used_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activation_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_activation_code_code_hash'))
    )
    with op.batch_alter_table('activation_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activation_code_subject_id'), ['subject_id'], unique=False)

    op.create_table('application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('list_entry_id', sa.String(length=20), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('obligations_declared', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reasons', sa.Text(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_application_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['list_entry_id'], ['list_entry.id'], name=op.f('fk_application_list_entry_id_list_entry')),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_application_notice_id_notice')),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_application_record_id_record')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_application_subject_id_subject')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['user_account.id'], name=op.f('fk_application_submitted_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application'))
    )
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_list_entry_id'), ['list_entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_record_id'), ['record_id'], unique=False)
        batch_op.create_index('ix_application_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_application_subject_id'), ['subject_id'], unique=False)

    op.create_table('application_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_application_attachment_application_id_application')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_application_attachment_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_attachment'))
    )
    with op.batch_alter_table('application_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_attachment_application_id'), ['application_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('application_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_attachment_application_id'))

    op.drop_table('application_attachment')
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_subject_id'))
        batch_op.drop_index('ix_application_status_due')
        batch_op.drop_index(batch_op.f('ix_application_record_id'))
        batch_op.drop_index(batch_op.f('ix_application_list_entry_id'))

    op.drop_table('application')
    with op.batch_alter_table('activation_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activation_code_subject_id'))

    op.drop_table('activation_code')
    op.drop_table('activation_throttle')
