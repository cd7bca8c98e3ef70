"""Activation codes with which firms open their accounts, and the lock on wrong codes per USCC."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class ActivationCode(SQLModel, table=True):
    """A one-time code with which a firm opens its account (issued by staff, printed on grade notices).

    Only the SHA-256 of the code is kept: the codes are random (about 2**59), so a fast hash is as
    safe as a slow one, and the plain code exists only on the page or notice that shows it once.
    """

    __tablename__ = "activation_code"

    id: Optional[int] = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    code_hash: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, unique=True))
    issued_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    issued_by: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    expires_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    used_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    used_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")


class ActivationThrottle(SQLModel, table=True):
    """Wrong activation codes in a row for one USCC, and the lock they led to."""

    __tablename__ = "activation_throttle"

    uscc: str = Field(sa_column=sa.Column(sa.String(18), primary_key=True))
    failures: int = Field(default=0, sa_column=sa.Column(sa.Integer, nullable=False))
    locked_until: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
