"""The draw: reproducible from its seed, tier shares within rounding, every key-tier subject, no
involved or conflicted inspector, even loads, and bad input refused with nothing written."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction

import pytest
from sqlmodel import func, select

from credit.audit.models import AuditEvent
from credit.clock import LOCAL_TZ
from credit.dates import add_years
from credit.errors import Conflict, InvalidInput
from credit.inspection.draw import draw, key_tier, parse_period
from credit.inspection.models import InspectionCheck, InspectionPlan
from credit.inspection.services import declare_conflict, draft_plan, move_plan, preview
from credit.records.models import Record
from credit.signals import inspection_involvements
from tests.inspection.conftest import actor

POPULATION = {"A+": 5, "A": 35, "B": 20, "C": 10, "D": 3}


def _plan(session, ctx, items, period: str, seed: int, today: dt.date):
    return preview(session, ctx.catalog, items, period, seed, today)


def _pairs(result) -> list[tuple[int, tuple[int, int]]]:
    return [(c.subject.id, c.inspector_ids) for c in result.checks]


def test_same_data_and_seed_give_the_same_plan_and_another_seed_another(session, ctx, clock, graded, inspectors,
                                                                         items):
    graded(POPULATION)
    inspectors(6)
    first = _plan(session, ctx, items, "2026Q4", 42, clock.today())
    again = _plan(session, ctx, items, "2026Q4", 42, clock.today())
    other = _plan(session, ctx, items, "2026Q4", 43, clock.today())
    assert first.as_json() == again.as_json()
    assert first.fingerprint == other.fingerprint  # same data
    assert len(first.fingerprint) == 64
    assert _pairs(first) != _pairs(other)


def test_the_fingerprint_changes_with_the_data(session, ctx, clock, graded, inspectors, items):
    graded(POPULATION)
    inspectors(6)
    before = _plan(session, ctx, items, "2026Q4", 42, clock.today()).fingerprint
    inspectors(1)
    assert _plan(session, ctx, items, "2026Q4", 42, clock.today()).fingerprint != before


@pytest.mark.parametrize("period", ["2026", "2026Q4"])
def test_each_tier_is_drawn_at_its_share_rounded_up_and_every_key_subject(session, ctx, clock, graded, inspectors,
                                                                           items, period):
    made = graded(POPULATION, listed=1)
    inspectors(6)
    version = ctx.catalog.in_force(clock.today())
    result = _plan(session, ctx, items, period, 7, clock.today())
    drawn = Counter(c.subject.tier for c in result.checks)
    months = parse_period(period).months
    for tier in version.tiers:
        population = sum(POPULATION[g] for g in tier.grades)
        if tier.tier == key_tier(version):
            assert drawn[tier.tier] == population
            continue
        exact = Fraction(str(tier.inspection_share)) * population * months / 12
        assert exact <= drawn[tier.tier] < exact + 1, (tier.tier, drawn[tier.tier], exact)
    key_ids = {s.id for s in made["D"]}
    assert key_ids <= {c.subject.id for c in result.checks}


def test_a_quarter_draws_nobody_twice_in_a_year_while_others_of_the_tier_wait(session, ctx, clock, graded,
                                                                               inspectors, items, make_user):
    made = graded({"C": 3, "D": 1})  # 30 % of 3 a quarter: one C subject each quarter
    drafter, publisher = inspectors(4)[0], make_user("publisher")
    seen, plans = [], []
    for quarter in ("2026Q1", "2026Q2", "2026Q3", "2026Q4"):
        plan = draft_plan(session, ctx.catalog, items, quarter, 1, clock.today(), actor(drafter), clock.now())
        for action in ("approve", "publish"):
            move_plan(session, plan.id, action, actor(publisher), clock.now())
        plans.append(plan)
        seen.append([c.subject_id for c in session.exec(select(InspectionCheck).where(
            InspectionCheck.plan_id == plan.id, InspectionCheck.tier == "watch"))])
    assert all(len(ids) == 1 for ids in seen)
    assert sorted(ids[0] for ids in seen[:3]) == sorted(s.id for s in made["C"])  # each one before any again
    assert seen[3][0] in {s.id for s in made["C"]}
    # Later plans do not change an earlier plan's inputs: each is reproduced from its seed as stored.
    for plan, watched in zip(plans, seen):
        again = _plan(session, ctx, items, plan.period, plan.seed, plan.as_of)
        assert again.fingerprint == plan.fingerprint
        assert [c.subject.id for c in again.checks if c.subject.tier == "watch"] == watched


def test_no_inspector_involved_with_or_conflicted_with_the_subject_and_loads_even(
        session, ctx, clock, graded, inspectors, items, make_record):
    made = graded({"A": 10, "D": 6})
    staff = inspectors(5)
    recorder, conflicted, old_recorder = staff[0], staff[1], staff[2]
    target, other, old = made["D"][0], made["D"][1], made["D"][2]
    record = make_record(target, "PA-PENALTY", dt.date(2025, 3, 1))
    record.recorded_by_id, record.created_at = recorder.id, clock.now() - dt.timedelta(days=400)
    stale = make_record(old, "PA-PENALTY", dt.date(2023, 1, 1))
    stale.recorded_by_id = old_recorder.id
    # Recorded the day before the three years began.
    stale.created_at = dt.datetime.combine(add_years(clock.today(), -3) - dt.timedelta(days=1), dt.time(12), LOCAL_TZ)
    session.add_all([record, stale])
    declare_conflict(session, other, actor(conflicted), "亲属任职", clock.now() - dt.timedelta(days=1))
    session.commit()
    old_recorder_on_old = False
    for seed in range(25):
        result = _plan(session, ctx, items, "2026Q4", seed, clock.today())
        by_subject = dict(_pairs(result))
        assert recorder.id not in by_subject[target.id]
        assert conflicted.id not in by_subject[other.id]
        old_recorder_on_old |= old_recorder.id in by_subject[old.id]
        load = Counter(i for pair in by_subject.values() for i in pair)
        loads = [load[s.id] for s in staff]
        assert max(loads) - min(loads) <= 1, (seed, loads)
    assert old_recorder_on_old  # a record more than three years old no longer excludes


def test_a_case_handler_reported_through_the_signal_is_not_sent(session, ctx, clock, graded, inspectors, items):
    made = graded({"D": 4})
    staff = inspectors(4)
    subject = made["D"][0]

    def cases(sender, inspector_ids, since, until):
        assert since == add_years(until, -3)
        return {(staff[0].id, subject.id), (staff[1].id, subject.id)}

    inspection_involvements.connect(cases)
    try:
        for seed in range(10):
            pairs = dict(_pairs(_plan(session, ctx, items, "2026Q4", seed, clock.today())))
            assert set(pairs[subject.id]) == {staff[2].id, staff[3].id}
    finally:
        inspection_involvements.disconnect(cases)


def test_a_case_handler_is_never_sent_to_inspect_the_cases_subject(session, ctx, clock, graded, inspectors, items):
    """Through the cases package's own receiver: whoever registered or moved on a case of a subject
    in the last three years is not drawn for it; a case handled only before that no longer excludes."""
    from credit.env import current_env
    from credit.cases.services import LeadInput, StepInput, advance, register_lead

    made = graded({"D": 4})
    staff = inspectors(5)
    registrar, stepper, old_handler = staff[0], staff[1], staff[2]
    subject, old = made["D"][0], made["D"][1]
    env, lead = current_env(), LeadInput("complaint", "solicitation", "举报该所电话招揽代理业务。", subject_id=subject.id)
    case = register_lead(session, env, lead, actor=actor(registrar), now=clock.now() - dt.timedelta(days=400))
    advance(session, env, case, "verification", StepInput(), user=stepper, actor=actor(stepper),
            now=clock.now() - dt.timedelta(days=399))
    before_window = dt.datetime.combine(add_years(clock.today(), -3) - dt.timedelta(days=1), dt.time(12), LOCAL_TZ)
    register_lead(session, env, LeadInput("complaint", "solicitation", "旧线索。", subject_id=old.id),
                  actor=actor(old_handler), now=before_window)
    session.commit()
    old_handler_on_old = False
    for seed in range(25):
        by_subject = dict(_pairs(_plan(session, ctx, items, "2026Q4", seed, clock.today())))
        assert not {registrar.id, stepper.id} & set(by_subject[subject.id]), seed
        old_handler_on_old |= old_handler.id in by_subject[old.id]
    assert old_handler_on_old


def _nothing_written(session):
    return (session.exec(select(func.count()).select_from(InspectionPlan)).one(),
            session.exec(select(func.count()).select_from(AuditEvent)).one())


@pytest.mark.parametrize("period", ["2026Q5", "20x6", "", "2026-11", "Q4"])
def test_an_unknown_or_malformed_period_is_refused(session, ctx, clock, graded, inspectors, items, period):
    graded({"D": 2})
    drafter = inspectors(2)[0]
    before = _nothing_written(session)
    with pytest.raises(InvalidInput) as refused:
        draft_plan(session, ctx.catalog, items, period, 1, clock.today(), actor(drafter), clock.now())
    assert refused.value.field == "period" and "2026Q4" in refused.value.en and "2026Q4" in refused.value.zh
    session.rollback()
    assert _nothing_written(session) == before


def test_too_few_eligible_inspectors_names_the_subject(session, ctx, clock, graded, inspectors, items):
    made = graded({"A": 3, "D": 2})
    staff = inspectors(2)
    blocked = made["D"][1]
    declare_conflict(session, blocked, actor(staff[0]), "曾在该机构任职", clock.now())
    session.commit()
    before = _nothing_written(session)
    with pytest.raises(InvalidInput) as refused:
        draft_plan(session, ctx.catalog, items, "2026Q4", 1, clock.today(), actor(staff[1]), clock.now())
    assert blocked.name in refused.value.zh and blocked.uscc in refused.value.en
    assert made["D"][0].name not in refused.value.zh
    session.rollback()
    assert _nothing_written(session) == before


def test_a_period_holds_one_plan_until_withdrawn(session, ctx, clock, graded, inspectors, items):
    graded({"D": 2})
    drafter = inspectors(2)[0]
    plan = draft_plan(session, ctx.catalog, items, "2026Q4", 1, clock.today(), actor(drafter), clock.now())
    with pytest.raises(Conflict):
        draft_plan(session, ctx.catalog, items, "2026Q4", 2, clock.today(), actor(drafter), clock.now())
    move_plan(session, plan.id, "withdraw", actor(drafter), clock.now())
    again = draft_plan(session, ctx.catalog, items, "2026Q4", 2, clock.today(), actor(drafter), clock.now())
    assert again.id != plan.id and again.seed == 2


def test_the_draw_writes_nothing(session, ctx, clock, graded, inspectors, items):
    graded({"B": 5, "D": 1})
    inspectors(2)
    before = _nothing_written(session)
    draw(session, ctx.catalog, items, parse_period("2026"), 3, clock.today())
    assert _nothing_written(session) == before
    assert session.exec(select(func.count()).select_from(Record)).one() == 0
