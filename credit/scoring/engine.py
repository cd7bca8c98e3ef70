"""Set-based scoring: one SQL statement computes every subject's score as of a date.

The catalog version in force on ``as_of`` becomes a VALUES table (one row a rule, with the
decision-date cutoff of its window already worked out for that date), joined to the records.
Window functions allocate the per-type caps and the total bonus cap record by record, in
decision-date order, so the stored contributions add up exactly to the score; one INSERT ...
SELECT writes each subject's assessment with its explanation. The plain-Python evaluator in
``reference.py`` states the same rules; tests hold the two together.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlmodel import Session

from credit.catalog.loader import Catalog, CatalogVersionSpec
from credit.catalog.services import register_version
from credit.db import greatest, least
from credit.listing.models import ListEntry, published_on
from credit.scoring.models import Assessment
from credit.subjects.models import Subject
from credit.records.models import COUNTING_STATUSES, Record

_NO_CAP = 1_000_000


def _rules_table(version: CatalogVersionSpec, as_of: dt.date, dialect: str):
    """The version's rules as a CTE, one row a rule, with each window's cutoff for ``as_of``.

    A UNION ALL of literal rows rather than VALUES: SQLite cannot name VALUES columns in FROM.
    PostgreSQL types an untyped literal in a UNION as text, so the cutoff date is cast there.
    """
    def day(value: dt.date):
        literal = sa.literal(value, sa.Date)
        return sa.cast(literal, sa.Date) if dialect == "postgresql" else literal

    rows = [
        sa.select(
            sa.literal(r.code, sa.String).label("code"),
            sa.literal(r.kind, sa.String).label("kind"),
            sa.literal(r.points, sa.Integer).label("points"),
            sa.literal(r.cap if r.cap is not None else r.points * _NO_CAP, sa.Integer).label("cap"),
            day(r.cutoff(as_of)).label("cutoff"),
            sa.literal(int(r.is_bonus), sa.Integer).label("bonus"),
            sa.literal(int(r.cap is not None), sa.Integer).label("capped"),
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


# Placeholders kept as text through the literal compilation below, bound at execution.
COMPUTED_AT = sa.literal_column(":computed_at")
SUBJECT_IDS = sa.literal_column(":subject_ids")


def _in_subjects(column, dialect: str):
    """``column IN`` the ids bound as one JSON array, so one cached statement serves any batch."""
    if dialect == "postgresql":
        ids = sa.func.json_array_elements_text(sa.cast(SUBJECT_IDS, sa.JSON)).table_valued("value")
        return column.in_(sa.select(sa.cast(ids.c.value, sa.Integer)))
    ids = sa.func.json_each(SUBJECT_IDS).table_valued("value")
    return column.in_(sa.select(ids.c.value))


def counted_query(version: CatalogVersionSpec, as_of: dt.date, dialect: str, scoped: bool = False):
    """Every record that counts on ``as_of`` with its rule's points and cap (before any capping)."""
    rules = _rules_table(version, as_of, dialect)
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
            rules.c.capped,
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
    if scoped:
        counted = counted.where(_in_subjects(record.subject_id, dialect))
    return counted


def contributions_query(version: CatalogVersionSpec, as_of: dt.date, dialect: str, scoped: bool = False):
    """Every counted record with its points and the points that count after the caps."""
    counted = counted_query(version, as_of, dialect, scoped).cte("counted")
    # Three streams, so that each sorts only the rows that need it: most records belong to
    # uncapped types and count in full; capped types need a running sum per type; bonuses also
    # a running sum over all of a subject's bonuses for the total bonus cap.
    order = (counted.c.decision_date, counted.c.record_id)
    type_fit = _fit(
        sa.func.sum(counted.c.points).over(partition_by=(counted.c.subject_id, counted.c.rule_code), order_by=order),
        counted.c.points,
        counted.c.cap,
    )
    key = (counted.c.record_id, counted.c.subject_id, counted.c.rule_code, counted.c.points)
    uncapped = sa.select(*key, counted.c.points.label("counted_points")).where(
        counted.c.capped == 0, counted.c.bonus == 0
    )
    capped = sa.select(*key, type_fit.label("counted_points")).where(counted.c.capped == 1, counted.c.bonus == 0)
    bonus = sa.select(*key, counted.c.decision_date, type_fit.label("type_counted")).where(counted.c.bonus == 1).cte("bonus")
    bonus_running = sa.func.sum(bonus.c.type_counted).over(
        partition_by=bonus.c.subject_id, order_by=(bonus.c.decision_date, bonus.c.record_id)
    )
    bonus_fit = _fit(bonus_running, bonus.c.type_counted, sa.literal(version.bonus_total_cap))
    capped_bonus = sa.select(
        bonus.c.record_id, bonus.c.subject_id, bonus.c.rule_code, bonus.c.points, bonus_fit.label("counted_points")
    )
    return sa.union_all(uncapped, capped, capped_bonus)


