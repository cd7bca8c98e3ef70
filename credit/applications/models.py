"""Applications a firm makes (DESIGN sections 6 and 7): an objection to a record or to its list
entry, a repair of a record, early removal from the list. Each concerns a record (``record_id``)
or a list entry (``list_entry_id``); most arrive online, an early removal also on paper (recorded
by an inspector). Nothing is deleted; a decision is a status."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Field, SQLModel

OBJECTION, REPAIR, REMOVAL = "objection", "repair", "removal"
KINDS = {OBJECTION: _l("Objection"), REPAIR: _l("Credit repair"), REMOVAL: _l("Early removal application")}
CHANNELS = ("online", "paper")
SUBMITTED, GRANTED, REFUSED = "submitted", "granted", "refused"
STATUS_LABELS = {
    (OBJECTION, SUBMITTED): _l("objection pending"),
    (OBJECTION, GRANTED): _l("objection upheld"),
    (OBJECTION, REFUSED): _l("objection rejected"),
    (REPAIR, SUBMITTED): _l("under review"),
    (REPAIR, GRANTED): _l("repair granted"),
    (REPAIR, REFUSED): _l("repair refused"),
    (REMOVAL, SUBMITTED): _l("removal under review"),
    (REMOVAL, GRANTED): _l("early removal granted"),
    (REMOVAL, REFUSED): _l("early removal refused"),
}


class Application(SQLModel, table=True):
    __tablename__ = "application"
    __table_args__ = (sa.Index("ix_application_status_due", "status", "due_on"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    # What it concerns: a record, or a list entry (an objection to the listing, early removal).
    record_id: Optional[int] = Field(default=None, foreign_key="record.id", index=True)
    list_entry_id: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(20), sa.ForeignKey("list_entry.id"),
                                                                           index=True))
    reasons: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    # The applicant declares the penalty's obligations performed, its harm removed and commits to
    # keep faith (信用承诺): a repair and an early removal need it.
    obligations_declared: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False))
    status: str = Field(sa_column=sa.Column(sa.String(12), nullable=False))
    received_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    due_on: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    # The deadline crosses a year whose official calendar is not known yet (DESIGN 6).
    due_provisional: bool = Field(default=False, sa_column=sa.Column(sa.Boolean, nullable=False))
    submitted_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    submitted_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    decided_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    decided_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    decision_reasons: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    # Online (the firm's portal) or on paper (received by the bureau, recorded by an inspector).
    channel: str = Field(default="online", sa_column=sa.Column(sa.String(10), nullable=False,
                                                               server_default="online"))
    # A granted repair: the record stops counting from this day; a granted removal: the entry's removal day.
    effective_on: Optional[dt.date] = Field(default=None, sa_column=sa.Column(sa.Date))
    notice_id: Optional[int] = Field(default=None, foreign_key="notice.id")


class Attachment(SQLModel, table=True):
    """A file the applicant attached, kept in the file store by SHA-256."""

    __tablename__ = "application_attachment"

    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="application.id", nullable=False, index=True)
    # The application's subject, so that the object rule (a firm sees its own) needs no lookup.
    subject_id: int = Field(foreign_key="subject.id", nullable=False)
    sha256: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    filename: str = Field(sa_column=sa.Column(sa.String(255), nullable=False))
    content_type: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    size: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    uploaded_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
