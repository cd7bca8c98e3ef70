"""assessments stored by change: one row per subject per change, the runs the nightly job starts from

Revision ID: 0003_assessment_by_change
Revises: 0002
Create Date: 2026-11-27 09:00:00

The daily rows collapse into change rows: a row is kept when its result (score, grade, tier,
listed, catalog version, explanation) differs from the subject's previous row, so every result
that differed survives and "the row in force on D" (the latest row starting on or before D)
answers every date exactly as "the latest row on or before D" did. Explanations are put in
record id order first, as the engine now writes them, so that a result differing only in the
order of its explanation is neither kept twice nor written again by the next run.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0003_assessment_by_change'
down_revision = '0002'
branch_labels = None
depends_on = None

RESULT = ("score", "grade", "tier", "listed", "catalog_version", "explanation")


def upgrade() -> None:
    op.create_table('assessment_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('full', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subjects', sa.Integer(), nullable=False),
    sa.Column('written', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_run'))
    )
    op.create_index(op.f('ix_assessment_run_as_of'), 'assessment_run', ['as_of'], unique=False)

    previous = ", ".join(f"lag({c}) OVER w AS previous_{c}" for c in RESULT)
    same = " AND ".join(f"{c} = previous_{c}" for c in RESULT)
    collapse = (
        f"DELETE FROM assessment WHERE id IN (SELECT id FROM ("
        f"SELECT id, {', '.join(RESULT)}, {previous} FROM assessment "
        f"WINDOW w AS (PARTITION BY subject_id ORDER BY as_of)) AS daily "
        f"WHERE previous_score IS NOT NULL AND {same})"
    )
    # Collapsing first leaves fewer rows to reorder; reordered, rows may be equal that were not.
    op.execute(collapse)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE assessment SET explanation = (SELECT CAST(json_agg(e ORDER BY CAST(e->>0 AS INTEGER)) AS TEXT) "
                   "FROM json_array_elements(CAST(explanation AS JSON)) AS e) WHERE explanation <> '[]'")
    else:
        op.execute("UPDATE assessment SET explanation = (SELECT json_group_array(json(value)) FROM (SELECT value "
                   "FROM json_each(assessment.explanation) ORDER BY json_extract(value, '$[0]'))) "
                   "WHERE explanation <> '[]'")
    op.execute(collapse)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_as_of'))
        batch_op.drop_constraint(batch_op.f('uq_assessment_subject_id_as_of'), type_='unique')
        batch_op.alter_column('as_of', new_column_name='valid_from', existing_type=sa.Date(), existing_nullable=False)
    # A second batch: SQLite's batch mode cannot rename a column and index it under its new name at once.
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_valid_from'), ['valid_from'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_assessment_subject_id_valid_from'), ['subject_id', 'valid_from'])

    op.create_index(op.f('ix_record_decision_date'), 'record', ['decision_date'], unique=False)
    op.create_index(op.f('ix_record_updated_at'), 'record', ['updated_at'], unique=False)
    op.create_index(op.f('ix_subject_updated_at'), 'subject', ['updated_at'], unique=False)


def downgrade() -> None:
    # The change rows stay: read as "the latest row on or before D" they answer every date alike.
    op.drop_index(op.f('ix_subject_updated_at'), table_name='subject')
    op.drop_index(op.f('ix_record_updated_at'), table_name='record')
    op.drop_index(op.f('ix_record_decision_date'), table_name='record')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_assessment_subject_id_valid_from'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_assessment_valid_from'))
        batch_op.alter_column('valid_from', new_column_name='as_of', existing_type=sa.Date(), existing_nullable=False)
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_as_of'), ['as_of'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_assessment_subject_id_as_of'), ['subject_id', 'as_of'])
    op.drop_index(op.f('ix_assessment_run_as_of'), table_name='assessment_run')
    op.drop_table('assessment_run')
