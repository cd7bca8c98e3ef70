"""Set-based scoring: one SQL statement computes every subject's score as of a date.

The catalog version in force on ``as_of`` becomes a VALUES table (one row a rule, with the
decision-date cutoff of its window already worked out for that date), joined to the records.
Window functions allocate the per-type caps and the total bonus cap record by record, in
decision-date order, so the stored contributions add up exactly to the score. The plain-Python
evaluator in ``reference.py`` states the same rules; tests hold the two together.

Assessments are stored by change (DESIGN section 13). Writing the result of date D for a subject:
- a result equal to the row in force on D writes nothing;
- a different one is written from D; a row that already started on D and differs is replaced;
- the dates after D keep their answers: when D is before the latest date every subject was
  assessed (the latest run), the row that was in force on D is written again from D + 1 unless
  the subject's next row starts then. Assessing a past date (``credit assess --as-of``) so
  changes the answer for that date only, and a correction made today (a revocation) changes
  today's answer, never the stored past: each row stays the record of what was decided.
A date after today is answered on its day: the nightly run recomputes every subject with a row
starting on its date. The nightly run itself (``recompute_changed``) recomputes only the subjects
whose counted records can differ from their last row; every statement is keyed by subject.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlmodel import Session

from credit.catalog.loader import Catalog, CatalogVersionSpec, NoCatalogInForce
from credit.catalog.services import register_version
from credit.clock import to_local
from credit.db import BULK_SETTINGS, bulk_settings, copy_into, greatest, least
from credit.listing.models import ListEntry, published_on
from credit.scoring.models import Assessment, AssessmentRun
from credit.scoring.queries import assessment_in_force, in_force
from credit.subjects.models import Subject
from credit.records.models import COUNTING_STATUSES, Record
from credit.threads import run_ahead

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
# The bounds of a range of subject ids, put into the text (COPY takes no parameters): see _stage_in_parallel.
LOW, HIGH = sa.literal_column(":low"), sa.literal_column(":high")


def scope_of_ids(dialect: str):
    """The scope "``column IN`` the ids bound as one JSON array", so one cached statement serves any batch."""
    def scope(column):
        if dialect == "postgresql":
            # As an integer array for unnest, whose row estimate is the array's length (json_array_elements'
            # is always 100): with it, a batch of 10,000 subjects is not planned as nested loops over 100.
            array = sa.cast(sa.func.translate(SUBJECT_IDS, "[]", "{}"), postgresql.ARRAY(sa.Integer))
            return column.in_(sa.select(sa.func.unnest(array).column_valued("value")))
        ids = sa.func.json_each(SUBJECT_IDS).table_valued("value")
        return column.in_(sa.select(ids.c.value))
    return scope


def in_range(column):
    """The scope "``column`` between the bounds put in as text" (a parallel part of a full run)."""
    return column.between(LOW, HIGH)


def counted_query(version: CatalogVersionSpec, as_of: dt.date, dialect: str, scope=None):
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
            # The earliest window's start as a constant too: the scan drops the old records at once.
            record.decision_date > min(rule.cutoff(as_of) for rule in version.rules),
            record.decision_date > rules.c.cutoff,
            sa.or_(
                record.status.in_(COUNTING_STATUSES),
                sa.and_(record.status == "repaired", record.repaired_on > as_of),
            ),
            sa.or_(rules.c.kind == "all", rules.c.kind == subject.kind),
        )
    )
    if scope is not None:
        counted = counted.where(scope(record.subject_id))
        if scope is in_range:  # the planner carries no range across the join (a list of ids it probes by key)
            counted = counted.where(scope(subject.id))
    return counted


def contributions_query(version: CatalogVersionSpec, as_of: dt.date, dialect: str, scope=None):
    """Every counted record with its points and the points that count after the caps."""
    counted = counted_query(version, as_of, dialect, scope).cte("counted")
    # Three streams, so that each sorts only the rows that need it: most records belong to
    # uncapped types and count in full; capped types need a running sum per type; bonuses also
    # a running sum over all of a subject's bonuses for the total bonus cap.
    order = (counted.c.decision_date, counted.c.record_id)
    # Back to INTEGER after the running sums (BIGINT), so that the total is not a NUMERIC sum.
    type_fit = sa.cast(_fit(
        sa.func.sum(counted.c.points).over(partition_by=(counted.c.subject_id, counted.c.rule_code), order_by=order),
        counted.c.points,
        counted.c.cap,
    ), sa.Integer)
    key = (counted.c.record_id, counted.c.subject_id, counted.c.rule_code, counted.c.points)
    uncapped = sa.select(*key, counted.c.points.label("counted_points")).where(
        counted.c.capped == 0, counted.c.bonus == 0
    )
    capped = sa.select(*key, type_fit.label("counted_points")).where(counted.c.capped == 1, counted.c.bonus == 0)
    bonus = sa.select(*key, counted.c.decision_date, type_fit.label("type_counted")).where(counted.c.bonus == 1).cte("bonus")
    bonus_running = sa.func.sum(bonus.c.type_counted).over(
        partition_by=bonus.c.subject_id, order_by=(bonus.c.decision_date, bonus.c.record_id)
    )
    bonus_fit = sa.cast(_fit(bonus_running, bonus.c.type_counted, sa.literal(version.bonus_total_cap)), sa.Integer)
    capped_bonus = sa.select(
        bonus.c.record_id, bonus.c.subject_id, bonus.c.rule_code, bonus.c.points, bonus_fit.label("counted_points")
    )
    return sa.union_all(uncapped, capped, capped_bonus)


def listed_on(as_of: dt.date, entry=ListEntry):
    """``entry`` (a list entry, or an alias of one) has its subject on the list on ``as_of``: D
    follows the *published* list (DESIGN section 6), a condition the listing package owns."""
    return published_on(as_of, entry)


class explanation_agg(GenericFunction):
    """JSON array of [record_id, rule_code, points, counted_points] per group, in record id order, as text.

    The order makes an unchanged result the same text, so that comparing it with the stored row
    tells a change.
    """

    type = sa.Text()
    inherit_cache = True


@compiles(explanation_agg, "postgresql")
def _explanation_agg_pg(element, compiler, **kw):
    record_id = element.clauses.clauses[0]
    return "CAST(json_agg(json_build_array(%s) ORDER BY %s) AS TEXT)" % (
        compiler.process(element.clauses, **kw), compiler.process(record_id, **kw))


@compiles(explanation_agg, "sqlite")
def _explanation_agg_sqlite(element, compiler, **kw):
    return "json_group_array(json_array(%s))" % compiler.process(element.clauses, **kw)


def assessments_query(version: CatalogVersionSpec, as_of: dt.date, dialect: str, scope=None):
    """One row per subject: score, grade, tier, listed and explanation, as an Assessment stores them.

    ``scope``: a condition on a subject id column (see ``scope_of_ids``) that limits the subjects.
    """
    contributions = contributions_query(version, as_of, dialect, scope).subquery("c")
    if dialect == "sqlite":
        # SQLite before 3.44 has no ORDER BY inside an aggregate; it aggregates an ordered
        # subquery in that order (an ORDER BY subquery is never flattened into an aggregate).
        c = contributions.c
        contributions = sa.select(contributions).order_by(c.subject_id, c.record_id).subquery("ordered")
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
    if scope is not None:
        rows = rows.where(scope(subject.id))
    inner = rows.subquery("scored")

    def by_band(value):
        """The grade's band of the score, mapped by ``value`` (the grade, or its tier): one flat CASE each."""
        return sa.case(
            (inner.c.listed, value(version.listed_grade)),
            *[
                ((inner.c.score > band.above) if band.above is not None else (inner.c.score >= band.at_least),
                 value(band.grade))
                for band in version.grades
            ],
            else_=value(version.grades[-1].grade),
        )

    return sa.select(
        inner.c.subject_id, inner.c.score, by_band(lambda grade: grade).label("grade"),
        by_band(lambda grade: version.tier_for(grade).tier).label("tier"), inner.c.listed, inner.c.explanation,
    )


