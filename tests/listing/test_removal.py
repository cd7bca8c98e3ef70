"""Leaving the list: the expiry sweep at 3 years; early removal applied for after 1 year (online or
on paper: one application, credit.applications), its gates, and the decision that removes the
entry from the next published version."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlmodel import select

from credit.applications.models import GRANTED, REFUSED, REMOVAL, SUBMITTED, Application
from credit.applications.services import Uploads, apply_for_removal, decide
from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.errors import Conflict, InvalidInput, NotAllowed, NotYet
from credit.scoring.queries import assessment_in_force
from credit.listing import publication
from credit.listing.imports import add_entry
from credit.listing.models import ListEntry
from credit.listing.services import early_removal_opens_on, expire_entries
from credit.notices.models import Notice
from credit.subjects.models import Subject
from tests.listing.conftest import at

SWEEP = Actor(None, "scheduler")
FIRM = Actor(None, "firm-user")


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


@pytest.fixture
def store(ctx):
    return Uploads(ctx.files, 10**6)


def _apply(session, terms, store, entry, day: dt.date, declared: bool = True, **extra):
    return apply_for_removal(session, terms, entry, "罚款已缴清，已消除不良影响。", declared, [], FIRM, store=store,
                             now=at(*day.timetuple()[:3]), **extra)


def _decide(session, terms, application, grant: bool, reasons: str, reviewer, day: dt.date):
    return decide(session, application, grant, reasons, reviewer, terms=terms, now=at(*day.timetuple()[:3]))


@pytest.mark.parametrize("day, allowed", [
    (dt.date(2027, 10, 12), False), (dt.date(2027, 10, 13), True), (dt.date(2027, 10, 14), True)])
def test_early_removal_can_be_applied_for_a_year_after_the_listing(session, terms, store, decided, day, allowed):
    _, entry = decided()  # listed 2026-10-13
    assert early_removal_opens_on(terms.rules, entry) == dt.date(2027, 10, 13)
    if not allowed:
        with pytest.raises(NotYet) as refused:
            _apply(session, terms, store, entry, day)
        assert refused.value.opens_on == dt.date(2027, 10, 13) and "2027年10月13日起可以申请" in refused.value.zh
        session.rollback()
        assert session.exec(select(Application)).all() == []
        return
    application = _apply(session, terms, store, entry, day)
    # 15 working days (rules/listing/grounds.yaml) from the day received, by the working calendar.
    due = terms.calendar.add_working_days(day, terms.rules.removal_decision_working_days)
    assert (application.kind, application.status, application.list_entry_id, application.subject_id) == (
        REMOVAL, SUBMITTED, entry.id, entry.subject_id)
    assert (application.received_on, application.due_on, application.channel) == (day, due.due, "online")


def test_a_paper_application_counts_from_the_day_it_was_received(session, terms, store, decided):
    _, entry = decided()
    with pytest.raises(NotYet):  # received before the gate opened, recorded after: refused
        _apply(session, terms, store, entry, dt.date(2027, 11, 1), received_on=dt.date(2027, 10, 12), channel="paper")
    application = _apply(session, terms, store, entry, dt.date(2027, 11, 1), received_on=dt.date(2027, 10, 13),
                         channel="paper")
    assert (application.received_on, application.channel) == (dt.date(2027, 10, 13), "paper")
    assert application.due_on == terms.calendar.add_working_days(dt.date(2027, 10, 13), 15).due


def test_the_obligations_must_be_declared_and_one_application_at_a_time(session, terms, store, decided):
    _, entry = decided()
    with pytest.raises(InvalidInput) as undeclared:
        _apply(session, terms, store, entry, dt.date(2027, 11, 1), declared=False)
    assert undeclared.value.field == "obligations_performed"
    _apply(session, terms, store, entry, dt.date(2027, 11, 1))
    with pytest.raises(Conflict):
        _apply(session, terms, store, entry, dt.date(2027, 11, 2))


def test_a_new_heavier_penalty_since_the_listing_closes_early_removal(session, terms, store, decided, officers,
                                                                       penalised):
    _, reviewer, _ = officers
    _, entry = decided()
    application = _apply(session, terms, store, entry, dt.date(2027, 11, 1))
    penalised("fine", Decimal(60000), rule="PA-PENALTY", decided=dt.date(2027, 11, 3),
              subject=session.get(Subject, entry.subject_id))
    # Checked again at the decision: a penalty that came in meanwhile bars the grant.
    with pytest.raises(InvalidInput, match="较重行政处罚"):
        _decide(session, terms, application, True, "符合条件。", reviewer, dt.date(2027, 11, 10))
    session.rollback()
    assert session.get(ListEntry, entry.id).status == "listed"
    assert session.get(Application, application.id).status == SUBMITTED
    _decide(session, terms, application, False, "列入后又受到较重行政处罚。", reviewer, dt.date(2027, 11, 10))
    # And at the application: it never opens for this entry, which ends on its planned day.
    with pytest.raises(NotYet) as refused:
        _apply(session, terms, store, entry, dt.date(2027, 11, 20))
    assert refused.value.opens_on is None and "2029年10月13日期满移出" in refused.value.zh


def test_an_entry_decided_elsewhere_is_not_removed_here(session, terms, store, make_subject):
    entry = add_entry(session, terms, {"id": "CNIPA-1", "uscc": make_subject().uscc, "reason": "恶意商标申请",
                                       "legal_basis": "《商标法》", "authority": "国家知识产权局", "decision_no": "国知失〔2026〕1号",
                                       "listed_on": dt.date(2025, 1, 10), "planned_removal_on": dt.date(2028, 1, 10)},
                      FIRM, at(2026, 11, 26), dt.date(2026, 11, 26))
    with pytest.raises(NotAllowed, match="国家知识产权局"):
        _apply(session, terms, store, entry, dt.date(2026, 11, 26))


def test_a_granted_removal_issues_its_decision_and_leaves_the_next_version(session, terms, store, decided, officers):
    _, reviewer, _ = officers
    _, entry = decided()
    publication.publish(session, terms, SWEEP, at(2026, 10, 20), dt.date(2026, 10, 20))
    assert assessment_in_force(session, entry.subject_id, dt.date(2026, 10, 20)).listed is True
    application = _apply(session, terms, store, entry, dt.date(2027, 11, 1))
    _decide(session, terms, application, True, "罚款已缴清，符合提前移出条件。", reviewer, dt.date(2027, 11, 10))
    session.commit()
    entry = session.get(ListEntry, entry.id)
    assert (entry.status, entry.removed_on, entry.removal_published_on) == ("removed", dt.date(2027, 11, 10), None)
    assert (application.status, application.effective_on, application.decision_reasons) == (
        GRANTED, dt.date(2027, 11, 10), "罚款已缴清，符合提前移出条件。")
    notice = session.get(Notice, application.notice_id)
    assert notice.kind == "removal_decision" and notice.event_key == f"list-removal:{entry.id}"
    assert publication.pending_decisions(session)
    version = publication.publish(session, terms, SWEEP, at(2027, 11, 15), dt.date(2027, 11, 15))
    assert version.removed == 1 and version.entry_count == 0
    # The grade follows the published list: the publication re-grades the subject, unlisted.
    session.expire_all()
    assert assessment_in_force(session, entry.subject_id, dt.date(2027, 11, 15)).listed is False
    assert entry.id not in {r["id"] for r in publication.version_rows(terms, version)}
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.object_type.in_(("application", "list_entry")))
                           .order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["application.removal", "list_entry.remove", "application.decide"]


def test_a_refusal_needs_reasons_and_is_a_notice(session, terms, store, decided, officers):
    _, reviewer, _ = officers
    _, entry = decided()
    application = _apply(session, terms, store, entry, dt.date(2027, 11, 1))
    with pytest.raises(InvalidInput):
        _decide(session, terms, application, False, " ", reviewer, dt.date(2027, 11, 10))
    _decide(session, terms, application, False, "罚款尚未缴清。", reviewer, dt.date(2027, 11, 10))
    notice = session.get(Notice, application.notice_id)
    assert (notice.kind, notice.event_key) == ("removal_refusal", f"removal-reply:{application.id}")
    assert (application.status, session.get(ListEntry, entry.id).status) == (REFUSED, "listed")
