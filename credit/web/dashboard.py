"""Figures for the home page: what waits for the user, at a glance."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.accounts.models import User
from credit.audit.models import AuditEvent
from credit.subjects.models import Subject
from credit.records.models import Record


@dataclass
class Dashboard:
    subjects: int
    drafts: int
    confirmed: int
    recent: list[AuditEvent]


def dashboard(session: Session, user: User, recent: int = 5) -> Dashboard:
    def records(status: str) -> int:
        return session.exec(select(sa.func.count()).select_from(Record).where(Record.status == status)).one()

    return Dashboard(
        subjects=session.exec(select(sa.func.count()).select_from(Subject)).one(),
        drafts=records("draft"),
        confirmed=records("confirmed"),
        recent=list(session.exec(select(AuditEvent).where(AuditEvent.actor == user.username)
                                 .order_by(AuditEvent.id.desc()).limit(recent))),
    )
