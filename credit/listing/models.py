"""Entries of the serious-dishonesty list (严重失信主体名单). Removal is a status, never a delete."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ListEntry(SQLModel, table=True):
    __tablename__ = "list_entry"

    # Stable public id that is never reused, e.g. SD-2026-000123.
    id: str = Field(sa_column=sa.Column(sa.String(20), primary_key=True))
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    status: str = Field(sa_column=sa.Column(sa.String(12), nullable=False))  # listed | removed
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    legal_basis: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    authority: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    decision_no: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    listed_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    planned_removal_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    removed_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    removal_reason: Optional[str] = Field(default=None, sa_column=sa.Column(sa.Text))
    removal_authority: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(200)))