def _same_result(row, fresh, version: CatalogVersionSpec):
    return sa.and_(
        row.score == fresh.c.score, row.grade == fresh.c.grade, row.tier == fresh.c.tier,
        row.listed == fresh.c.listed, row.catalog_version == version.version, row.explanation == fresh.c.explanation,
    )


_COLUMNS = ["subject_id", "valid_from", "catalog_version", "score", "grade", "tier", "listed", "explanation",
            "computed_at"]
# Which subjects a plan computes: all, the ids bound as :subject_ids, the ids between :low and
# :high (a part of a parallel full run), or those staged in _STAGED (the results of a parallel
# full run that differ from the rows in force).
SCOPE_ALL, SCOPE_IDS, SCOPE_RANGE, SCOPE_STAGED = "all", "ids", "range", "staged"
_STAGED = sa.Table("assessment_staged", sa.MetaData(), *(
    sa.Column(name, Assessment.__table__.c[name].type)
    for name in ("subject_id", "score", "grade", "tier", "listed", "explanation")), prefixes=["TEMPORARY"])


class _Plan:
    """The statements that write one date's results by change, for one database, version, date and scope.

    Building and compiling them costs more than running them for one subject, so each is
    compiled once, when first needed, to text with only :subject_ids and :computed_at to bind.
    """

    def __init__(self, dialect: sa.Dialect, version: CatalogVersionSpec, as_of: dt.date, scope: str):
        self.dialect, self.version, self.as_of, self.scope = dialect, version, as_of, scope

    def _text(self, statement) -> sa.TextClause:
        return sa.text(_literal_sql(statement, self.dialect))

    @functools.cached_property
    def _condition(self):
        """The scope as a condition on a subject id column; None: every subject."""
        if self.scope == SCOPE_STAGED:
            return lambda column: column.in_(sa.select(_STAGED.c.subject_id))
        return {SCOPE_IDS: scope_of_ids(self.dialect.name), SCOPE_RANGE: in_range}.get(self.scope)

    def _scope(self, column):
        return sa.true() if self._condition is None else self._condition(column)

    @functools.cached_property
    def _fresh(self):
        if self.scope == SCOPE_STAGED:
            return sa.select(_STAGED).subquery("fresh")
        return assessments_query(self.version, self.as_of, self.dialect.name, self._condition).subquery("fresh")

    @functools.cached_property
    def starts_on(self) -> sa.TextClause:
        """Does any subject in scope have a row starting on the date?"""
        a = Assessment.__table__
        return self._text(sa.select(sa.exists().where(a.c.valid_from == self.as_of, self._scope(a.c.subject_id))))

    @functools.cached_property
    def restore(self) -> sa.TextClause:
        """The row in force on the date, again from the next day, where the date's result changes."""
        fresh, held, following = self._fresh, sa.orm.aliased(Assessment, name="held"), sa.orm.aliased(Assessment)
        next_day = self.as_of + dt.timedelta(days=1)
        return self._text(sa.insert(Assessment.__table__).from_select(_COLUMNS, sa.select(
            held.subject_id, sa.literal(next_day, sa.Date), held.catalog_version, held.score, held.grade,
            held.tier, held.listed, held.explanation, held.computed_at,
        ).join(fresh, fresh.c.subject_id == held.subject_id).where(
            in_force(self.as_of, held), ~_same_result(held, fresh, self.version),
            ~sa.exists().where(following.subject_id == held.subject_id, following.valid_from == next_day),
        )))

    @functools.cached_property
    def replace(self) -> sa.TextClause:
        """Rows starting on the date that differ from the new result go."""
        a, fresh = Assessment.__table__, self._fresh
        return self._text(sa.delete(a).where(
            a.c.valid_from == self.as_of, self._scope(a.c.subject_id),
            ~sa.exists().where(fresh.c.subject_id == a.c.subject_id, _same_result(a.c, fresh, self.version)),
        ))

    def _changed(self) -> sa.Select:
        """The new results that differ from the row in force on the date."""
        fresh, held = self._fresh, sa.orm.aliased(Assessment, name="held")
        # Joined by subject alone, then compared: cheaper than an anti-join on every column.
        # A range limits the in-force anti-join too; a list of ids is probed by key.
        within = in_range if self.scope == SCOPE_RANGE else None
        current = sa.select(held).where(in_force(self.as_of, held, within=within),
                                        self._scope(held.subject_id)).subquery("current")
        return sa.select(*(fresh.c[name] for name in _STAGED.c.keys())).select_from(fresh).outerjoin(
            current, current.c.subject_id == fresh.c.subject_id).where(
            sa.or_(current.c.id.is_(None), ~_same_result(current.c, fresh, self.version)))

    @functools.cached_property
    def write(self) -> sa.TextClause:
        """The new results that differ from the row in force on the date."""
        changed = self._changed().subquery("changed")
        return self._text(sa.insert(Assessment.__table__).from_select(_COLUMNS, sa.select(
            changed.c.subject_id, sa.literal(self.as_of, sa.Date), sa.literal(self.version.version), changed.c.score,
            changed.c.grade, changed.c.tier, changed.c.listed, changed.c.explanation, COMPUTED_AT)))

    @functools.cached_property
    def changed_sql(self) -> str:
        """``_changed`` as SQL text for COPY, which takes no parameters (the range's bounds are formatted in)."""
        return _literal_sql(self._changed(), self.dialect)


