"""The draw of a random inspection plan (双随机: random subjects, random inspectors).

For a period (a year ``2026`` or a quarter ``2026Q4``) the subjects are drawn at random within each
tier of the catalog in force, at the tier's yearly inspection share (rules/catalog ``tiers``) times
the part of the year the period covers, rounded up; a quarter draws first among the subjects of its
tier not yet drawn in an approved or published plan for an earlier period of the same year, so nobody is drawn
twice while others wait; every subject of the key-supervision tier (the tier of the listed grade, D) is drawn in
every plan (DESIGN section 5). Each check then gets two enabled inspectors at random, never one
involved with the subject (a record against it in the last three years, a case of it, through
``involvements``) or who declared a conflict with it, with loads that differ by at most one check.

The draw is a function of the data and the seed: ``random.Random(seed)`` over inputs read in a
fixed order, whose SHA-256 (the fingerprint) is printed and stored with the plan, so anyone can
run it again and compare. Nothing here writes.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from fractions import Fraction

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.accounts.authz import INSPECTION_RESULT, users_holding
from credit.accounts.models import User
from credit.audit.services import canonical_json
from credit.catalog.loader import Catalog, CatalogVersionSpec
from credit.clock import LOCAL_TZ
from credit.dates import Period, add_years
from credit.errors import Conflict, InvalidInput
from credit.inspection.items import InspectionItems
from credit.inspection.models import DRAWN_STATUSES, InspectionCheck, InspectionPlan, InspectorConflict
from credit.records.models import Record
from credit.scoring.models import Assessment
from credit.scoring.queries import in_force
from credit.signals import inspection_involvements
from credit.subjects.models import Subject

# An inspector who recorded a violation against a subject (or handled a case of it) within this
# many years before the draw is not sent to inspect it.
INVOLVEMENT_YEARS = 3
INSPECTORS_PER_CHECK = 2


def parse_period(text: str) -> Period:
    """A plan's period: a year or a quarter; anything else is refused (field ``period``)."""
    try:
        period = Period.parse(text or "")
    except ValueError:
        period = None
    if period is None or period.unit not in ("year", "quarter"):
        raise InvalidInput(f"抽查计划的期间应为年度或季度（如 2026 或 2026Q4），不是 {text!r}",
                           f"a plan's period is a year or a quarter (e.g. 2026 or 2026Q4), not {text!r}", "period")
    return period


@dataclass(frozen=True)
class Candidate:
    """A subject as the draw sees it: its grade as of the draw and the tier of that grade."""

    id: int
    uscc: str
    name: str
    kind: str
    district: str
    grade: str
    tier: str


@dataclass(frozen=True)
class DrawnCheck:
    subject: Candidate
    inspector_ids: tuple[int, int]
    items: list[str]


@dataclass(frozen=True)
class TierDraw:
    tier: str
    label: str
    share: float
    subjects: int
    wanted: int
    drawn: int


@dataclass(frozen=True)
class Draw:
    period: Period
    seed: int
    as_of: dt.date
    catalog_version: str
    fingerprint: str
    tiers: list[TierDraw]
    checks: list[DrawnCheck]
    inspector_names: dict[int, str]  # id -> username, for printing

    def as_json(self) -> dict:
        return {
            "period": str(self.period), "seed": self.seed, "as_of": self.as_of.isoformat(),
            "catalog_version": self.catalog_version, "fingerprint": self.fingerprint,
            "tiers": [{"tier": t.tier, "label": t.label, "share": t.share, "subjects": t.subjects,
                       "wanted": t.wanted, "drawn": t.drawn} for t in self.tiers],
            "checks": [{"uscc": c.subject.uscc, "name": c.subject.name, "district": c.subject.district,
                        "tier": c.subject.tier, "grade": c.subject.grade,
                        "inspectors": [self.inspector_names[i] for i in c.inspector_ids], "items": c.items}
                       for c in self.checks],
        }


def key_tier(version: CatalogVersionSpec) -> str:
    """The key-supervision tier: the one holding the grade of a listed subject (D)."""
    return version.tier_for(version.listed_grade).tier


def candidates(session: Session, version: CatalogVersionSpec, as_of: dt.date) -> list[Candidate]:
    """Every subject with its grade in force on ``as_of``, by id. A subject not yet assessed
    has the grade of the base score (no records count against it)."""
    a = Assessment
    rows = session.execute(
        select(Subject.id, Subject.uscc, Subject.name, Subject.kind, Subject.district, a.grade)
        .outerjoin(a, sa.and_(a.subject_id == Subject.id, in_force(as_of, a, subject=Subject.id)))
        .order_by(Subject.id)
    ).all()
    unassessed = version.grade_for(version.base_score, listed=False)
    return [Candidate(id, uscc, name, kind, district, grade or unassessed, version.tier_for(grade or unassessed).tier)
            for id, uscc, name, kind, district, grade in rows]


