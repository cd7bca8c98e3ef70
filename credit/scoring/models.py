"""Assessments (score, grade, tier as of a date) and the contributions that explain them."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Assessment(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (sa.UniqueConstraint("subject_id", "as_of"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", nullable=False)
    as_of: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    catalog_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    score: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    grade: str = Field(sa_column=sa.Column(sa.String(2), nullable=False))
    tier: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    listed: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    computed_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class Contribution(SQLModel, table=True):
    """One counted record in one assessment: its own points and what counted after the caps."""

    __tablename__ = "contribution"

    id: Optional[int] = Field(default=None, primary_key=True)
    assessment_id: int = Field(
        sa_column=sa.Column(sa.Integer, sa.ForeignKey("assessment.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    record_id: int = Field(foreign_key="record.id", nullable=False, index=True)
    rule_code: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    points: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    counted_points: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