def _literal_sql(statement, dialect: sa.Dialect) -> str:
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


_PLANS: dict[tuple, _Plan] = {}
# Subjects per scoped recompute statement: a night's few thousand are probed by key, 1,000 at a
# time; from 50,000 subjects on (an import) statements of 50,000 let the database hash-join whole
# tables instead (1M subjects, 200,000 recomputed: 8.1 s in statements of 1,000, 4.1 s of 50,000;
# 5,000 or 10,000 a statement were planned worse than either).
_BATCH, _LARGE_BATCH = 1000, 50_000


def _plan(dialect: sa.Dialect, version: CatalogVersionSpec, as_of: dt.date, scope: str) -> _Plan:
    key = (dialect.name, version.version, version.digest(), as_of, scope)
    if key not in _PLANS:
        if len(_PLANS) > 256:
            _PLANS.clear()
        _PLANS[key] = _Plan(dialect, version, as_of, scope)
    return _PLANS[key]


def _keeps_later_answers(session: Session, as_of: dt.date, now: dt.datetime) -> bool:
    """Whether the dates after ``as_of`` were decided already: a run assessed everyone later."""
    if as_of >= to_local(now).date():
        return False  # runs are kept for dates up to their own day only
    latest = session.scalar(sa.select(sa.func.max(AssessmentRun.as_of)).where(
        AssessmentRun.as_of <= to_local(now).date()))
    return latest is not None and as_of < latest


