"""applications about list entries: early removal joins objections in the application table

Early-removal applications were rows of their own (removal_application) while the firm's objections
and repairs were applications; one table now serves both, with the channel (online or paper) the
removal table had. Existing removal applications move over with their decisions and notices; the
three conditions the paper form recorded become the one declaration the firm makes online.

Revision ID: 0011_list_applications
Revises: 0007_cases
Create Date: 2026-11-27 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0011_list_applications'
down_revision = '0007_cases'
branch_labels = None
depends_on = None

# A paper application recorded without a statement still needs its reasons (the column is required).
PAPER_REASONS = '（纸质申请，未附说明）'


def upgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='online', nullable=False))
    op.execute(sa.text(
        "INSERT INTO application (kind, subject_id, record_id, list_entry_id, reasons, obligations_declared, status, "
        "received_on, due_on, due_provisional, submitted_by_id, submitted_at, decided_by_id, decided_at, "
        "decision_reasons, effective_on, notice_id, channel) "
        "SELECT 'removal', e.subject_id, NULL, r.entry_id, "
        "CASE WHEN r.statement = '' THEN :paper ELSE r.statement END, "
        "(r.duties_performed AND r.harm_removed AND r.commitment), "
        "CASE r.status WHEN 'pending' THEN 'submitted' ELSE r.status END, "
        "r.received_on, r.due, r.due_provisional, (SELECT u.id FROM user_account u WHERE u.username = r.recorded_by), "
        "r.created_at, r.decided_by_id, r.decided_at, r.reasons, "
        "CASE WHEN r.status = 'granted' THEN e.removed_on END, r.notice_id, r.channel "
        "FROM removal_application r JOIN list_entry e ON e.id = r.entry_id ORDER BY r.id"
    ).bindparams(paper=PAPER_REASONS))
    with op.batch_alter_table('removal_application', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removal_application_entry_id'))
    op.drop_table('removal_application')


def downgrade() -> None:
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
    # Early removals move back (the declaration stands for each of the three conditions); the
    # objections to entries have no place in the older schema and stay as they are.
    op.execute(sa.text(
        "INSERT INTO removal_application (entry_id, status, channel, received_on, duties_performed, harm_removed, "
        "commitment, statement, due, due_provisional, recorded_by, created_at, decided_by_id, decided_at, reasons, "
        "notice_id) "
        "SELECT a.list_entry_id, CASE a.status WHEN 'submitted' THEN 'pending' ELSE a.status END, a.channel, "
        "a.received_on, a.obligations_declared, a.obligations_declared, a.obligations_declared, a.reasons, a.due_on, "
        "a.due_provisional, COALESCE(u.username, ''), a.submitted_at, a.decided_by_id, a.decided_at, "
        "a.decision_reasons, a.notice_id "
        "FROM application a LEFT JOIN user_account u ON u.id = a.submitted_by_id "
        "WHERE a.kind = 'removal' ORDER BY a.id"))
    op.execute(sa.text(
        "DELETE FROM application_attachment WHERE application_id IN (SELECT id FROM application WHERE kind = 'removal')"))
    op.execute(sa.text("DELETE FROM application WHERE kind = 'removal'"))
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('channel')
