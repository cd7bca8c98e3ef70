"""user sessions and login throttling: sessions kept on the server, lock-out per username typed

Revision ID: 0005_user_sessions
Revises: 0002
Create Date: 2026-11-26 12:00:00

The failure count and lock of each account move from user_account to login_throttle (keyed by
username, so that names without an account lock alike); a lock in force is carried over.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0005_user_sessions'
down_revision = '0004_subject_registered_on'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_throttle'))
    )
    op.create_table('user_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('end_reason', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_session_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_session_token_hash'))
    )
    op.create_index(op.f('ix_user_session_user_id'), 'user_session', ['user_id'], unique=False)
    op.execute("INSERT INTO login_throttle (username, failures, locked_until) "
               "SELECT username, failed_logins, locked_until FROM user_account "
               "WHERE failed_logins > 0 OR locked_until IS NOT NULL")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): no table rebuild, which SQLite would refuse
    # while other tables' rows refer to the accounts.
    op.drop_column('user_account', 'locked_until')
    op.drop_column('user_account', 'failed_logins')


def downgrade() -> None:
    op.add_column('user_account', sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('user_account', sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE user_account SET failed_logins = (SELECT failures FROM login_throttle t "
               "WHERE t.username = user_account.username), locked_until = (SELECT locked_until FROM "
               "login_throttle t WHERE t.username = user_account.username) "
               "WHERE username IN (SELECT username FROM login_throttle)")
    op.drop_index(op.f('ix_user_session_user_id'), table_name='user_session')
    op.drop_table('user_session')
    op.drop_table('login_throttle')
