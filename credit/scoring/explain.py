"""What the subject page shows about a score: the assessment in force today, its explanation, its history.

The explanation reads the catalog version the assessment was computed with (as stored, not the
file as it is today), so an old grade is explained by the rules that made it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from credit.catalog.loader import CatalogVersionSpec, RuleSpec, TierSpec
from credit.catalog.services import stored_version
from credit.dates import add_years
from credit.scoring.engine import ContributionRow, contributions
from credit.scoring.models import Assessment
from credit.scoring.queries import assessment_in_force, in_force

HISTORY_YEARS = 3


@dataclass(frozen=True)
class ExplanationRow(ContributionRow):
    """A contribution with its rule as the assessment's catalog version stated it."""

    rule: RuleSpec


@dataclass(frozen=True)
class Profile:
    as_of: dt.date
    assessment: Assessment | None
    version: CatalogVersionSpec | None
    explanation: list[ExplanationRow] = field(default_factory=list)
    # The results in force over the last HISTORY_YEARS years, oldest first.
    history: list[Assessment] = field(default_factory=list)

    @property
    def tier(self) -> TierSpec | None:
        return self.version.tier_for(self.assessment.grade) if self.assessment else None


def subject_profile(session: Session, subject_id: int, today: dt.date) -> Profile:
    """The assessment in force today (not one stored ahead for a later date) and the history up to today."""
    assessment = assessment_in_force(session, subject_id, today)
    if assessment is None:
        return Profile(today, None, None)
    version = stored_version(session, assessment.catalog_version)
    explanation = [
        ExplanationRow(c.record, c.rule_code, c.points, c.counted_points, version.rule(c.rule_code))
        for c in contributions(session, [assessment])[assessment.id]
    ]
    start = add_years(today, -HISTORY_YEARS)
    history = session.scalars(
        sa.select(Assessment)
        .where(Assessment.subject_id == subject_id, Assessment.valid_from <= today,
               sa.or_(Assessment.valid_from > start, in_force(start)))
        .order_by(Assessment.valid_from)
    ).all()
    return Profile(today, assessment, version, explanation, list(history))


# ---------------------------------------------------------------------------------------------
# The history chart: geometry only; templates/subjects/_history_chart.html draws the SVG, so the
# page needs no JavaScript.


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    assessment: Assessment


@dataclass(frozen=True)
class ChartBand:
    grade: str
    top: float
    bottom: float


@dataclass(frozen=True)
class HistoryChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: list[ChartPoint]
    bands: list[ChartBand]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, dt.date]]

    @property
    def path(self) -> str:
        """A step line: a score holds from one assessment until the next, the last one until today."""
        if not self.points:
            return ""
        first = self.points[0]
        return " ".join([f"M{first.x:.1f},{first.y:.1f}"] + [f"H{p.x:.1f}V{p.y:.1f}" for p in self.points[1:]]
                        + [f"H{self.right:.1f}"])


def history_chart(history: list[Assessment], version: CatalogVersionSpec, today: dt.date, width: int = 640,
                  height: int = 220) -> HistoryChart:
    """``history``: the results in force over the period, oldest first; the first may have begun before it."""
    # The grade letters sit in the right margin, clear of the points at the plot's right edge.
    left, right, top, bottom = 40, width - 32, 10, height - 28
    low = version.score_floor
    high = max([version.base_score + version.bonus_total_cap] + [a.score for a in history])

    def y_of(score: float) -> float:
        return bottom - (score - low) / (high - low) * (bottom - top)

    first = max(history[0].valid_from, add_years(today, -HISTORY_YEARS)) if history else today
    span = (today - first).days

    def x_of(day: dt.date) -> float:
        return left if span == 0 else left + (max(day, first) - first).days / span * (right - left)

    bands, ceiling = [], high
    for band in version.grades:
        floor = band.above if band.above is not None else band.at_least
        floor = max(floor, low)
        bands.append(ChartBand(band.grade, y_of(ceiling), y_of(floor)))
        ceiling = floor
    y_ticks = sorted({low, version.base_score, *(b.at_least for b in version.grades if b.at_least is not None)})
    x_days = [first, today] if span else [today]
    return HistoryChart(
        width, height, left, right, top, bottom,
        [ChartPoint(x_of(a.valid_from), y_of(a.score), a) for a in history],
        bands,
        [(y_of(v), v) for v in y_ticks if low <= v <= high],
        [(x_of(d), d) for d in x_days],
    )
