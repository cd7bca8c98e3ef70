"""The notice archive: every notice or report issued, stored once, found by its verification code."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Notice(SQLModel, table=True):
    __tablename__ = "notice"
    __table_args__ = (
        # Document numbers run per kind and year without gaps: 淮知信告〔2026〕1号, 2号 ...
        sa.UniqueConstraint("kind", "year", "serial"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=sa.Column(sa.String(30), nullable=False, index=True))
    # The triggering event, e.g. grade-change:12:2026-11-25; the same event never issues twice.
    event_key: str = Field(sa_column=sa.Column(sa.String(120), nullable=False, unique=True))
    # None for documents addressed to no subject (the monthly report).
    subject_id: Optional[int] = Field(default=None, foreign_key="subject.id", index=True)
    recipient: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    serial: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    document_no: str = Field(sa_column=sa.Column(sa.String(60), nullable=False, unique=True))
    verification_code: str = Field(sa_column=sa.Column(sa.String(16), nullable=False, unique=True))
    issued_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    issued_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    issued_by: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
