"""Random inspection plans (双随机、一公开): a plan per period, its checks and the inspectors'
declared conflicts. Nothing is deleted: a plan that is not wanted is withdrawn."""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Field, SQLModel

PLAN_STATUSES = {
    "draft": _l("drafted"),
    "approved": _l("approved"),
    "published": _l("published"),
    "withdrawn": _l("withdrawn"),
}
# A plan in one of these states holds its period: no second plan is drafted for it.
ACTIVE_STATUSES = ("draft", "approved", "published")
# Plans whose checks count as "drawn this year" for the next draw of the same year.
DRAWN_STATUSES = ("approved", "published")

RESULTS = {
    "no_problem": _l("No problem found"),
    "problem_found": _l("Problem found"),
    # Not found at its registered address: itself a finding (DESIGN section 5, issue 13).
    "unreachable": _l("Not reachable at the registered address"),
}
FINDINGS = ("problem_found", "unreachable")


class InspectionPlan(SQLModel, table=True):
    __tablename__ = "inspection_plan"

    id: Optional[int] = Field(default=None, primary_key=True)
    period: str = Field(sa_column=sa.Column(sa.String(7), nullable=False, index=True))
    status: str = Field(sa_column=sa.Column(sa.String(10), nullable=False, index=True))
    # What anyone needs to reproduce the draw: the seed, the day the tiers were read, the catalog
    # version whose shares applied, and the SHA-256 of the inputs (credit inspection plan).
    seed: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    as_of: dt.date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    catalog_version: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    fingerprint: str = Field(sa_column=sa.Column(sa.String(64), nullable=False))
    drafted_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    drafted_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    approved_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    approved_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    published_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    published_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    updated_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class InspectionCheck(SQLModel, table=True):
    """One subject to inspect in a plan, by two inspectors, and its result once entered."""

    __tablename__ = "inspection_check"
    __table_args__ = (sa.UniqueConstraint("plan_id", "subject_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="inspection_plan.id", nullable=False, index=True)
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    # The subject's tier and grade when drawn (internal: the public page does not show them).
    tier: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    grade: str = Field(sa_column=sa.Column(sa.String(2), nullable=False))
    # The inspection items (检查事项) of the subject's kind when drawn, as a JSON list of text.
    items: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    first_inspector_id: int = Field(foreign_key="user_account.id", nullable=False, index=True)
    second_inspector_id: int = Field(foreign_key="user_account.id", nullable=False, index=True)
    result: Optional[str] = Field(default=None, sa_column=sa.Column(sa.String(20)))
    # What the finding opened: a record, and/or a Blue Sky case (a lead with source "random inspection").
    record_id: Optional[int] = Field(default=None, foreign_key="record.id")
    case_id: Optional[int] = Field(default=None, foreign_key="bluesky_case.id", index=True)
    note: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    result_by_id: Optional[int] = Field(default=None, foreign_key="user_account.id")
    result_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))

    @property
    def inspector_ids(self) -> tuple[int, int]:
        return self.first_inspector_id, self.second_inspector_id


class InspectorConflict(SQLModel, table=True):
    """An inspector's declared conflict of interest with a subject: the draw never assigns them."""

    __tablename__ = "inspector_conflict"
    __table_args__ = (sa.UniqueConstraint("inspector_id", "subject_id"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    inspector_id: int = Field(foreign_key="user_account.id", nullable=False)
    subject_id: int = Field(foreign_key="subject.id", nullable=False, index=True)
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    declared_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
