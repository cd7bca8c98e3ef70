"""Searching the subject registry: one filter for the result pages and for the exports."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from credit.paging import Page, paginate
from credit.scoring.models import Assessment
from credit.search import contains
from credit.scoring.queries import in_force
from credit.subjects.models import Subject


@dataclass(frozen=True)
class SubjectFilter:
    name: str = ""
    uscc: str = ""
    district: str = ""
    kind: str = ""
    grade: str = ""  # of the assessment in force today
    tier: str = ""
    sort: str = "name"  # a key of SORTS


# How a result list may be ordered: by name, by score (highest or lowest first), by registration
# date (newest first); subjects not assessed (or without a date) come last.
SORTS = ("name", "score", "score_asc", "registered")


def _filtered(criteria: SubjectFilter):
    query = sa.select(Subject)
    if criteria.name.strip():
        query = query.where(contains(Subject.name, criteria.name, "name"))
    if criteria.uscc.strip():
        # Codes are stored compact and upper case; a partial code finds every match.
        query = query.where(contains(Subject.uscc, criteria.uscc.upper().replace(" ", ""), "uscc"))
    if criteria.district:
        query = query.where(Subject.district == criteria.district)
    if criteria.kind:
        query = query.where(Subject.kind == criteria.kind)
    return query


def _order(criteria: SubjectFilter, subject, assessment) -> list:
    by_name = [subject.name, subject.id]
    return {
        "score": [assessment.score.desc().nulls_last()],
        "score_asc": [assessment.score.asc().nulls_last()],
        "registered": [subject.registered_on.desc().nulls_last()],
    }.get(criteria.sort, []) + by_name



def _with_assessment(query, criteria: SubjectFilter, today: dt.date):
    """Rows with ``.subject`` and ``.assessment`` (the one in force today, None before the first),
    narrowed to the criteria's grade and tier and in their order."""
    subject = sa.orm.aliased(Subject, query.subquery("filtered"), name="subject")
    assessment = sa.orm.aliased(Assessment, name="assessment")
    rows = (
        sa.select(subject, assessment)
        .outerjoin(assessment, sa.and_(assessment.subject_id == subject.id,
                                       in_force(today, assessment, subject=subject.id)))
        .order_by(*_order(criteria, subject, assessment))
    )
    if criteria.grade:
        rows = rows.where(assessment.grade == criteria.grade)
    if criteria.tier:
        rows = rows.where(assessment.tier == criteria.tier)
    return rows


def search_subjects(session: Session, criteria: SubjectFilter, today: dt.date, page: int = 1,
                    per_page: int = 20) -> Page:
    return paginate(session, _with_assessment(_filtered(criteria), criteria, today), page, per_page)


def iter_subjects(session: Session, criteria: SubjectFilter, today: dt.date, batch: int = 1000) -> Iterator[sa.Row]:
    """Every matching subject in the order of the result pages (for exports of any size)."""
    return iter(session.execute(_with_assessment(_filtered(criteria), criteria, today).execution_options(yield_per=batch)))
