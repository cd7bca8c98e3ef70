"""Subjects: the patent agencies, trademark agencies and firms whose credit is supervised."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Field, SQLModel

SUBJECT_KINDS = {
    "patent_agency": _l("Patent agency"),
    "trademark_agency": _l("Trademark agency"),
    "firm": _l("Firm"),
}

# Huainan's county-level divisions (GB/T 2260 codes).
DISTRICTS = {
    "340402": _l("Datong District"),
    "340403": _l("Tianjia'an District"),
    "340404": _l("Xiejiaji District"),
    "340405": _l("Bagongshan District"),
    "340406": _l("Panji District"),
    "340421": _l("Fengtai County"),
    "340422": _l("Shou County"),
}


# Bumped by every save; a save is written only if the row still has the version it was loaded
# with (SQLAlchemy's version counter), and the edit form carries the version the user saw.
_VERSION = sa.Column("version", sa.Integer, nullable=False, server_default="1")


class Subject(SQLModel, table=True):
    __tablename__ = "subject"
    __mapper_args__ = {"version_id_col": _VERSION}

    id: Optional[int] = Field(default=None, primary_key=True)
    uscc: str = Field(sa_column=sa.Column(sa.String(18), nullable=False, unique=True))
    name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False, index=True))
    kind: str = Field(sa_column=sa.Column(sa.String(20), nullable=False, index=True))
    district: str = Field(sa_column=sa.Column(sa.String(6), nullable=False, index=True))
    legal_representative: str = Field(default="", sa_column=sa.Column(sa.String(100), nullable=False))
    licence_no: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(50)))
    # The date the subject was registered (成立/登记日期) as the sending department knows it; the
    # monthly report counts registered subjects from it, not from when the row was written here.
    registered_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    # Indexed for the nightly run: a new or changed subject (its kind) is recomputed.
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True))
    version: Optional[int] = Field(default=None, sa_column=_VERSION)
