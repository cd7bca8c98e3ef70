"""The Blue Sky campaign case log (“蓝天”专项整治行动案件台账): cases from lead to closure, their
timeline, attachments and dispositions. Nothing is deleted; a stage change is a status update."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

AMOUNT = sa.Numeric(14, 2)


class CaseSerial(SQLModel, table=True):
    """The last case number given out in a year: one row per year, incremented in the registering
    transaction, so a rollback gives its number back and numbers have no gaps."""

    __tablename__ = "case_serial"

    year: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    last: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class Case(SQLModel, table=True):
    __tablename__ = "bluesky_case"
    __table_args__ = (sa.UniqueConstraint("year", "serial"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    serial: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    number: str = Field(sa_column=sa.Column(sa.String(40), nullable=False, unique=True))  # 淮知蓝天〔2026〕12号
    stage: str = Field(sa_column=sa.Column(sa.String(20), nullable=False, index=True))
    source: str = Field(sa_column=sa.Column(sa.String(30), nullable=False, index=True))
    misconduct: str = Field(sa_column=sa.Column(sa.String(30), nullable=False, index=True))
    # The party: a registered subject, or (黑代理, individuals) a name with what identifiers are known.
    subject_id: Optional[int] = Field(default=None, foreign_key="subject.id", index=True)
    party_name: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    party_id_number: str = Field(default="", sa_column=sa.Column(sa.String(40), nullable=False))
    party_phone: str = Field(default="", sa_column=sa.Column(sa.String(40), nullable=False))
    party_address: str = Field(default="", sa_column=sa.Column(sa.String(200), nullable=False))
    district: str = Field(sa_column=sa.Column(sa.String(6), nullable=False, index=True))
    summary: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    # Found by the investigation; stated in the prior notice and the decision.
    findings: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    legal_basis: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    # What the list procedure answered (credit.signals): the proposed listing the prior notice
    # announced, and its part of the decision.
    listing_proposal: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    listing_outcome: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    registered_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False, index=True))
    # Deadlines (DESIGN 8): deciding whether to open, the rectification's follow-up, the decision.
    verification_due: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    verification_due_provisional: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False))
    rectification_due: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    opened_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    decision_due: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    statement_due: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    statement_due_provisional: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False))
    decided_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    closed_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    # The deadline of the current stage, kept on the row so the list can filter and sort by it.
    due_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date, index=True))
    due_provisional: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False))
    # The due date the nightly sweep last reported overdue (each deadline is reported once).
    overdue_reported: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    # A lead from credit monitoring: what it was raised for, so the same facts never raise two.
    trigger_key: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(80), unique=True))
    registered_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class CaseEvent(SQLModel, table=True):
    """One step of a case (registration, a stage change, an extension, a link): its timeline."""

    __tablename__ = "case_event"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="bluesky_case.id", nullable=False, index=True)
    at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    day: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))  # the local day, for the ledger
    actor: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    action: str = Field(sa_column=sa.Column(sa.String(30), nullable=False))
    from_stage: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(20)))
    to_stage: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(20)))
    reason: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))


class CaseAttachment(SQLModel, table=True):
    __tablename__ = "case_attachment"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="bluesky_case.id", nullable=False, index=True)
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    filename: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    content_type: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    uploaded_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    uploaded_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class CaseDisposition(SQLModel, table=True):
    """A disposition proposed (at the prior notice) and then decided in a case, with its penalty.

    The penalty lives here rather than on the record it creates, so the case log stands on its own.
    """

    __tablename__ = "case_disposition"

    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="bluesky_case.id", nullable=False, index=True)
    kind: str = Field(sa_column=sa.Column(sa.String(30), nullable=False))
    amount: Optional[Decimal] = Field(default=None, sa_column=sa.Column(AMOUNT))
    months: Optional[int] = Field(default=None, sa_column=sa.Column(sa.Integer))  # stop taking new business
    deadline: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))  # rectification
    decided_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    # The draft record the decision created (the record names the case in its document number).
    record_id: Optional[int] = Field(default=None, foreign_key="record.id", index=True)
    created_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
