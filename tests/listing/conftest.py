"""Fixtures of the list's tests: its terms, a penalised record, the officers, and a procedure
brought to any step."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from credit.audit.actor import Actor
from credit.clock import LOCAL_TZ
from credit.listing import procedure as steps
from credit.listing.terms import current_terms


def at(*args) -> dt.datetime:
    """A moment in Huainan (10:00 unless given)."""
    if len(args) == 3:
        args = (*args, 10)
    return dt.datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def terms(session):
    return current_terms()


@pytest.fixture
def penalised(session, make_subject, make_record):
    """A subject with a confirmed serious record and the penalty given (default: a heavier fine, here)."""

    def make(kind: str = "fine", amount: Decimal | None = Decimal(100000), rule: str = "PA-CERT-RENT",
             decided: dt.date = dt.date(2026, 9, 1), authority: str = "淮南市市场监督管理局", subject=None):
        subject = subject or make_subject(kind="patent_agency")
        record = make_record(subject, rule, decided)
        record.penalty_kind, record.penalty_amount, record.authority = kind, amount, authority
        session.add(record)
        session.commit()
        return record

    return make


@pytest.fixture
def officers(make_user):
    inspector, reviewer, other = make_user("inspector"), make_user("reviewer"), make_user("reviewer")
    return Actor.of(inspector), Actor.of(reviewer), Actor.of(other)


@pytest.fixture
def decided(session, terms, penalised, officers):
    """A listing taken through every step to its decision on 2026-10-13 (entry SD-2026-...)."""

    def make(record=None):
        inspector, reviewer, _other = officers
        record = record or penalised()
        procedure = steps.propose(session, terms, record.id, "", inspector, at(2026, 9, 28))
        steps.serve(session, terms, procedure, dt.date(2026, 9, 29), inspector, at(2026, 9, 29))
        steps.record_consent(session, procedure, dt.date(2026, 10, 9), "皖市监函〔2026〕1号", reviewer, at(2026, 10, 9))
        entry = steps.decide(session, terms, procedure, reviewer, at(2026, 10, 13))
        session.commit()
        return procedure, entry

    return make
