"""The serious-dishonesty list (严重失信主体名单): its entries, the procedure that lists a subject,
and the published versions. Removal is a status, never a delete. Objections to an entry and
applications for its early removal are applications (``credit.applications``)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Where an entry was decided: here, through the procedure, or by another authority (imported).
ENTRY_SOURCES = ("local", "elsewhere")


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
    source: str = Field(default="local", sa_column=sa.Column(sa.String(10), nullable=False,
                                                             server_default="local"))
    # The sender's id of an entry decided elsewhere: a re-import updates, never duplicates.
    external_id: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(64), unique=True))
    # The grade is D from the day an entry is first published until its removal is published.
    first_published_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    removal_published_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))


def published_on(as_of: dt.date, entry=None):
    """SQL condition: ``entry`` (a list entry, or an alias of one) is on the *published* list on
    ``as_of`` (the scoring engine's "listed")."""
    entry = ListEntry if entry is None else entry
    return sa.and_(entry.first_published_on <= as_of,
                   sa.or_(entry.removal_published_on.is_(None), entry.removal_published_on > as_of))


# proposed -> notified -> [heard] -> [consented] -> decided; "withdrawn" ends it without a listing.
PROCEDURE_STATUSES = ("proposed", "notified", "heard", "consented", "decided", "withdrawn")
STATEMENT_KINDS = ("statement", "hearing", "waiver")


class ListingProcedure(SQLModel, table=True):
    """Listing a subject on a penalty decided here (SAMR Order 44), one step at a time."""

    __tablename__ = "listing_procedure"

    id: Optional[int] = Field(default=None, primary_key=True)
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    # The penalty record; a procedure opened at a case's prior notice gets it at the decision.
    record_id: Optional[int] = Field(default=None, foreign_key="record.id", index=True)
    # The Blue Sky case (no foreign key: that table belongs to the cases package).
    case_id: Optional[int] = Field(default=None, sa_column=sa.Column(sa.Integer, index=True))
    status: str = Field(sa_column=sa.Column(sa.String(12), nullable=False, index=True))
    rule_code: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    penalty_kind: str = Field(sa_column=sa.Column(sa.String(24), nullable=False))
    penalty_amount: Optional[Decimal] = Field(default=None, sa_column=sa.Column(sa.Numeric(14, 2)))
    facts: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    legal_basis: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    proposed_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    proposed_by: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    proposed_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    served_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    statement_due: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    statement_due_provisional: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False,
                                                                              server_default=sa.false()))
    prior_notice_id: Optional[int] = Field(default=None, foreign_key="notice.id")
    statement_kind: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(12)))
    statement_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    statement_text: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False, server_default=""))
    consent_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    consent_ref: str = Field(default="", sa_column=sa.Column(sa.String(200), nullable=False, server_default=""))
    decided_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    decided_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    decision_notice_id: Optional[int] = Field(default=None, foreign_key="notice.id")
    entry_id: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(20), sa.ForeignKey("list_entry.id")))
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class ListVersion(SQLModel, table=True):
    """One immutable published version; its files are in the file store, named in ``files``."""

    __tablename__ = "list_version"

    number: int = Field(sa_column=sa.Column(sa.Integer, primary_key=True, autoincrement=False))
    as_of: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    generated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    entry_count: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    added: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    removed: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    changed: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    # JSON: [{"name", "sha256", "size"}] for index.json and the files it lists.
    files: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    published_by: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
