"""Campaign statistics for a period, counted from the ledger's rows (so both give the same figures),
the server-drawn bar charts of the page, and the case-pipeline section of the monthly report."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.cases.ledger import LedgerRow, ledger
from credit.cases.models import Case, CaseDisposition, CaseEvent
from credit.cases.services import CLOSED_STAGES, DISPOSITIONS, MISCONDUCT, SOURCES, STAGES
from credit.dates import Period
from credit.i18n import chinese
from credit.notices.kinds import ReportSection
from credit.notices.layout import BarChart, Facts
from credit.subjects.models import DISTRICTS


@dataclass
class Breakdown:
    """One table of the page: (code, label, count) in a fixed order, and its chart."""

    key: str
    title: object  # lazy string
    rows: list[tuple[str, object, int]]

    @property
    def total(self) -> int:
        return sum(count for _code, _label, count in self.rows)


@dataclass
class Statistics:
    cases: int
    open: int
    overdue: int
    fines: Decimal
    confiscations: Decimal
    breakdowns: list[Breakdown]


def _breakdown(key: str, title, labels: dict, counts: Counter, keep_empty: bool = True) -> Breakdown:
    rows = [(code, label, counts.get(code, 0)) for code, label in labels.items() if keep_empty or counts.get(code)]
    return Breakdown(key, title, rows)


def statistics(rows: list[LedgerRow], months: list[str]) -> Statistics:
    def count(key: str) -> Counter:
        return Counter(r.codes[key] for r in rows)

    dispositions = Counter(kind for r in rows for kind in r.disposition_kinds)
    return Statistics(
        cases=len(rows),
        open=sum(1 for r in rows if r.codes["stage"] not in CLOSED_STAGES),
        overdue=sum(1 for r in rows if r.status.endswith("（逾期）")),
        fines=sum((r.fine for r in rows), Decimal("0")),
        confiscations=sum((r.confiscation for r in rows), Decimal("0")),
        breakdowns=[
            _breakdown("misconduct", _l("By misconduct type"), MISCONDUCT, count("misconduct")),
            _breakdown("stage", _l("By stage"), STAGES, count("stage")),
            _breakdown("disposition", _l("By disposition (decided)"), DISPOSITIONS, dispositions),
            _breakdown("district", _l("By district"), DISTRICTS, count("district")),
            _breakdown("source", _l("By source"), SOURCES, count("source")),
            _breakdown("month", _l("By month of registration"), {m: m for m in months}, count("month")),
        ],
    )


def period_statistics(session: Session, first: dt.date, last: dt.date, today: dt.date) -> tuple[Statistics, list]:
    months = [str(p) for p in Period.month(last).last_n(_months_between(first, last))]
    rows = ledger(session, first, last, today)
    return statistics(rows, months), rows


def _months_between(first: dt.date, last: dt.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


# ---------------------------------------------------------------------------------------------
# Server-drawn bar chart (SVG, no JavaScript), horizontal so that Chinese labels fit


@dataclass
class Bar:
    label: str
    value: int
    y: float
    width: float


@dataclass
class BarChartSvg:
    width: int
    height: int
    left: int
    bars: list[Bar]
    bar_height: int


def bar_chart(breakdown: Breakdown, width: int = 560, left: int = 190, bar_height: int = 18) -> BarChartSvg:
    peak = max([count for _c, _l, count in breakdown.rows] + [1])
    span = width - left - 50
    bars = [Bar(str(label), count, 10 + i * (bar_height + 8), span * count / peak)
            for i, (_code, label, count) in enumerate(breakdown.rows)]
    return BarChartSvg(width, 20 + len(bars) * (bar_height + 8), left, bars, bar_height)


# ---------------------------------------------------------------------------------------------
# The monthly report's case-pipeline section (credit.signals.monthly_report_sections)


def stages_on(session: Session, day: dt.date) -> Counter:
    """How many cases registered by ``day`` stood at each stage at its end."""
    stage: dict[int, str] = {case_id: "lead" for case_id in session.exec(select(Case.id).where(
        Case.registered_on <= day))}
    for event in session.exec(select(CaseEvent).where(CaseEvent.action == "step", CaseEvent.day <= day)
                              .order_by(CaseEvent.id)):
        if event.case_id in stage:
            stage[event.case_id] = event.to_stage
    return Counter(stage.values())


def report_section(session: Session, first: dt.date, last: dt.date) -> ReportSection:
    steps = Counter(session.exec(select(CaseEvent.to_stage).where(
        CaseEvent.action == "step", CaseEvent.day >= first, CaseEvent.day <= last)))
    registered = len(session.exec(select(Case.id).where(Case.registered_on >= first, Case.registered_on <= last)).all())
    fines = sum(session.exec(select(CaseDisposition.amount).where(
        CaseDisposition.kind == "fine", CaseDisposition.decided_on >= first, CaseDisposition.decided_on <= last)).all(),
        Decimal("0"))
    standing = stages_on(session, last)
    open_stages = [s for s in STAGES if s not in CLOSED_STAGES]
    return ReportSection("“蓝天”专项整治行动案件办理情况", [
        Facts([
            ("本月登记线索", f"{registered}件"),
            ("本月约谈整改", f"{steps['rectification']}件"),
            ("本月立案", f"{steps['opened']}件"),
            ("本月作出处罚决定", f"{steps['decided']}件"),
            ("本月结案（含不予立案）", f"{steps['closed'] + steps['not_opened']}件"),
            ("本月决定罚款", f"{fines:,.2f}元"),
            ("月末在办案件", f"{sum(standing[s] for s in open_stages)}件"),
        ]),
        BarChart("月末在办案件（按阶段）", [chinese(STAGES[s]) for s in open_stages],
                 {"案件数": [standing[s] for s in open_stages]}),
    ], order=10)