def listed_on(as_of: dt.date):
    # D follows the *published* list (DESIGN section 6): the listing package owns that condition.
    return published_on(as_of)


class explanation_agg(GenericFunction):
    """JSON array of [record_id, rule_code, points, counted_points] per group, as text."""

    type = sa.Text()
    inherit_cache = True


@compiles(explanation_agg, "postgresql")
def _explanation_agg_pg(element, compiler, **kw):
    return "CAST(json_agg(json_build_array(%s)) AS TEXT)" % compiler.process(element.clauses, **kw)


@compiles(explanation_agg, "sqlite")
def _explanation_agg_sqlite(element, compiler, **kw):
    return "json_group_array(json_array(%s))" % compiler.process(element.clauses, **kw)


def assessments_query(version: CatalogVersionSpec, as_of: dt.date, dialect: str, scoped: bool = False):
    """One row per subject: score, grade, tier, listed and explanation, as an Assessment stores them."""
    contributions = contributions_query(version, as_of, dialect, scoped).subquery("c")
    totals = (
        sa.select(
            contributions.c.subject_id,
            sa.func.sum(contributions.c.counted_points).label("total"),
            explanation_agg(
                contributions.c.record_id, contributions.c.rule_code, contributions.c.points,
                contributions.c.counted_points,
            ).label("explanation"),
        )
        .group_by(contributions.c.subject_id)
        .subquery("totals")
    )
    subject, entry = Subject.__table__.c, ListEntry.__table__.c
    listed = sa.select(entry.subject_id).where(listed_on(as_of)).distinct().subquery("listed")
    score = greatest(sa.literal(version.score_floor), version.base_score + sa.func.coalesce(totals.c.total, 0))
    is_listed = listed.c.subject_id.is_not(None)
    rows = (
        sa.select(
            subject.id.label("subject_id"),
            score.label("score"),
            is_listed.label("listed"),
            sa.func.coalesce(totals.c.explanation, "[]").label("explanation"),
        )
        .select_from(Subject.__table__)
        .outerjoin(totals, totals.c.subject_id == subject.id)
        .outerjoin(listed, listed.c.subject_id == subject.id)
    )
    if scoped:
        rows = rows.where(_in_subjects(subject.id, dialect))
    inner = rows.subquery("scored")
    grade = sa.case(
        (inner.c.listed, version.listed_grade),
        *[
            ((inner.c.score > band.above) if band.above is not None else (inner.c.score >= band.at_least), band.grade)
            for band in version.grades
        ],
        else_=version.grades[-1].grade,
    )
    graded = sa.select(inner, grade.label("grade")).subquery("graded")
    tier = sa.case(*[(graded.c.grade.in_(t.grades), t.tier) for t in version.tiers])
    return sa.select(
        graded.c.subject_id, graded.c.score, graded.c.grade, tier.label("tier"), graded.c.listed, graded.c.explanation,
    )


def _statements(dialect: sa.Dialect, version: CatalogVersionSpec, as_of: dt.date, scoped: bool) -> list[sa.TextClause]:
    """The recompute as plain SQL, compiled once per (database, version, date, scope).

    Building and compiling these statements costs more than running them for one subject, so
    they are cached as text with only :subject_ids and :computed_at left to bind.
    """
    a = Assessment.__table__
    old = sa.delete(a).where(a.c.as_of == as_of)
    if scoped:
        old = old.where(_in_subjects(a.c.subject_id, dialect.name))
    scored = assessments_query(version, as_of, dialect.name, scoped).subquery("scored")
    write = sa.insert(a).from_select(
        ["subject_id", "as_of", "catalog_version", "score", "grade", "tier", "listed", "explanation", "computed_at"],
        sa.select(
            scored.c.subject_id, sa.literal(as_of, sa.Date), sa.literal(version.version), scored.c.score,
            scored.c.grade, scored.c.tier, scored.c.listed, scored.c.explanation, COMPUTED_AT,
        ),
    )
    steps = [sa.text(_literal_sql(old, dialect)), sa.text(_literal_sql(write, dialect))]
    if not scoped and dialect.name == "postgresql":
        # Sorting every counted record in memory rather than in temporary files, for this
        # transaction only.
        steps.insert(0, sa.text("SET LOCAL work_mem = '256MB'"))
        # A bulk rewrite leaves the planner's statistics stale; per-subject statements that
        # follow (a confirmation, an import) would otherwise pick sequential scans.
        steps.append(sa.text("ANALYZE assessment"))
    return steps


