"""A plain-Python evaluator of DESIGN section 4, record by record.

It is the readable statement of the rules: the rule case files and the property test check the
set-based SQL engine against it. It is not used to store assessments.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from credit.catalog.loader import CatalogVersionSpec
from credit.records.models import COUNTING_STATUSES


@dataclass(frozen=True)
class RecordFact:
    id: int
    rule_code: str
    decision_date: dt.date
    status: str = "confirmed"
    repaired_on: dt.date | None = None


@dataclass
class Counted:
    record_id: int
    rule_code: str
    points: int
    counted_points: int

    @property
    def cap_applied(self) -> bool:
        return self.counted_points != self.points


@dataclass
class Evaluation:
    score: int
    grade: str
    tier: str
    listed: bool
    contributions: list[Counted] = field(default_factory=list)


def counts_on(version: CatalogVersionSpec, subject_kind: str, record: RecordFact, as_of: dt.date) -> bool:
    rule = version.rule(record.rule_code)
    if rule is None or not rule.applies_to(subject_kind):
        return False
    if record.status in COUNTING_STATUSES:
        active = True
    elif record.status == "repaired":
        active = record.repaired_on is not None and as_of < record.repaired_on
    else:
        active = False
    return active and record.decision_date <= as_of < rule.window_end(record.decision_date)


def _clamp(running_before: int, points: int, cap: int) -> int:
    """Points that still fit under ``cap`` after ``running_before`` (both with the sign of points)."""
    if points < 0:
        return max(cap, running_before + points) - max(cap, running_before)
    return min(cap, running_before + points) - min(cap, running_before)


def evaluate(
    version: CatalogVersionSpec, subject_kind: str, records: list[RecordFact], as_of: dt.date, listed: bool = False
) -> Evaluation:
    counting = sorted(
        (r for r in records if counts_on(version, subject_kind, r, as_of)), key=lambda r: (r.decision_date, r.id)
    )
    per_type: dict[str, int] = {}
    bonus_total = 0
    contributions = []
    for record in counting:
        rule = version.rule(record.rule_code)
        cap = rule.cap if rule.cap is not None else rule.points * 1_000_000
        before = per_type.get(rule.code, 0)
        per_type[rule.code] = before + rule.points
        counted = _clamp(before, rule.points, cap)
        if rule.is_bonus:
            fitted = _clamp(bonus_total, counted, version.bonus_total_cap)
            bonus_total += counted
            counted = fitted
        contributions.append(Counted(record.id, rule.code, rule.points, counted))
    score = max(version.score_floor, version.base_score + sum(c.counted_points for c in contributions))
    grade = version.grade_for(score, listed)
    return Evaluation(score, grade, version.tier_for(grade).tier, listed, contributions)
