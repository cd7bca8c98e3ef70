"""Searching the subject registry: one filter for the result pages and for the exports."""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from credit.scoring.models import Assessment
from credit.subjects.models import Subject


@dataclass(frozen=True)
class SubjectFilter:
    name: str = ""
    uscc: str = ""
    district: str = ""
    kind: str = ""


@dataclass(frozen=True)
class SubjectRow:
    """A subject with its latest stored assessment (None before its first one)."""

    subject: Subject
    assessment: Assessment | None


@dataclass(frozen=True)
class Page:
    rows: list[SubjectRow]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(criteria: SubjectFilter):
    query = sa.select(Subject)
    if criteria.name.strip():
        query = query.where(Subject.name.ilike(f"%{_escape_like(criteria.name.strip())}%", escape="\\"))
    if criteria.uscc.strip():
        # Codes are stored compact and upper case; a partial code finds every match.
        code = _escape_like(criteria.uscc.strip().upper().replace(" ", ""))
        query = query.where(Subject.uscc.like(f"%{code}%", escape="\\"))
    if criteria.district:
        query = query.where(Subject.district == criteria.district)
    if criteria.kind:
        query = query.where(Subject.kind == criteria.kind)
    return query


def _with_latest_assessment(query):
    latest = (
        sa.select(Assessment.subject_id, sa.func.max(Assessment.as_of).label("as_of"))
        .group_by(Assessment.subject_id)
        .subquery("latest")
    )
    filtered = query.subquery("filtered")
    subject = sa.orm.aliased(Subject, filtered)
    return (
        sa.select(subject, Assessment)
        .outerjoin(latest, latest.c.subject_id == subject.id)
        .outerjoin(Assessment, sa.and_(Assessment.subject_id == subject.id, Assessment.as_of == latest.c.as_of))
        .order_by(subject.name, subject.id)
    )


def search_subjects(session: Session, criteria: SubjectFilter, page: int = 1, per_page: int = 20) -> Page:
    query = _filtered(criteria)
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    number = min(max(page, 1), max(1, math.ceil(total / per_page)))
    rows = session.execute(_with_latest_assessment(query).limit(per_page).offset((number - 1) * per_page)).all()
    return Page([SubjectRow(s, a) for s, a in rows], number, per_page, total)


def iter_subjects(session: Session, criteria: SubjectFilter, batch: int = 1000) -> Iterator[SubjectRow]:
    """Every matching subject in the order of the result pages (for exports of any size)."""
    for subject, assessment in session.execute(_with_latest_assessment(_filtered(criteria)).execution_options(yield_per=batch)):
        yield SubjectRow(subject, assessment)