def _inserted(session: Session, statement: sa.TextClause, params: dict) -> int:
    count = session.execute(statement, params).rowcount
    # Python's sqlite3 reports no row count for a statement that starts with WITH.
    return count if count >= 0 else session.execute(sa.text("SELECT changes()")).scalar()


def _write(session: Session, plan: _Plan, params: dict, keep_later: bool) -> int:
    """Run one plan for one scope; the number of rows written."""
    written = _inserted(session, plan.restore, params) if keep_later else 0
    if session.execute(plan.starts_on, params).scalar():
        session.execute(plan.replace, params)
    return written + _inserted(session, plan.write, params)


def _record_run(session: Session, as_of: dt.date, now: dt.datetime, full: bool, subjects: int,
                written: int) -> AssessmentRun:
    run = AssessmentRun(as_of=as_of, full=full, started_at=now.astimezone(dt.timezone.utc), subjects=subjects,
                        written=written)
    if as_of <= to_local(now).date():  # a future date is not known to hold yet: nothing to start from
        session.add(run)
        session.flush()
    return run


# A full run on PostgreSQL is computed by several connections, a range of subject ids each, from
# this many subjects on (below it the connections cost more than they save); as many as the cores.
PARALLEL_FROM = 100_000
WORKERS = min(os.cpu_count() or 1, 8)


def _stage_in_parallel(session: Session, version: CatalogVersionSpec, as_of: dt.date) -> bool:
    """Compute a full run's results that differ from the rows in force on several connections and
    stage them in ``_STAGED``; False, with nothing done, where that cannot be done.

    A single statement uses one core: PostgreSQL gives no parallel workers to an INSERT ...
    SELECT, and the scoring query's window functions and ordered aggregate run in one process
    anyway. Each connection computes a range of subjects in a transaction that imports this one's
    snapshot (pg_export_snapshot), so all of them read exactly what this transaction reads; that
    holds only while it has written nothing (``pg_current_xact_id_if_assigned``), so this runs
    first. The rows stream through here into a temporary table by COPY, a block at a time, as
    each connection's thread hands them over (``run_ahead``).
    """
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or WORKERS < 2:
        return False
    low, high, count = session.execute(sa.select(sa.func.min(Subject.id), sa.func.max(Subject.id),
                                                 sa.func.count())).one()
    if count < PARALLEL_FROM or session.scalar(sa.text("SELECT pg_current_xact_id_if_assigned() IS NOT NULL")):
        return False
    snapshot = session.scalar(sa.text("SELECT pg_export_snapshot()"))
    _STAGED.create(session.connection())
    sql = _plan(bind.dialect, version, as_of, SCOPE_RANGE).changed_sql
    width = (high - low) // WORKERS + 1
    parts = (_copy_out(bind.engine, snapshot, sql.replace(":low", str(start)).replace(":high", str(start + width - 1)))
             for start in range(low, high + 1, width))
    with copy_into(session, _STAGED, list(_STAGED.c.keys())) as copy:
        for block in run_ahead(*parts, depth=4):
            copy.write(block)
    session.execute(sa.text(f"ANALYZE {_STAGED.name}"))
    return True


