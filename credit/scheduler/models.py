"""Job runs: one row per (job, scheduled time), inserted before the job does anything.

The unique row is the claim: a second scheduler process or a rerun for the same scheduled time
fails to insert it and does nothing. APScheduler's own job stores cannot be shared between
processes, so exactly-once lives here.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

RUN_STATUSES = ("running", "succeeded", "failed")


class JobRun(SQLModel, table=True):
    __tablename__ = "job_run"
    __table_args__ = (sa.UniqueConstraint("job", "scheduled_for"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    job: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    scheduled_for: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, index=True))
    trigger: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))  # schedule | catch-up | manual
    claimed_by: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))  # host:pid
    status: str = Field(sa_column=sa.Column(sa.String(12), nullable=False, index=True))
    attempts: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False))
    started_at: dt.datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    finished_at: Optional[dt.datetime] = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    summary: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
    traceback: str = Field(default="", sa_column=sa.Column(sa.Text, nullable=False))
