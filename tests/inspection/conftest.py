"""Set-up for the inspection tests: subjects in given grades (assessments written as the engine
would), enabled inspectors, and the draw's inputs from the app context."""
from __future__ import annotations

import pytest

from credit.audit.actor import Actor
from credit.inspection.items import load_items
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


def actor(user) -> Actor:
    return Actor.of(user)
