"""Set-up for the inspection tests: subjects in given grades (assessments written as the engine
would), enabled inspectors, the draw's inputs from the app context, and a published plan."""
from __future__ import annotations

import pytest

from credit.audit.actor import Actor
from credit.inspection.items import load_items
from credit.inspection.services import draft_plan, move_plan
from credit.scoring.models import Assessment


@pytest.fixture
def graded(session, clock, ctx, make_subject):
    """``graded({"A": 40, "D": 3}, listed=1)``: subjects with a stored assessment of each grade as of
    today (the last ``listed`` of the D ones on the list). Returns {grade: [subjects]}."""
    version = ctx.catalog.in_force(clock.today())

    def make(counts: dict[str, int], listed: int = 0, kind: str = "patent_agency") -> dict[str, list]:
        made = {}
        for grade, count in counts.items():
            made[grade] = []
            for n in range(count):
                subject = make_subject(kind=kind, district=("340402", "340403", "340421")[n % 3])
                session.add(Assessment(
                    subject_id=subject.id, valid_from=clock.today(), catalog_version=version.version, score=50,
                    grade=grade, tier=version.tier_for(grade).tier,
                    listed=grade == version.listed_grade and n >= count - listed,
                    explanation="[]", computed_at=clock.now()))
                made[grade].append(subject)
        session.commit()
        return made

    return make


@pytest.fixture
def inspectors(make_user):
    def make(count: int):
        return [make_user("inspector", display_name=f"检查员{n}") for n in range(count)]

    return make


@pytest.fixture
def items(ctx):
    return load_items(ctx.rules_dir)


@pytest.fixture
def published(session, ctx, clock, graded, inspectors, items, make_user):
    """A published 2026Q4 plan over a few graded subjects with four inspectors: (plan, staff, publisher)."""
    graded({"A": 4, "C": 4, "D": 3})
    staff, publisher = inspectors(4), make_user("publisher", display_name="发布员甲")
    plan = draft_plan(session, ctx.catalog, items, "2026Q4", 11, clock.today(), actor(staff[0]), clock.now())
    for step in ("approve", "publish"):
        move_plan(session, plan.id, step, actor(publisher), clock.now())
    session.commit()
    return plan, staff, publisher


def actor(user) -> Actor:
    return Actor.of(user)
