"""Set-up for case tests: the case services' environment, an inspector and two reviewers, and a
helper that takes a case through its steps the way the people would."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from credit.audit.actor import Actor
from credit.env import current_env
from credit.cases.services import DispositionInput, LeadInput, StepInput, advance, propose_disposition, register_lead
from credit.clock import LOCAL_TZ


@pytest.fixture
def env(session):
    return current_env()


@pytest.fixture
def people(make_user):
    """The handling inspector, the reviewer who approves and decides, and a second reviewer."""
    return {role: make_user(role.rstrip("2")) for role in ("inspector", "reviewer", "reviewer2")}


@pytest.fixture
def lead(session, env, clock, people):
    """Register a lead (against ``subject`` or an unregistered party) as the inspector."""

    def make(subject=None, *, now: dt.datetime | None = None, misconduct: str = "abnormal_filing_agency", **party):
        data = LeadInput("complaint", misconduct, "群众举报该机构代理大量非正常专利申请。",
                         subject_id=subject.id if subject else None, **party)
        case = register_lead(session, env, data, actor=Actor.of(people["inspector"]), now=now or clock.now())
        session.commit()
        return case

    return make


def local(year, month, day, hour=10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LOCAL_TZ)


@pytest.fixture
def step(session, env, clock, people):
    """Take a case one step as ``who`` (inspector or reviewer) and commit."""

    def take(case, to: str, who: str, now: dt.datetime | None = None, **values):
        user = people[who]
        advance(session, env, case, to, StepInput(**values), user=user, actor=Actor.of(user), now=now or clock.now())
        session.commit()
        return case

    return take


@pytest.fixture
def to_decision(session, step, people, clock):
    """Take a registered case through opening, investigation and the prior notice with
    ``penalties`` [(kind, amount, months)], and the party's ``statement`` when given, to the stage
    before the decision."""

    def walk(case, penalties=(("fine", Decimal("30000"), None),), statement: str | None = None):
        step(case, "verification", "inspector")
        step(case, "opened", "reviewer")
        step(case, "investigation", "inspector")
        for kind, amount, months in penalties:
            propose_disposition(session, case, DispositionInput(kind, amount, months),
                                actor=Actor.of(people["inspector"]), now=clock.now())
        session.commit()
        step(case, "prior_notice", "inspector", findings="该机构2026年代理非正常专利申请312件。",
             legal_basis="《专利代理条例》第二十五条")
        if statement:  # what the party said: the decision need not wait for the statement period
            step(case, "hearing", "inspector", reason=statement)
        return case

    return walk
