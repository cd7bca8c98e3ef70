"""Records (findings about a subject) and their status history. Nothing is ever deleted."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Field, SQLModel

# rejected: a draft the reviewer did not confirm (never counted, kept like everything else).
STATUSES = ("draft", "confirmed", "rejected", "disputed", "repaired", "revoked")
# Statuses under which a record counts towards the score (repaired: until its repair date).
COUNTING_STATUSES = ("confirmed", "disputed")
CATEGORIES = {
    "patent": _l("Patent"),
    "trademark": _l("Trademark"),
    "copyright": _l("Copyright"),
    "gi": _l("Geographical indication"),
    "general": _l("General"),
}
# The penalty a record's decision imposed (DESIGN section 11 ``penalty.kind``).
PENALTY_KINDS = {
    "warning": _l("Warning"),
    "fine": _l("Fine"),
    "confiscation": _l("Confiscation of illegal gains"),
    "stop_new_business": _l("Ordered to stop taking new business"),
    "licence_revoked": _l("Licence revoked"),
    "qualification_lowered": _l("Qualification lowered"),
    "business_restricted": _l("Business restricted"),
    "closure": _l("Ordered to close"),
    "practice_restricted": _l("Practice restricted"),
    "none": _l("No penalty"),
}


class Record(SQLModel, table=True):
    __tablename__ = "record"
    __table_args__ = (
        sa.Index("ix_record_subject_decision", "subject_id", "decision_date"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    # The sender's stable id for imported records: re-import updates, never duplicates.
    external_id: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(64), unique=True))
    subject_id: int = Field(foreign_key="subject.id", nullable=False)
    rule_code: str = Field(sa_column=sa.Column(sa.String(40), nullable=False, index=True))
    category: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    # Indexed, as updated_at is, for the nightly run: the subjects whose records start or stop
    # counting, or changed, since the last run.
    decision_date: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    document_no: str = Field(default="", sa_column=sa.Column(sa.String(100), nullable=False))
    authority: str = Field(default="", sa_column=sa.Column(sa.String(200), nullable=False))
    facts: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(12), nullable=False, index=True))
    repaired_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    penalty_kind: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(24)))
    penalty_amount: Optional[Decimal] = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2)))  # yuan
    recorded_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    confirmed_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    confirmed_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    status_reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True))


class RecordEvent(SQLModel, table=True):
    """One status change of a record: the record's own history, beside the audit chain."""

    __tablename__ = "record_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id", nullable=False, index=True)
    at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    actor_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    from_status: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(12)))
    to_status: str = Field(sa_column=sa.Column(sa.String(12), nullable=False))
    reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))


class Evidence(SQLModel, table=True):
    """An evidence file, stored once by SHA-256 outside any static folder."""

    __tablename__ = "evidence"

    id: Optional[int] = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="record.id", nullable=False, index=True)
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False, index=True))
    filename: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    content_type: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    uploaded_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
