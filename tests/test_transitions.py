"""One winner per transition: two sessions that loaded the same draft cannot both decide it."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.records.models import Record, RecordEvent
from credit.records.services import transition
from credit.transitions import TransitionConflict, transition_row


@pytest.fixture
def draft(make_subject, make_record):
    return make_record(make_subject(), "PA-PENALTY", dt.date(2026, 10, 1), status="draft")


@pytest.fixture
def two_sessions(ctx):
    """Two reviewers' requests: each its own session, as two threads of the server have."""
    first, second = ctx.sessions(), ctx.sessions()
    yield first, second
    first.close()
    second.close()


@pytest.mark.parametrize("second_step", ["confirmed", "rejected"])
def test_of_two_reviewers_deciding_one_draft_only_the_first_is_written(ctx, clock, draft, two_sessions, second_step):
    first, second = two_sessions
    mine, theirs = first.get(Record, draft.id), second.get(Record, draft.id)  # both see the draft
    alice, bob = Actor(None, "alice"), Actor(None, "bob")
    transition(first, ctx.catalog, mine, "confirmed", alice, clock.now(), clock.today())
    first.commit()

    with pytest.raises(TransitionConflict) as refused:
        transition(second, ctx.catalog, theirs, second_step, bob, clock.now(), clock.today(), reason="不实")
    second.rollback()

    assert refused.value.status == 409
    assert (refused.value.expected, refused.value.current, refused.value.by) == ("draft", "confirmed", "alice")
    assert "alice" in refused.value.zh and "“已确认”" in refused.value.zh and "“confirmed”" in refused.value.en
    with ctx.sessions() as fresh:
        assert fresh.get(Record, draft.id).status == "confirmed"
        assert [e.to_status for e in fresh.exec(select(RecordEvent).order_by(RecordEvent.id))] == ["confirmed"]


def test_a_transition_moves_the_row_and_the_loaded_object(session, draft, clock):
    transition_row(session, Record, draft.id, "draft", "rejected", status_reason="x", updated_at=clock.now())
    assert (draft.status, draft.status_reason) == ("rejected", "x")
    with pytest.raises(TransitionConflict) as refused:
        transition_row(session, Record, draft.id, "draft", "confirmed")
    assert (refused.value.current, refused.value.by) == ("rejected", None)  # no audit event: nobody known
