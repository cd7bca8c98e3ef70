"""Which catalog versions have been used, with the hash of their file, so history is reproducible."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class CatalogVersion(SQLModel, table=True):
    __tablename__ = "catalog_version"

    id: Optional[int] = Field(default=None, primary_key=True)
    version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False, unique=True))
    effective_from: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    effective_to: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    # The catalog as loaded (canonical JSON): an old assessment can be explained even after the
    # file has been edited.
    content: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    registered_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
