"""Two reviewers deciding one application at the same moment through the served app: one wins
(the conditional update of the decision), the other is told so (409); one decision, one notice."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from credit.applications.models import Application
from credit.applications.services import Uploads, apply_for_removal
from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.listing.models import ListEntry
from credit.listing.terms import current_terms
from credit.notices.models import Notice
from tests.served import at_once


def test_of_two_reviewers_deciding_an_early_removal_at_once_one_wins(browsers, session, ctx, clock, make_subject,
                                                                      make_entry):
    entry = make_entry(make_subject(kind="firm"), dt.date(2025, 6, 1))
    application = apply_for_removal(session, current_terms(), entry, "罚款已缴清。", True, [], Actor(None, "firm"),
                                    store=Uploads(ctx.files, 10**6), now=clock.now())
    session.commit()
    reviewers = browsers("reviewer", 2)
    for reviewer in reviewers:
        reviewer.get(f"/applications/{application.id}")  # each sees the application and its form
    decisions = ["grant", "refuse"]
    answers = at_once(lambda r=r, d=d: r.post(f"/applications/{application.id}/decide",
                                              {"decision": d, "reasons": "经审核作出决定。"})
                      for r, d in zip(reviewers, decisions))

    assert sorted(a.status for a in answers) == [302, 409], [a.text[-600:] for a in answers]
    loser = next(a for a in answers if a.status == 409).text
    assert "该申请已有决定" in loser, loser
    winner = decisions[[a.status for a in answers].index(302)]
    with ctx.sessions() as fresh:
        decided = fresh.get(Application, application.id)
        assert decided.status == {"grant": "granted", "refuse": "refused"}[winner]
        assert fresh.get(ListEntry, entry.id).status == ("removed" if winner == "grant" else "listed")
        assert len(fresh.exec(select(Notice).where(Notice.subject_id == entry.subject_id)).all()) == 1
        assert len(fresh.exec(select(AuditEvent).where(AuditEvent.action == "application.decide")).all()) == 1
