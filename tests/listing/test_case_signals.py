"""The contract with the Blue Sky case log (credit.signals): a stand-in case sends the signals."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import select

from credit.i18n import bilingual
from credit.listing.models import ListEntry, ListingProcedure
from credit.signals import ProposedPenalty, case_decided, case_prior_notice
from tests.listing.conftest import at


@dataclass
class StandInCase:
    id: int


def _paragraphs(results) -> list[str]:
    return [p for _receiver, value in results if value for p in value]


def test_a_case_prior_notice_announces_the_listing_and_opens_the_procedure(session, make_subject, officers):
    inspector, *_ = officers
    heavy, light = make_subject(), make_subject()
    proposals = [ProposedPenalty(heavy.id, "PA-CERT-RENT", "fine", Decimal(80000)),
                 ProposedPenalty(light.id, "PA-CERT-RENT", "fine", Decimal(10000)),  # not heavier
                 ProposedPenalty(None, "PA-CERT-RENT", "closure", None)]  # no registration: never listed
    paragraphs = _paragraphs(case_prior_notice.send(StandInCase(41), session=session, now=at(2026, 9, 29),
                                                    actor=inspector, proposals=proposals))
    assert len(paragraphs) == 1 and heavy.name in paragraphs[0] and "陈述、申辩和要求听证" in paragraphs[0]
    [procedure] = session.exec(select(ListingProcedure)).all()
    assert (procedure.case_id, procedure.subject_id, procedure.status) == (41, heavy.id, "notified")
    assert procedure.statement_due == dt.date(2026, 10, 12)  # served with the case's notice, National Day between
    # Sent again (a notice prepared twice), it opens nothing more.
    case_prior_notice.send(StandInCase(41), session=session, now=at(2026, 9, 30), actor=inspector,
                           proposals=proposals)
    assert len(session.exec(select(ListingProcedure)).all()) == 1


def test_the_case_decision_makes_the_listing_decision_when_everything_allows(session, terms, make_subject,
                                                                              penalised, officers):
    from credit.listing import procedure as steps

    inspector, reviewer, _ = officers
    subject = make_subject()
    case_prior_notice.send(StandInCase(7), session=session, now=at(2026, 9, 29), actor=inspector,
                           proposals=[ProposedPenalty(subject.id, "PA-CERT-RENT", "closure", None)])
    record = penalised("closure", None, subject=subject, decided=dt.date(2026, 10, 13))
    procedure = session.exec(select(ListingProcedure)).one()

    # Before the upper level's consent the decision waits in the work queue, linked to its record.
    results = case_decided.send(StandInCase(7), session=session, now=at(2026, 10, 13), actor=reviewer,
                                records=[record])
    assert [bilingual(v) for _r, v in results if v] == ["作出列入决定 0 个，待决定 1 个 / 0 listings decided, 1 awaiting their decision"]
    assert procedure.record_id == record.id and procedure.status == "notified"
    steps.record_consent(session, procedure, dt.date(2026, 10, 12), "同意", reviewer, at(2026, 10, 12))
    case_decided.send(StandInCase(7), session=session, now=at(2026, 10, 13), actor=reviewer, records=[record])
    entry = session.exec(select(ListEntry)).one()
    assert (entry.subject_id, entry.listed_on) == (subject.id, dt.date(2026, 10, 13))
    assert session.get(ListingProcedure, procedure.id).status == "decided"


def test_a_case_without_a_linked_procedure_is_left_alone(session, penalised, officers):
    _, reviewer, _ = officers
    results = case_decided.send(StandInCase(99), session=session, now=at(2026, 10, 13), actor=reviewer,
                                records=[penalised()])
    assert all(value is None for _r, value in results)
    assert session.exec(select(ListEntry)).all() == []


def test_the_listing_rests_on_the_record_of_the_announced_serious_type(session, make_subject, make_record,
                                                                        officers):
    """A decision with a heavier fine (a non-serious PA-PENALTY record) and stop-new-business (the
    serious PA-STOP-NEW the prior notice announced): the listing is decided on the latter."""
    inspector, reviewer, _ = officers
    subject = make_subject()
    case_prior_notice.send(StandInCase(8), session=session, now=at(2026, 9, 29), actor=inspector, proposals=[
        ProposedPenalty(subject.id, "PA-PENALTY", "fine", Decimal(80000)),
        ProposedPenalty(subject.id, "PA-STOP-NEW", "stop_new_business", None)])
    procedure = session.exec(select(ListingProcedure)).one()
    assert procedure.rule_code == "PA-STOP-NEW"
    fine, stop = (make_record(subject, rule, dt.date(2026, 10, 13), status="draft") for rule in ("PA-PENALTY",
                                                                                                "PA-STOP-NEW"))
    fine.penalty_kind, fine.penalty_amount, stop.penalty_kind = "fine", Decimal(80000), "stop_new_business"
    case_decided.send(StandInCase(8), session=session, now=at(2026, 10, 13), actor=reviewer, records=[fine, stop])
    assert procedure.record_id == stop.id
