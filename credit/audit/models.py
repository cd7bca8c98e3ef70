"""Append-only audit events, chained by hash so that any edit or removal is detectable."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True))
    actor: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, index=True))
    action: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, index=True))
    object_type: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    object_id: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    data: str = Field(sa_column=sa.Column(sa.Text, nullable=False))  # canonical JSON
    prev_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    # Not indexed: nothing looks an event up by its hash (an anchor names its id too), and walking
    # the chain is what shows a broken or forked link. A unique index on random hashes cost more
    # than half of writing an imported file's events (bench/scoring.py).
    hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
