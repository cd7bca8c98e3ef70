"""Searching the subject registry: one filter for the result pages and for the exports."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from credit.paging import Page, paginate
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.subjects.models import Subject


@dataclass(frozen=True)
class SubjectFilter:
    name: str = ""
    uscc: str = ""
    district: str = ""
    kind: str = ""


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


def _with_assessment(query, today: dt.date):
    """Rows with ``.subject`` and ``.assessment`` (the one in force today, None before the first)."""
    subject = sa.orm.aliased(Subject, query.subquery("filtered"), name="subject")
    assessment = sa.orm.aliased(Assessment, name="assessment")
    return (
        sa.select(subject, assessment)
        .outerjoin(assessment, sa.and_(assessment.subject_id == subject.id,
                                       in_force(today, assessment, subject=subject.id)))
        .order_by(subject.name, subject.id)
    )


def search_subjects(session: Session, criteria: SubjectFilter, today: dt.date, page: int = 1,
                    per_page: int = 20) -> Page:
    return paginate(session, _with_assessment(_filtered(criteria), today), page, per_page)


def iter_subjects(session: Session, criteria: SubjectFilter, today: dt.date, batch: int = 1000) -> Iterator[sa.Row]:
    """Every matching subject in the order of the result pages (for exports of any size)."""
    return iter(session.execute(_with_assessment(_filtered(criteria), today).execution_options(yield_per=batch)))