def _copy_out(engine: sa.Engine, snapshot: str, sql: str) -> Iterator[bytes]:
    """The rows of ``sql`` as of ``snapshot``, on a connection of its own, in blocks of about 1 MiB."""
    raw = engine.raw_connection()
    try:
        with raw.driver_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            for statement in BULK_SETTINGS:
                cursor.execute(statement)
            # The connections are the parallelism: PostgreSQL's own workers would take the same
            # cores, and its parallel plan for this query probes the records rule by rule.
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            block = bytearray()
            with cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
                for data in copy:
                    block += data
                    if len(block) >= 1 << 20:
                        yield bytes(block)
                        block.clear()
            if block:
                yield bytes(block)
    finally:
        raw.rollback()
        raw.close()


def _full_run(session: Session, version: CatalogVersionSpec, as_of: dt.date, now: dt.datetime) -> AssessmentRun:
    """Recompute every subject (``credit assess --full``, a new catalog version, the first run)."""
    staged = _stage_in_parallel(session, version, as_of)  # before this transaction writes anything
    register_version(session, version, now)
    dialect = session.get_bind().dialect
    postgres = dialect.name == "postgresql"
    bulk_settings(session)
    params = {"computed_at": now.astimezone(dt.timezone.utc)}
    written = _write(session, _plan(dialect, version, as_of, SCOPE_STAGED if staged else SCOPE_ALL), params,
                     _keeps_later_answers(session, as_of, now))
    if staged:
        session.execute(sa.text(f"DROP TABLE {_STAGED.name}"))
    subjects = session.scalar(sa.select(sa.func.count()).select_from(Subject))
    if postgres and written * 10 > subjects:
        # A bulk write (the first run, a new catalog version) leaves the planner's statistics
        # stale; per-subject statements that follow would otherwise pick sequential scans.
        session.execute(sa.text("ANALYZE assessment"))
    return _record_run(session, as_of, now, True, subjects, written)


def _recompute_some(session: Session, version: CatalogVersionSpec, as_of: dt.date, now: dt.datetime,
                    subject_ids: Iterable[int]) -> tuple[int, int]:
    """Recompute the given subjects in batches; (subjects, rows written)."""
    plan = _plan(session.get_bind().dialect, version, as_of, SCOPE_IDS)
    unique_ids = list(dict.fromkeys(subject_ids))
    keep_later = bool(unique_ids) and _keeps_later_answers(session, as_of, now)
    computed_at, written = now.astimezone(dt.timezone.utc), 0
    size = _LARGE_BATCH if len(unique_ids) >= _LARGE_BATCH else _BATCH
    for start in range(0, len(unique_ids), size):
        batch = json.dumps(unique_ids[start:start + size])
        written += _write(session, plan, {"subject_ids": batch, "computed_at": computed_at}, keep_later)
    return len(unique_ids), written


def recompute(
    session: Session,
    catalog: Catalog,
    as_of: dt.date,
    now: dt.datetime,
    subject_ids: Iterable[int] | None = None,
) -> tuple[int, int]:
    """Store the results of ``as_of`` (with their explanations) by change, for all or some subjects.

    Without ``subject_ids`` every subject is recomputed (a full run, ``credit assess --full``,
    for a new catalog version). A rerun writes nothing. Returns the number of subjects assessed
    and of rows written.
    """
    version = catalog.in_force(as_of)
    if subject_ids is None:
        run = _full_run(session, version, as_of, now)
        return run.subjects, run.written
    register_version(session, version, now)
    return _recompute_some(session, version, as_of, now, subject_ids)


