"""Subjects: the patent agencies, trademark agencies and firms whose credit is supervised."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

SUBJECT_KINDS = {
    "patent_agency": "专利代理机构",
    "trademark_agency": "商标代理机构",
    "firm": "企业",
}

# Huainan's county-level divisions (GB/T 2260 codes).
DISTRICTS = {
    "340402": "大通区",
    "340403": "田家庵区",
    "340404": "谢家集区",
    "340405": "八公山区",
    "340406": "潘集区",
    "340421": "凤台县",
    "340422": "寿县",
}


class Subject(SQLModel, table=True):
    __tablename__ = "subject"

    id: Optional[int] = Field(default=None, primary_key=True)
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, index=True))
    kind: str = Field(sa_column=sa.Column(sa.String(20), nullable=False, index=True))
    district: str = Field(sa_column=sa.Column(sa.String(6), nullable=False, index=True))
    legal_representative: str = Field(default="", sa_column=sa.Column(sa.String(100), nullable=False))
    licence_no: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(50)))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    # Indexed for the nightly run: a new or changed subject (its kind) is recomputed.
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True))