def _literal_sql(statement, dialect: sa.Dialect) -> str:
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


_PLANS: dict[tuple, list[sa.TextClause]] = {}
_BATCH = 1000  # subjects per scoped recompute statement


def _plan(dialect: sa.Dialect, version: CatalogVersionSpec, as_of: dt.date, scoped: bool) -> list[sa.TextClause]:
    key = (dialect.name, version.version, version.digest(), as_of, scoped)
    if key not in _PLANS:
        if len(_PLANS) > 256:
            _PLANS.clear()
        _PLANS[key] = _statements(dialect, version, as_of, scoped)
    return _PLANS[key]


def recompute(
    session: Session,
    catalog: Catalog,
    as_of: dt.date,
    now: dt.datetime,
    subject_ids: Iterable[int] | None = None,
) -> int:
    """Store the assessments of ``as_of`` (with their explanations) for all or some subjects.

    Replaces what was stored for the same date, so a rerun is idempotent. Returns the number of
    subjects assessed.
    """
    version = catalog.in_force(as_of)
    register_version(session, version, now)
    dialect = session.get_bind().dialect
    computed_at = now.astimezone(dt.timezone.utc)
    if subject_ids is None:
        for statement in _plan(dialect, version, as_of, scoped=False):
            session.execute(statement, {"computed_at": computed_at})
        return session.scalar(sa.select(sa.func.count()).select_from(Assessment).where(Assessment.as_of == as_of))
    plan = _plan(dialect, version, as_of, scoped=True)
    unique_ids = list(dict.fromkeys(subject_ids))
    for start in range(0, len(unique_ids), _BATCH):
        batch = json.dumps(unique_ids[start:start + _BATCH])
        for statement in plan:
            session.execute(statement, {"subject_ids": batch, "computed_at": computed_at})
    return len(unique_ids)


@dataclass(frozen=True)
class ContributionRow:
    """One counted record of an assessment: the record, its rule code, its points, what counted."""

    record: Record
    rule_code: str
    points: int
    counted_points: int

    @property
    def cap_applied(self) -> bool:
        return self.counted_points != self.points


def contributions(session: Session, assessments: Iterable[Assessment]) -> dict[int, list[ContributionRow]]:
    """The explanation of each assessment (by id), records loaded in one query, in decision order."""
    parsed = {a.id: json.loads(a.explanation) for a in assessments}
    record_ids = {row[0] for rows in parsed.values() for row in rows}
    records: dict[int, Record] = {}
    ids = sorted(record_ids)
    for start in range(0, len(ids), 1000):
        for record in session.scalars(sa.select(Record).where(Record.id.in_(ids[start:start + 1000]))):
            records[record.id] = record
    return {
        assessment_id: sorted(
            (ContributionRow(records[rid], code, points, counted) for rid, code, points, counted in rows),
            key=lambda c: (c.record.decision_date, c.record.id),
        )
        for assessment_id, rows in parsed.items()
    }


def recompute_subject(session: Session, catalog: Catalog, subject_id: int, as_of: dt.date, now: dt.datetime) -> Assessment:
    """Recompute one subject right after a change to its records and return the new assessment."""
    recompute(session, catalog, as_of, now, [subject_id])
    return latest_assessment(session, subject_id, as_of)


def latest_assessment(session: Session, subject_id: int, as_of: dt.date | None = None) -> Assessment | None:
    query = sa.select(Assessment).where(Assessment.subject_id == subject_id)
    if as_of is not None:
        query = query.where(Assessment.as_of <= as_of)
    return session.scalars(query.order_by(Assessment.as_of.desc()).limit(1)).first()
