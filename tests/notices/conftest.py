"""Set-up for notice tests: the archive's settings and subjects with graded history."""
from __future__ import annotations

import datetime as dt

import pytest

from credit.notices.services import NoticeSettings
from credit.scoring.engine import recompute


@pytest.fixture
def settings(app) -> NoticeSettings:
    return NoticeSettings.from_config(app.config)


@pytest.fixture
def assess(session, ctx, clock):
    """Recompute every subject as of some days and commit, like the nightly job does."""

    def run(*days: dt.date) -> None:
        for day in days:
            recompute(session, ctx.catalog, day, clock.now())
        session.commit()

    return run
