"""The one as-of query: which stored assessment is in force on a date.

Assessments are stored by change (``models.py``): the row in force on D is the subject's latest
row starting on or before D, until its next row. Pages, exports, notice triggers, the monthly
report and the scoring engine itself ask it here, as a condition on an Assessment row (or an
alias of it), so a lookup for one subject and a scan of every subject are the same statement
keyed by subject.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from credit.scoring.models import Assessment


def in_force(day, row=Assessment, *, before: bool = False):
    """``row`` is its subject's assessment in force on ``day`` (a date or a date column).

    ``before``: in force on the day before ``day`` instead (for "the previous result").
    """
    later = sa.orm.aliased(Assessment)
    starts = (row.valid_from < day) if before else (row.valid_from <= day)
    later_starts = (later.valid_from < day) if before else (later.valid_from <= day)
    return sa.and_(starts, ~sa.exists().where(
        later.subject_id == row.subject_id, later.valid_from > row.valid_from, later_starts))


# Built once: constructing the aliases and EXISTS costs more than running the lookup.
_ONE = sa.select(Assessment).where(Assessment.subject_id == sa.bindparam("subject_id"),
                                   in_force(sa.bindparam("day", type_=sa.Date)))


def assessment_in_force(session: Session, subject_id: int, day: dt.date) -> Assessment | None:
    """The subject's assessment as of ``day``: the one pages, exports and notices show."""
    return session.scalars(_ONE, {"subject_id": subject_id, "day": day}).first()
