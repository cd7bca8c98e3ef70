"""Leaving the list: the expiry sweep at 3 years, early removal on application after 1 year."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.errors import Conflict, InvalidInput
from credit.listing import publication
from credit.listing.models import ListEntry, RemovalApplication
from credit.listing.services import apply_for_removal, decide_removal, expire_entries
from credit.notices.models import Notice
from credit.subjects.models import Subject
from tests.listing.conftest import at

SWEEP = Actor(None, "scheduler")


@pytest.mark.parametrize("day, removed", [
    (dt.date(2029, 10, 12), False), (dt.date(2029, 10, 13), True), (dt.date(2029, 10, 14), True)])
def test_the_sweep_removes_an_entry_three_years_after_its_decision(session, terms, decided, day, removed):
    _, entry = decided()  # decided 2026-10-13
    publication.publish(session, terms, SWEEP, at(2026, 10, 20), dt.date(2026, 10, 20))
    assert expire_entries(session, terms, SWEEP, at(*day.timetuple()[:3], 3)) == int(removed)
    session.refresh(entry)
    assert (entry.status == "removed") is removed
    if removed:  # on the planned day, and published at once: publication stops
        assert entry.removed_on == dt.date(2029, 10, 13) and entry.removal_published_on == day
        assert publication.latest_version(session).number == 2


def _apply(session, terms, entry, day: dt.date, **conditions):
    values = {"duties_performed": True, "harm_removed": True, "commitment": True, **conditions}
    return apply_for_removal(session, terms, entry.id, day, statement="已缴纳罚款。", channel="paper",
                             actor=Actor(None, "inspector"), now=at(*day.timetuple()[:3]), **values)


@pytest.mark.parametrize("day, allowed", [
    (dt.date(2027, 10, 12), False), (dt.date(2027, 10, 13), True), (dt.date(2027, 10, 14), True)])
def test_early_removal_can_be_applied_for_after_one_year(session, terms, decided, day, allowed):
    _, entry = decided()
    if not allowed:
        with pytest.raises(InvalidInput, match="2027-10-13"):
            _apply(session, terms, entry, day)
        session.rollback()
        assert session.exec(select(RemovalApplication)).all() == []
        return
    application = _apply(session, terms, entry, day)
    assert application.status == "pending" and application.due > day


def test_an_application_needs_the_commitment_and_one_at_a_time(session, terms, decided):
    _, entry = decided()
    with pytest.raises(InvalidInput, match="信用承诺书"):
        _apply(session, terms, entry, dt.date(2027, 11, 1), commitment=False)
    _apply(session, terms, entry, dt.date(2027, 11, 1))
    with pytest.raises(Conflict):
        _apply(session, terms, entry, dt.date(2027, 11, 2))


def test_a_granted_removal_is_decided_with_its_notice_and_published_next(session, terms, decided, officers):
    _, reviewer, _ = officers
    _, entry = decided()
    publication.publish(session, terms, SWEEP, at(2026, 10, 20), dt.date(2026, 10, 20))
    application = _apply(session, terms, entry, dt.date(2027, 11, 1))
    decide_removal(session, terms, application, True, "", reviewer, at(2027, 11, 10))
    session.commit()
    entry = session.get(ListEntry, entry.id)
    assert (entry.status, entry.removed_on, entry.removal_published_on) == ("removed", dt.date(2027, 11, 10), None)
    notice = session.get(Notice, application.notice_id)
    assert notice.kind == "removal_decision" and notice.event_key == f"list-removal:{entry.id}"
    assert publication.pending_decisions(session)
    version = publication.publish(session, terms, SWEEP, at(2027, 11, 15), dt.date(2027, 11, 15))
    assert version.removed == 1 and version.entry_count == 0


def test_a_refusal_needs_reasons_and_is_a_notice(session, terms, decided, officers):
    _, reviewer, _ = officers
    _, entry = decided()
    application = _apply(session, terms, entry, dt.date(2027, 11, 1))
    with pytest.raises(InvalidInput):
        decide_removal(session, terms, application, False, " ", reviewer, at(2027, 11, 10))
    decide_removal(session, terms, application, False, "罚款尚未缴清。", reviewer, at(2027, 11, 10))
    assert session.get(Notice, application.notice_id).kind == "removal_refusal"
    assert session.get(ListEntry, entry.id).status == "listed"


def test_a_new_heavier_penalty_since_listing_bars_early_removal(session, terms, decided, officers, penalised):
    _, reviewer, _ = officers
    _, entry = decided()
    penalised("fine", Decimal(60000), rule="PA-PENALTY", decided=dt.date(2027, 3, 1),
              subject=session.get(Subject, entry.subject_id))
    application = _apply(session, terms, entry, dt.date(2027, 11, 1))
    session.commit()
    with pytest.raises(InvalidInput, match="未再受到较重行政处罚"):
        decide_removal(session, terms, application, True, "", reviewer, at(2027, 11, 10))
    session.rollback()
    assert session.get(ListEntry, entry.id).status == "listed"
    assert session.get(RemovalApplication, application.id).status == "pending"
