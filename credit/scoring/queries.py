"""The one as-of query: which stored assessment is in force on a date.

Assessments are stored by change (``models.py``): the row in force on D is the subject's latest
row starting on or before D, until its next row. Pages, exports, notice triggers, the monthly
report and the scoring engine itself ask it here: one rule, written as a condition on an
Assessment row (or an alias of it) keyed by subject, in the form that suits one subject or every
subject at once.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session

from credit.scoring.models import Assessment


def in_force(day, row=Assessment, *, before: bool = False, subject=None, within=None):
    """``row`` is its subject's assessment in force on ``day`` (a date or a date column).

    ``before``: in force on the day before ``day`` instead (for "the previous result").
    ``subject``: the subject's id given from outside ``row`` (a bound id, or the id of the
    registry row ``row`` is joined to). The condition is then "``row`` starts on the subject's
    latest start", which the database probes per subject and, joined, drops when it only counts
    subjects. Without it, "no later row starts by then", answered for every subject in one pass;
    ``within`` (a condition on a subject id column) then limits that pass to some subjects.
    """
    later = sa.orm.aliased(Assessment)
    later_starts = (later.valid_from < day) if before else (later.valid_from <= day)
    if subject is not None:
        latest = sa.select(sa.func.max(later.valid_from)).where(later.subject_id == subject, later_starts)
        return row.valid_from == latest.scalar_subquery()
    starts = (row.valid_from < day) if before else (row.valid_from <= day)
    # Everything but ``later`` comes from the enclosing queries (also a ``day`` column two levels up,
    # which auto-correlation would miss and cross-join instead).
    limit = within(later.subject_id) if within is not None else sa.true()
    return sa.and_(starts, ~sa.exists().where(
        later.subject_id == row.subject_id, later.valid_from > row.valid_from, later_starts, limit,
    ).correlate_except(later))


# Built once: constructing the alias and its subquery costs more than running the lookup.
_SUBJECT = sa.bindparam("subject_id", type_=sa.Integer)
_ONE = sa.select(Assessment).where(Assessment.subject_id == _SUBJECT,
                                   in_force(sa.bindparam("day", type_=sa.Date), subject=_SUBJECT))


def assessment_in_force(session: Session, subject_id: int, day: dt.date) -> Assessment | None:
    """The subject's assessment as of ``day``: the one pages, exports and notices show."""
    return session.scalars(_ONE, {"subject_id": subject_id, "day": day}).first()
