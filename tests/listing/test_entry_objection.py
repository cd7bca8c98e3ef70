"""An objection to a list entry (DESIGN 7): the entry stays listed, under objection, until a reviewer
answers within 15 working days; upheld, it is removed and leaves the next published version;
either answer is a notice."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlmodel import select
from werkzeug.datastructures import FileStorage

from credit.applications.models import GRANTED, OBJECTION, REFUSED, SUBMITTED, Application, Attachment
from credit.applications.services import Uploads, apply_for_removal, decide, object_to_entry, open_application
from credit.audit.actor import Actor
from credit.errors import Conflict, NotAllowed
from credit.listing import publication
from credit.listing.models import ListEntry
from credit.notices.models import Notice
from tests.listing.conftest import at

FIRM = Actor(None, "firm-user")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def store(ctx):
    return Uploads(ctx.files, 10**6)


def _object(session, terms, store, entry, day=dt.date(2026, 10, 21), uploads=()):
    return object_to_entry(session, terms, entry, "处罚决定已被复议机关撤销。", list(uploads), FIRM, store=store,
                           now=at(*day.timetuple()[:3]))


def _decide(session, terms, application, grant, reviewer, day=dt.date(2026, 10, 28)):
    return decide(session, application, grant, "经复核，" + ("异议成立。" if grant else "列入依据充分。"), reviewer,
                  terms=terms, now=at(*day.timetuple()[:3]))


def test_an_objection_keeps_the_entry_listed_with_its_deadline_and_files(session, ctx, terms, store, decided):
    _, entry = decided()
    application = _object(session, terms, store, entry, uploads=[FileStorage(io.BytesIO(PDF), "复议决定书.pdf")])
    session.commit()
    assert (application.kind, application.status, application.list_entry_id, application.record_id) == (
        OBJECTION, SUBMITTED, entry.id, None)
    # 15 working days from Wednesday 21 October 2026: Wednesday 11 November.
    assert (application.due_on, application.due_provisional) == (dt.date(2026, 11, 11), False)
    assert session.get(ListEntry, entry.id).status == "listed"
    attachment = session.exec(select(Attachment).where(Attachment.application_id == application.id)).one()
    assert (attachment.filename, attachment.subject_id) == ("复议决定书.pdf", entry.subject_id)
    assert open_application(session, entry) == application
    with pytest.raises(Conflict):  # one application about the entry at a time (early removal too)
        _object(session, terms, store, entry)


def test_an_upheld_objection_removes_the_entry_and_both_notices_are_issued(session, terms, store, decided, officers):
    _, reviewer, _ = officers
    _, entry = decided()
    publication.publish(session, terms, Actor(None, "publisher"), at(2026, 10, 20), dt.date(2026, 10, 20))
    application = _object(session, terms, store, entry)
    _decide(session, terms, application, True, reviewer)
    session.commit()
    entry = session.get(ListEntry, entry.id)
    assert (application.status, entry.status, entry.removed_on) == (GRANTED, "removed", dt.date(2026, 10, 28))
    reply = session.get(Notice, application.notice_id)
    assert (reply.kind, reply.event_key) == ("objection_reply", f"objection-reply:{application.id}")
    kinds = session.exec(select(Notice.kind).where(Notice.subject_id == entry.subject_id)).all()
    assert "removal_decision" in kinds  # the entry's own 移出决定书, once
    version = publication.publish(session, terms, Actor(None, "publisher"), at(2026, 11, 2), dt.date(2026, 11, 2))
    assert entry.id not in {r["id"] for r in publication.version_rows(terms, version)}
    with pytest.raises(NotAllowed):  # nothing more to apply for about a removed entry
        _object(session, terms, store, entry, dt.date(2026, 11, 3))


def test_a_rejected_objection_leaves_the_entry_and_frees_it_for_another_application(session, terms, store, decided,
                                                                                     officers):
    _, reviewer, _ = officers
    _, entry = decided()
    application = _object(session, terms, store, entry)
    _decide(session, terms, application, False, reviewer)
    assert (application.status, session.get(ListEntry, entry.id).status) == (REFUSED, "listed")
    assert session.get(Notice, application.notice_id).kind == "objection_reply"
    assert open_application(session, entry) is None
    removal = apply_for_removal(session, terms, entry, "已履行。", True, [], FIRM, store=store, now=at(2027, 10, 13))
    assert removal.status == SUBMITTED and session.exec(select(Application)).all() == [application, removal]
