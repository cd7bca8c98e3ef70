"""Assessments: score, grade and tier as of a date, with the contributions that explain them."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (sa.UniqueConstraint("subject_id", "as_of"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    # No foreign key: rows are written only by the scoring engine, joined from the subject table
    # in the same statement, and subjects are never deleted. The per-row check cost a fifth of
    # the nightly recompute (4 s of 20 s for 1M subjects in bench/scoring.py).
    subject_id: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    as_of: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    catalog_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    score: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    grade: str = Field(sa_column=sa.Column(sa.String(2), nullable=False))
    tier: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    listed: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    # The records behind the score, written by the engine in the same statement: a JSON list of
    # [record_id, rule_code, points, counted_points] (counted after the caps). Kept on the row,
    # not in a child table, so the nightly recompute writes one row per subject.
    explanation: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    computed_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
