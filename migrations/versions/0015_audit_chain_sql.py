"""PostgreSQL: audit_chain(body, start), the audit chain's hash as a window aggregate, so that a bulk
write (an import) chains its events in one INSERT ... SELECT instead of a round trip through Python

Revision ID: 0015_audit_chain_sql
Revises: 0014_audit_hash_not_indexed
Create Date: 2026-11-27 06:00:00
"""
from __future__ import annotations

from alembic import op


revision = '0015_audit_chain_sql'
down_revision = '0014_audit_hash_not_indexed'
branch_labels = None
depends_on = None

# The step credit/audit/services.py states in Python: the hex SHA-256 of the previous hash (the
# start of the chain for the first row) followed by the event's canonical JSON body, in UTF-8.
STEP = """
CREATE FUNCTION audit_chain_step(previous text, body text, start text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    RETURN encode(sha256(convert_to(coalesce(previous, start) || body, 'UTF8')), 'hex');
END
$$"""
AGGREGATE = "CREATE AGGREGATE audit_chain(text, text) (SFUNC = audit_chain_step, STYPE = text)"


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite chains in Python (credit/audit/services.py)
    op.execute(STEP)
    op.execute(AGGREGATE)


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute("DROP AGGREGATE audit_chain(text, text)")
    op.execute("DROP FUNCTION audit_chain_step(text, text, text)")
