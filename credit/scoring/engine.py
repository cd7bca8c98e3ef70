"""Set-based scoring: one SQL statement computes every subject's score as of a date.

The catalog version in force on ``as_of`` becomes a VALUES table (one row a rule, with the
decision-date cutoff of its window already worked out for that date), joined to the records.
Window functions allocate the per-type caps and the total bonus cap record by record, in
decision-date order, so the stored contributions add up exactly to the score. The plain-Python
evaluator in ``reference.py`` states the same rules; tests hold the two together.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session

from credit.catalog.loader import Catalog, CatalogVersionSpec
from credit.catalog.services import register_version
from credit.db import greatest, least
from credit.listing.models import ListEntry
from credit.scoring.models import Assessment, Contribution
from credit.subjects.models import Subject
from credit.violations.models import COUNTING_STATUSES, Record

_NO_CAP = 1_000_000


def _rules_table(version: CatalogVersionSpec, as_of: dt.date):
    """The version's rules as a CTE, one row a rule, with each window's cutoff for ``as_of``.

    A UNION ALL of literal rows rather than VALUES: SQLite cannot name VALUES columns in FROM.
    """
    rows = [
        sa.select(
            sa.literal(r.code, sa.String).label("code"),
            sa.literal(r.kind, sa.String).label("kind"),
            sa.literal(r.points, sa.Integer).label("points"),
            sa.literal(r.cap if r.cap is not None else r.points * _NO_CAP, sa.Integer).label("cap"),
            sa.literal(r.cutoff(as_of), sa.Date).label("cutoff"),
            sa.literal(int(r.is_bonus), sa.Integer).label("bonus"),
        )
        for r in version.rules
    ]
    return sa.union_all(*rows).cte("rules")


def _fit(running, points, cap):
    """SQL twin of reference._clamp: the share of ``points`` that fits under ``cap``."""
    before = running - points
    return sa.case(
        (points < 0, greatest(cap, running) - greatest(cap, before)),
        else_=least(cap, running) - least(cap, before),
    )


def contributions_query(version: CatalogVersionSpec, as_of: dt.date, subject_ids: Iterable[int] | None = None):
    """Every counted record with its points and the points that count after the caps."""
    rules = _rules_table(version, as_of)
    record, subject = Record.__table__.c, Subject.__table__.c
    counted = (
        sa.select(
            record.id.label("record_id"),
            record.subject_id,
            record.rule_code,
            record.decision_date,
            rules.c.points,
            rules.c.cap,
            rules.c.bonus,
        )
        .select_from(Record.__table__)
        .join(rules, rules.c.code == record.rule_code)
        .join(Subject.__table__, subject.id == record.subject_id)
        .where(
            record.decision_date <= as_of,
            record.decision_date > rules.c.cutoff,
            sa.or_(
                record.status.in_(COUNTING_STATUSES),
                sa.and_(record.status == "repaired", record.repaired_on > as_of),
            ),
            sa.or_(rules.c.kind == "all", rules.c.kind == subject.kind),
        )
    )
    if subject_ids is not None:
        counted = counted.where(record.subject_id.in_(list(subject_ids)))
    counted = counted.cte("counted")
    order = (counted.c.decision_date, counted.c.record_id)
    type_running = sa.func.sum(counted.c.points).over(
        partition_by=(counted.c.subject_id, counted.c.rule_code), order_by=order
    )
    typed = sa.select(
        counted.c.record_id,
        counted.c.subject_id,
        counted.c.rule_code,
        counted.c.decision_date,
        counted.c.points,
        counted.c.bonus,
        _fit(type_running, counted.c.points, counted.c.cap).label("type_counted"),
    ).cte("typed")
    bonus_running = sa.func.sum(typed.c.type_counted).over(
        partition_by=(typed.c.subject_id, typed.c.bonus), order_by=(typed.c.decision_date, typed.c.record_id)
    )
    final = sa.select(
        typed.c.record_id,
        typed.c.subject_id,
        typed.c.rule_code,
        typed.c.points,
        sa.case(
            (typed.c.bonus == 1, _fit(bonus_running, typed.c.type_counted, sa.literal(version.bonus_total_cap))),
            else_=typed.c.type_counted,
        ).label("counted_points"),
    )
    return final


def listed_on(as_of: dt.date):
    entry = ListEntry.__table__.c
    return sa.and_(entry.listed_on <= as_of, sa.or_(entry.removed_on.is_(None), entry.removed_on > as_of))


def assessments_query(version: CatalogVersionSpec, as_of: dt.date, subject_ids: Iterable[int] | None = None):
    """One row per subject: score, grade, tier, listed: what an Assessment stores."""
    ids = list(subject_ids) if subject_ids is not None else None
    contributions = contributions_query(version, as_of, ids).subquery("c")
    totals = (
        sa.select(contributions.c.subject_id, sa.func.sum(contributions.c.counted_points).label("total"))
        .group_by(contributions.c.subject_id)
        .subquery("totals")
    )
    subject, entry = Subject.__table__.c, ListEntry.__table__.c
    listed = (
        sa.select(entry.subject_id).where(listed_on(as_of)).distinct().subquery("listed")
    )
    score = greatest(sa.literal(version.score_floor), version.base_score + sa.func.coalesce(totals.c.total, 0))
    is_listed = listed.c.subject_id.is_not(None)
    grade = sa.case(
        (is_listed, version.listed_grade),
        *[
            ((score > band.above) if band.above is not None else (score >= band.at_least), band.grade)
            for band in version.grades
        ],
        else_=version.grades[-1].grade,
    )
    rows = (
        sa.select(subject.id.label("subject_id"), score.label("score"), is_listed.label("listed"))
        .select_from(Subject.__table__)
        .outerjoin(totals, totals.c.subject_id == subject.id)
        .outerjoin(listed, listed.c.subject_id == subject.id)
    )
    if ids is not None:
        rows = rows.where(subject.id.in_(ids))
    rows = rows.add_columns(grade.label("grade"))
    inner = rows.subquery("scored")
    tier = sa.case(*[(inner.c.grade.in_(t.grades), t.tier) for t in version.tiers])
    return sa.select(inner.c.subject_id, inner.c.score, inner.c.grade, tier.label("tier"), inner.c.listed)


def recompute(
    session: Session,
    catalog: Catalog,
    as_of: dt.date,
    now: dt.datetime,
    subject_ids: Iterable[int] | None = None,
) -> int:
    """Store the assessments (and their contributions) of ``as_of`` for all or some subjects.

    Replaces what was stored for the same date, so a rerun is idempotent. Returns the number of
    assessments written.
    """
    version = catalog.in_force(as_of)
    register_version(session, version, now)
    ids = list(subject_ids) if subject_ids is not None else None
    a, c = Assessment.__table__, Contribution.__table__
    old = sa.select(a.c.id).where(a.c.as_of == as_of)
    if ids is not None:
        old = old.where(a.c.subject_id.in_(ids))
    session.execute(sa.delete(c).where(c.c.assessment_id.in_(old)))
    session.execute(sa.delete(a).where(a.c.id.in_(old)))

    scored = assessments_query(version, as_of, ids).subquery("scored")
    session.execute(
        sa.insert(a).from_select(
            ["subject_id", "as_of", "catalog_version", "score", "grade", "tier", "listed", "computed_at"],
            sa.select(
                scored.c.subject_id,
                sa.literal(as_of, sa.Date),
                sa.literal(version.version),
                scored.c.score,
                scored.c.grade,
                scored.c.tier,
                scored.c.listed,
                sa.literal(now.astimezone(dt.timezone.utc), sa.DateTime(timezone=True)),
            ),
        )
    )
    contributions = contributions_query(version, as_of, ids).subquery("contrib")
    session.execute(
        sa.insert(c).from_select(
            ["assessment_id", "record_id", "rule_code", "points", "counted_points"],
            sa.select(
                a.c.id, contributions.c.record_id, contributions.c.rule_code, contributions.c.points,
                contributions.c.counted_points,
            ).join(a, sa.and_(a.c.subject_id == contributions.c.subject_id, a.c.as_of == as_of)),
        )
    )
    # rowcount of INSERT ... SELECT is not reported by every driver (SQLite gives -1).
    written = sa.select(sa.func.count()).select_from(a).where(a.c.as_of == as_of)
    if ids is not None:
        written = written.where(a.c.subject_id.in_(ids))
    return session.scalar(written)


def recompute_subject(session: Session, catalog: Catalog, subject_id: int, as_of: dt.date, now: dt.datetime) -> Assessment:
    """Recompute one subject right after a change to its records and return the new assessment."""
    recompute(session, catalog, as_of, now, [subject_id])
    return latest_assessment(session, subject_id, as_of)


def latest_assessment(session: Session, subject_id: int, as_of: dt.date | None = None) -> Assessment | None:
    query = sa.select(Assessment).where(Assessment.subject_id == subject_id)
    if as_of is not None:
        query = query.where(Assessment.as_of <= as_of)
    return session.scalars(query.order_by(Assessment.as_of.desc()).limit(1)).first()
