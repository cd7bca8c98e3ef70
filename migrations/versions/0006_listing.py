"""the serious-dishonesty list: procedures, removal applications, versions; penalties on records

Revision ID: 0006_listing
Revises: 0004_subject_registered_on
Create Date: 2026-11-26 23:52:32.268664
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0006_listing'
down_revision = '0010_robust'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('list_version',
    sa.Column('number', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entry_count', sa.Integer(), nullable=False),
    sa.Column('added', sa.Integer(), nullable=False),
    sa.Column('removed', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('files', sa.Text(), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_list_version'))
    )
    op.create_table('removal_application',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('duties_performed', sa.Boolean(), nullable=False),
    sa.Column('harm_removed', sa.Boolean(), nullable=False),
    sa.Column('commitment', sa.Boolean(), nullable=False),
    sa.Column('statement', sa.Text(), server_default='', nullable=False),
    sa.Column('due', sa.Date(), nullable=False),
    sa.Column('due_provisional', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reasons', sa.Text(), server_default='', nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_removal_application_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['entry_id'], ['list_entry.id'], name=op.f('fk_removal_application_entry_id_list_entry')),
    sa.ForeignKeyConstraint(['notice_id'], ['notice.id'], name=op.f('fk_removal_application_notice_id_notice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removal_application'))
    )
    with op.batch_alter_table('removal_application', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removal_application_entry_id'), ['entry_id'], unique=False)

    op.create_table('listing_procedure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('rule_code', sa.String(length=40), nullable=False),
    sa.Column('penalty_kind', sa.String(length=24), nullable=False),
    sa.Column('penalty_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=True),
    sa.Column('statement_due', sa.Date(), nullable=True),
    sa.Column('statement_due_provisional', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('prior_notice_id', sa.Integer(), nullable=True),
    sa.Column('statement_kind', sa.String(length=12), nullable=True),
    sa.Column('statement_on', sa.Date(), nullable=True),
    sa.Column('statement_text', sa.Text(), server_default='', nullable=False),
    sa.Column('consent_on', sa.Date(), nullable=True),
    sa.Column('consent_ref', sa.String(length=200), server_default='', nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_notice_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.String(length=20), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_listing_procedure_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['decision_notice_id'], ['notice.id'], name=op.f('fk_listing_procedure_decision_notice_id_notice')),
    sa.ForeignKeyConstraint(['entry_id'], ['list_entry.id'], name=op.f('fk_listing_procedure_entry_id_list_entry')),
    sa.ForeignKeyConstraint(['prior_notice_id'], ['notice.id'], name=op.f('fk_listing_procedure_prior_notice_id_notice')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_listing_procedure_proposed_by_id_user_account')),
    sa.ForeignKeyConstraint(['record_id'], ['record.id'], name=op.f('fk_listing_procedure_record_id_record')),
    sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], name=op.f('fk_listing_procedure_subject_id_subject')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_procedure'))
    )
    with op.batch_alter_table('listing_procedure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_procedure_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_procedure_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_procedure_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_listing_procedure_subject_id'), ['subject_id'], unique=False)

    with op.batch_alter_table('list_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='local', nullable=False))
        batch_op.add_column(sa.Column('external_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('first_published_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('removal_published_on', sa.Date(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_list_entry_external_id'), ['external_id'])

    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('penalty_kind', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('penalty_amount', sa.Numeric(precision=14, scale=2), nullable=True))

    # Entries stored before versions existed were shown as listed from their dates: keep them so.
    op.execute("UPDATE list_entry SET first_published_on = listed_on, removal_published_on = removed_on")


def downgrade() -> None:
    with op.batch_alter_table('record', schema=None) as batch_op:
        batch_op.drop_column('penalty_amount')
        batch_op.drop_column('penalty_kind')

    with op.batch_alter_table('list_entry', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_list_entry_external_id'), type_='unique')
        batch_op.drop_column('removal_published_on')
        batch_op.drop_column('first_published_on')
        batch_op.drop_column('external_id')
        batch_op.drop_column('source')

    with op.batch_alter_table('listing_procedure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_procedure_subject_id'))
        batch_op.drop_index(batch_op.f('ix_listing_procedure_status'))
        batch_op.drop_index(batch_op.f('ix_listing_procedure_record_id'))
        batch_op.drop_index(batch_op.f('ix_listing_procedure_case_id'))

    op.drop_table('listing_procedure')
    with op.batch_alter_table('removal_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removal_application_entry_id'))

    op.drop_table('removal_application')
    op.drop_table('list_version')