def end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` in Huainan, as stored (UTC)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), LOCAL_TZ).astimezone(dt.timezone.utc)


def involvements(session: Session, inspector_ids: list[int], since: dt.date, until: dt.date) -> set[tuple[int, int]]:
    """(inspector id, subject id) pairs where the inspector was involved with the subject from
    ``since`` to ``until``: recorded a violation against it, or (through the
    ``inspection_involvements`` signal, answered by the cases package) handled a case of it."""
    start, end = end_of(since - dt.timedelta(days=1)), end_of(until)
    pairs = {(i, s) for i, s in session.execute(
        select(Record.recorded_by_id, Record.subject_id).distinct()
        .where(Record.recorded_by_id.in_(inspector_ids), Record.created_at >= start, Record.created_at < end))}
    # Extension point: a case handler is involved with the case's subject the same way.
    for _receiver, extra in inspection_involvements.send(session, inspector_ids=inspector_ids, since=since,
                                                         until=until):
        pairs.update((int(i), int(s)) for i, s in extra or ())
    return pairs


def declared_conflicts(session: Session, inspector_ids: list[int], until: dt.date) -> set[tuple[int, int]]:
    return {(i, s) for i, s in session.execute(
        select(InspectorConflict.inspector_id, InspectorConflict.subject_id)
        .where(InspectorConflict.inspector_id.in_(inspector_ids), InspectorConflict.declared_at < end_of(until)))}


def enabled_inspectors(session: Session) -> list[User]:
    """The enabled accounts that may be sent on a check (those who enter its result)."""
    return users_holding(session, INSPECTION_RESULT)


def drawn_this_year(session: Session, period: Period, as_of: dt.date) -> set[int]:
    """Subjects drawn in the plans of the same year for earlier periods that were approved (or
    published) by the end of ``as_of``: what a later plan or approval does never changes the
    inputs of this draw, so it can be reproduced."""
    plans = session.exec(select(InspectionPlan.id, InspectionPlan.period).where(
        InspectionPlan.status.in_(DRAWN_STATUSES), InspectionPlan.period.startswith(str(period.first.year)),
        InspectionPlan.approved_at < end_of(as_of))).all()
    earlier = [plan_id for plan_id, text in plans if Period.parse(text).first < period.first]
    if not earlier:
        return set()
    return set(session.exec(select(InspectionCheck.subject_id).where(InspectionCheck.plan_id.in_(earlier))))


def _wanted(population: int, share: float, period: Period) -> int:
    # Fraction of the decimal text: 0.03 * 100 is 3, not 3.0000000000000004 (which rounds up to 4).
    return math.ceil(Fraction(str(share)) * population * period.months / 12)


def _pick_subjects(rng: random.Random, version: CatalogVersionSpec, period: Period, pool: list[Candidate],
                   drawn: set[int]) -> tuple[list[Candidate], list[TierDraw]]:
    key = key_tier(version)
    chosen: list[Candidate] = []
    tiers = []
    for spec in version.tiers:
        members = [c for c in pool if c.tier == spec.tier]
        wanted = len(members) if spec.tier == key else min(len(members), _wanted(len(members), spec.inspection_share, period))
        waiting = [c for c in members if c.id not in drawn]
        again = [c for c in members if c.id in drawn]
        if wanted <= len(waiting):
            picked = rng.sample(waiting, wanted)
        else:  # everyone waiting is drawn; the rest again at random
            picked = waiting + rng.sample(again, wanted - len(waiting))
        chosen.extend(picked)
        tiers.append(TierDraw(spec.tier, spec.label, spec.inspection_share, len(members), wanted, len(picked)))
    return sorted(chosen, key=lambda c: c.id), tiers


def _assign(rng: random.Random, checks: list[Candidate], eligible: dict[int, list[int]],
            names: dict[int, str]) -> dict[int, list[int]]:
    """Two inspectors per check: the most constrained checks first, each to the least loaded of
    its eligible inspectors (ties at random); then evened out so loads differ by at most one."""
    order = list(checks)
    rng.shuffle(order)
    order.sort(key=lambda c: len(eligible[c.id]))
    load = Counter({i: 0 for i in names})
    assign: dict[int, list[int]] = {}
    for check in order:
        pool = list(eligible[check.id])
        rng.shuffle(pool)
        pool.sort(key=lambda i: load[i])
        assign[check.id] = pool[:INSPECTORS_PER_CHECK]
        load.update(assign[check.id])
    _even_out(assign, eligible, load, names)
    return assign


def _shift_path(assign: dict[int, list[int]], eligible: dict[int, list[int]], sources: list[int],
                targets: set[int]) -> list[tuple[int, int, int]] | None:
    """The shortest chain of (check, giver, taker) moves from a source inspector to a target one, each
    taker eligible for the check and not on it yet; None if there is none."""
    on = defaultdict(list)
    for check_id in sorted(assign):
        for i in assign[check_id]:
            on[i].append(check_id)
    previous: dict[int, tuple[int, int] | None] = {s: None for s in sources}
    queue = deque(sources)
    while queue:
        giver = queue.popleft()
        for check_id in on[giver]:
            for taker in eligible[check_id]:
                if taker in previous or taker in assign[check_id]:
                    continue
                previous[taker] = (check_id, giver)
                if taker in targets:
                    path, node = [], taker
                    while previous[node] is not None:
                        check, before = previous[node]
                        path.append((check, before, node))
                        node = before
                    return path[::-1]
                queue.append(taker)
    return None


def _even_out(assign: dict[int, list[int]], eligible: dict[int, list[int]], load: Counter,
              names: dict[int, str]) -> None:
    inspectors = sorted(load)
    while inspectors:
        high, low = max(load.values()), min(load.values())
        if high - low <= 1:
            return
        path = (_shift_path(assign, eligible, [i for i in inspectors if load[i] == high],
                            {j for j in inspectors if load[j] <= high - 2})
                or _shift_path(assign, eligible, [i for i in inspectors if load[i] >= low + 2],
                               {j for j in inspectors if load[j] == low}))
        if path is None:
            idle = ", ".join(names[i] for i in inspectors if load[i] == low)
            raise Conflict(f"无法均衡分配检查任务：检查员 {idle} 可检查的主体过少",
                           f"the checks cannot be spread evenly: inspector(s) {idle} may inspect too few of "
                           "the drawn subjects", "period")
        for check_id, giver, taker in path:
            pair = assign[check_id]
            pair[pair.index(giver)] = taker
            load[giver] -= 1
            load[taker] += 1


def draw(session: Session, catalog: Catalog, items: InspectionItems, period: Period, seed: int,
         as_of: dt.date) -> Draw:
    """The plan for ``period`` drawn with ``seed`` from the data as of ``as_of``.

    Raises InvalidInput when fewer than two enabled inspectors may inspect a drawn subject (each
    such subject named) and Conflict when the checks cannot be spread evenly.
    """
    version = catalog.in_force(as_of)
    pool = candidates(session, version, as_of)
    drawn = drawn_this_year(session, period, as_of)
    users = enabled_inspectors(session)
    inspector_ids = [u.id for u in users]
    excluded = (involvements(session, inspector_ids, add_years(as_of, -INVOLVEMENT_YEARS), as_of)
                | declared_conflicts(session, inspector_ids, as_of))
    by_kind = {kind: items.for_kind(kind) for kind in sorted({c.kind for c in pool})}
    fingerprint = hashlib.sha256(canonical_json({
        "period": str(period), "as_of": as_of.isoformat(), "catalog_version": version.version,
        "tiers": [[t.tier, sorted(t.grades), str(t.inspection_share)] for t in version.tiers],
        "subjects": [[c.id, c.uscc, c.kind, c.grade] for c in pool],
        "drawn_this_year": sorted(drawn),
        "inspectors": [[u.id, u.username] for u in users],
        "excluded": sorted(excluded),
        "items": by_kind,
    }).encode("utf-8")).hexdigest()

    rng = random.Random(seed)
    chosen, tiers = _pick_subjects(rng, version, period, pool, drawn)
    eligible = {c.id: [i for i in inspector_ids if (i, c.id) not in excluded] for c in chosen}
    short = [c for c in chosen if len(eligible[c.id]) < INSPECTORS_PER_CHECK]
    if short:
        names = "、".join(f"{c.name}（{c.uscc}，可选 {len(eligible[c.id])} 名）" for c in short[:10])
        names_en = "; ".join(f"{c.name} ({c.uscc}: {len(eligible[c.id])} eligible)" for c in short[:10])
        more = f" +{len(short) - 10}" if len(short) > 10 else ""
        raise InvalidInput(f"以下主体可派检查员不足两名：{names}{more}",
                           f"too few eligible inspectors (two needed) for: {names_en}{more}", "period")
    names = {u.id: u.username for u in users}
    assign = _assign(rng, chosen, eligible, names)
    checks = [DrawnCheck(c, tuple(sorted(assign[c.id])), by_kind[c.kind]) for c in chosen]
    return Draw(period, seed, as_of, version.version, fingerprint, tiers, checks, names)
