"""The random inspections' part of the monthly supervision report (``monthly_report_sections``):
completion by tier and district and the findings rate by tier, for the year up to the month's end."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from credit.catalog.loader import Catalog
from credit.i18n import chinese
from credit.inspection.draw import end_of
from credit.inspection.queries import statistics
from credit.notices.kinds import ReportSection
from credit.notices.layout import BarChart, Table, Text
from credit.subjects.models import DISTRICTS


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def report_section(session: Session, catalog: Catalog, first: dt.date, last: dt.date) -> ReportSection | None:
    """None when no plan of the year is published."""
    version = catalog.in_force(last)
    labels = {t.tier: t.label for t in version.tiers}
    figures = statistics(session, last.year, list(labels), until=end_of(last))
    total = figures.total
    if not total.checks:
        return None
    summary = (f"{last.year}年已公布的抽查计划共抽查 {total.checks} 户，截至{last.month}月末已录入检查结果 {total.done} 户"
               f"（完成率 {_percent(total.completion)}），其中发现问题或在登记地址无法联系 {total.findings} 户"
               f"（问题发现率 {_percent(total.findings_rate)}）。")
    return ReportSection("“双随机、一公开”抽查", [
        Text(summary),
        Table(["监管层级", "抽查户数", "已检查", "发现问题", "完成率", "问题发现率"],
              [[labels[f.key], str(f.checks), str(f.done), str(f.findings), _percent(f.completion),
                _percent(f.findings_rate)] for f in figures.by_tier]),
        BarChart("各监管层级问题发现率（%）", [labels[f.key] for f in figures.by_tier],
                 {"问题发现率": [round(f.findings_rate * 100, 1) for f in figures.by_tier]}),
        Table(["县区", "抽查户数", "已检查", "完成率"],
              [[chinese(DISTRICTS.get(f.key, f.key)), str(f.checks), str(f.done), _percent(f.completion)]
               for f in figures.by_district]),
    ], order=30)