def _latest_run(session: Session, as_of: dt.date) -> AssessmentRun | None:
    return session.scalars(
        sa.select(AssessmentRun).where(AssessmentRun.as_of <= as_of)
        .order_by(AssessmentRun.as_of.desc(), AssessmentRun.started_at.desc(), AssessmentRun.id.desc()).limit(1)
    ).first()


def _version_name(catalog: Catalog, day: dt.date) -> str | None:
    try:
        return catalog.in_force(day).version
    except NoCatalogInForce:
        return None


def subjects_to_recompute(session: Session, version: CatalogVersionSpec, previous: AssessmentRun,
                          as_of: dt.date) -> list[int]:
    """The subjects whose result as of ``as_of`` can differ from their row in force, one set-based query.

    Since the ``previous`` run (its date L, its start): records and subjects created or changed
    (a record confirmed, revoked, repaired, edited); records that start counting or whose window
    or repair ends in (L, as_of]; rows written for a date in (L, as_of] (a date assessed ahead of
    its day); and the subjects whose list status on ``as_of`` differs from their row in force
    (an entry listed, removed, or entered late with an earlier date: the list has no change
    stamp, and it is small). A change of catalog version is not asked here: it recomputes
    everyone. Every part reads one table, or a subject's own rows, keyed by subject.
    """
    since_day, since = previous.as_of, previous.started_at
    record, subject, entry, a = (m.__table__.c for m in (Record, Subject, ListEntry, Assessment))
    counting = sa.or_(record.status.in_(COUNTING_STATUSES),
                      sa.and_(record.status == "repaired", record.repaired_on > since_day))
    bounds = [sa.and_(record.decision_date > since_day, record.decision_date <= as_of)]  # starts counting
    rules_by_window: dict[int, list] = {}
    for rule in version.rules:
        rules_by_window.setdefault(rule.window_years, []).append(rule)
    for rules in rules_by_window.values():
        # Windows ending in (L, as_of]: counted on L, not on as_of. The cutoff handles 29 February.
        before, after = rules[0].cutoff(since_day), rules[0].cutoff(as_of)
        if after > before:
            bounds.append(sa.and_(record.rule_code.in_([r.code for r in rules]), record.decision_date > before,
                                  record.decision_date <= after))

    def within(column):
        return sa.and_(column > since_day, column <= as_of)

    listed = sa.orm.aliased(ListEntry)
    held = sa.orm.aliased(Assessment)
    held_listed = sa.select(held.listed).where(held.subject_id == entry.subject_id, in_force(as_of, held))
    causes = sa.union(
        sa.select(record.subject_id).where(record.updated_at > since),
        sa.select(subject.id).where(subject.updated_at > since),
        sa.select(record.subject_id).where(counting, sa.or_(*bounds)),
        sa.select(record.subject_id).where(record.status == "repaired", within(record.repaired_on)),
        sa.select(entry.subject_id).where(
            sa.exists().where(listed.subject_id == entry.subject_id, listed_on(as_of, listed))
            != sa.func.coalesce(held_listed.scalar_subquery(), sa.false())),
        sa.select(a.subject_id).where(within(a.valid_from)),
    )
    return sorted(session.scalars(causes))


def recompute_changed(session: Session, catalog: Catalog, as_of: dt.date, now: dt.datetime) -> AssessmentRun:
    """The nightly run: recompute only the subjects whose result can differ from their row in force.

    It starts from the latest run on or before ``as_of``; without one, or when another catalog
    version is in force on ``as_of``, it recomputes everyone. Returns the run (subjects
    recomputed, rows written), kept as the next run's starting point.
    """
    version = catalog.in_force(as_of)
    previous = _latest_run(session, as_of)
    if previous is None or _version_name(catalog, previous.as_of) != version.version:
        return _full_run(session, version, as_of, now)
    register_version(session, version, now)
    bulk_settings(session)
    subjects, written = _recompute_some(session, version, as_of, now,
                                        subjects_to_recompute(session, version, previous, as_of))
    return _record_run(session, as_of, now, False, subjects, written)


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
    """Recompute one subject right after a change to its records and return its assessment as of ``as_of``."""
    recompute(session, catalog, as_of, now, [subject_id])
    return assessment_in_force(session, subject_id, as_of)
