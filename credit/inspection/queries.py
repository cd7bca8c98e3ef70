"""What the plan pages show: a plan's checks with their subjects, inspectors and results, and the
completion and findings figures by tier and district."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from credit.accounts.models import User
from credit.cases.models import Case
from credit.inspection.models import FINDINGS, InspectionCheck, InspectionPlan
from credit.subjects.models import Subject


@dataclass(frozen=True)
class CheckRow:
    check: InspectionCheck
    subject: Subject
    inspectors: tuple[str, str]  # display names, as the public page shows them
    case: Case | None = None  # the Blue Sky case the finding opened (internal)

    @property
    def items(self) -> list[str]:
        return json.loads(self.check.items)


def _check_rows(session: Session, *where) -> list[CheckRow]:
    first, second = aliased(User), aliased(User)
    rows = session.execute(
        select(InspectionCheck, Subject, first, second, Case)
        .join(Subject, Subject.id == InspectionCheck.subject_id)
        .join(first, first.id == InspectionCheck.first_inspector_id)
        .join(second, second.id == InspectionCheck.second_inspector_id)
        .outerjoin(Case, Case.id == InspectionCheck.case_id)
        .where(*where)
        .order_by(Subject.district, Subject.name, InspectionCheck.id)
    ).all()
    return [CheckRow(c, s, (a.label, b.label), case) for c, s, a, b, case in rows]


def plan_rows(session: Session, plan_id: int) -> list[CheckRow]:
    return _check_rows(session, InspectionCheck.plan_id == plan_id)


def checks_that_opened(session: Session, *, record_id: int | None = None,
                       case_id: int | None = None) -> list[tuple[InspectionPlan, CheckRow]]:
    """The checks whose result links the record or the case (the way back from it), with their plans."""
    column, value = (InspectionCheck.record_id, record_id) if record_id is not None else (InspectionCheck.case_id, case_id)
    rows = _check_rows(session, column == value)
    plans = {p.id: p for p in session.exec(select(InspectionPlan).where(
        InspectionPlan.id.in_({r.check.plan_id for r in rows})))} if rows else {}
    return [(plans[r.check.plan_id], r) for r in rows]


def plans(session: Session, statuses: tuple[str, ...] | None = None) -> list[tuple[InspectionPlan, int, int]]:
    """(plan, checks, results entered), newest period first."""
    counts = (select(InspectionCheck.plan_id, sa.func.count().label("checks"),
                     sa.func.count(InspectionCheck.result).label("done"))
              .group_by(InspectionCheck.plan_id).subquery())
    query = (select(InspectionPlan, sa.func.coalesce(counts.c.checks, 0), sa.func.coalesce(counts.c.done, 0))
             .outerjoin(counts, counts.c.plan_id == InspectionPlan.id)
             .order_by(InspectionPlan.period.desc(), InspectionPlan.id.desc()))
    if statuses is not None:
        query = query.where(InspectionPlan.status.in_(statuses))
    return [tuple(row) for row in session.execute(query).all()]


@dataclass(frozen=True)
class Figure:
    """Checks drawn, results entered and findings (a problem, or not reachable) for one group."""

    key: str
    checks: int
    done: int
    findings: int

    @property
    def completion(self) -> float:
        return self.done / self.checks if self.checks else 0.0

    @property
    def findings_rate(self) -> float:
        return self.findings / self.done if self.done else 0.0


@dataclass(frozen=True)
class Statistics:
    year: int
    by_tier: list[Figure] = field(default_factory=list)
    by_district: list[Figure] = field(default_factory=list)

    @property
    def total(self) -> Figure:
        groups = self.by_tier
        return Figure("", sum(f.checks for f in groups), sum(f.done for f in groups), sum(f.findings for f in groups))


def statistics(session: Session, year: int, tiers: list[str], until=None) -> Statistics:
    """Completion and findings of the published plans of ``year`` by tier (in ``tiers`` order)
    and by district; ``until`` (a UTC datetime) counts only results entered before it."""
    check = InspectionCheck
    published = select(InspectionPlan.id).where(InspectionPlan.status == "published",
                                                InspectionPlan.period.startswith(str(year)))
    done = check.result.is_not(None) if until is None else sa.and_(check.result.is_not(None), check.result_at < until)
    measures = (sa.func.count(), sa.func.count(sa.case((done, 1))),
                sa.func.count(sa.case((sa.and_(done, check.result.in_(FINDINGS)), 1))))

    def grouped(column, join_subject: bool) -> dict[str, Figure]:
        query = select(column, *measures).where(check.plan_id.in_(published)).group_by(column)
        if join_subject:
            query = query.join(Subject, Subject.id == check.subject_id)
        return {key: Figure(key, *figures) for key, *figures in session.execute(query).all()}

    by_tier = grouped(check.tier, False)
    by_district = grouped(Subject.district, True)
    return Statistics(
        year,
        [by_tier.get(t, Figure(t, 0, 0, 0)) for t in tiers],
        [by_district[d] for d in sorted(by_district)],
    )


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    width: float
    value: float
    caption: str


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars of shares (0 to 1), drawn as SVG by templates/inspection/_bar_chart.html."""

    title: str
    width: int
    height: int
    left: int
    right: int
    bar_height: int
    bars: list[Bar]


def bar_chart(title: str, rows: list[tuple[str, float, str]], width: int = 640) -> BarChart:
    """(label, share, caption) rows as bars scaled to 100 %."""
    left, right, bar_height, gap, top = 120, width - 90, 18, 8, 8
    bars = [Bar(label, top + i * (bar_height + gap), max(0.0, min(1.0, value)) * (right - left), value, caption)
            for i, (label, value, caption) in enumerate(rows)]
    return BarChart(title, width, top * 2 + len(rows) * (bar_height + gap), left, right, bar_height, bars)
