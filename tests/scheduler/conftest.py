"""Scheduler tests: subjects graded on finished days, so the 02:00 job has notices to issue."""
from __future__ import annotations

import datetime as dt

import pytest

from credit.scoring.engine import recompute


@pytest.fixture
def graded_subjects(session, ctx, clock, make_subject):
    """Subjects first assessed yesterday: each is owed one grade notice (its first grade)."""

    def make(count: int = 3):
        subjects = [make_subject() for _ in range(count)]
        recompute(session, ctx.catalog, clock.today() - dt.timedelta(days=1), clock.now())
        session.commit()
        return subjects

    return make
