"""Assessments stored by change: a subject's result holds from ``valid_from`` until its next row.

"The assessment as of D" is the row in force on D: the subject's latest row starting on or before
D (``credit.scoring.queries.in_force``). A row is written only where the result differs from the
one in force, so storage grows with events, not with days x subjects (DESIGN section 13).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    # Also the index of every as-of lookup: (subject, latest start on or before a date).
    __table_args__ = (sa.UniqueConstraint("subject_id", "valid_from"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    # No foreign key: rows are written only by the scoring engine, joined from the subject table
    # in the same statement, and subjects are never deleted. The per-row check cost a fifth of
    # the nightly recompute (4 s of 20 s for 1M subjects in bench/scoring.py).
    subject_id: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    # The first day this result holds; it holds until the subject's next row.
    valid_from: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    catalog_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    score: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    grade: str = Field(sa_column=sa.Column(sa.String(2), nullable=False))
    tier: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    listed: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    # The records behind the score, written by the engine in the same statement: a JSON list of
    # [record_id, rule_code, points, counted_points] (counted after the caps), in record id order
    # so that an unchanged result has the same text. Kept on the row, not in a child table, so a
    # change writes one row.
    explanation: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    computed_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class AssessmentRun(SQLModel, table=True):
    """A run that assessed every subject as of a date (nightly, ``credit assess``, a full recompute).

    The next incremental run starts from the latest one: it recomputes only the subjects whose
    counted records can differ since ``started_at`` and between the two dates. Runs for a date
    after their own day are not kept here: they prove nothing about that date yet.
    """

    __tablename__ = "assessment_run"

    id: Optional[int] = Field(default=None, primary_key=True)
    as_of: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    full: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    # Records and subjects changed after this instant are the next run's work.
    started_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    subjects: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))  # recomputed
    written: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))  # rows written (changes)
