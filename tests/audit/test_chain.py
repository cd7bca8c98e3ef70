"""The audit chain detects any edited, inserted or removed event."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from credit.audit.models import AuditEvent
from credit.audit.services import record_event, verify_chain


def _write(session, clock, count=4):
    for i in range(count):
        record_event(session, actor="inspector1", action="subject.create", object_type="subject",
                     object_id=i, data={"name": f"主体{i}"}, now=clock.now() + dt.timedelta(seconds=i))
    session.commit()


def test_intact_chain_verifies(session, clock):
    _write(session, clock)
    report = verify_chain(session, batch=3)
    assert report.ok and report.checked == 4


def test_edited_event_breaks_its_link(session, clock):
    _write(session, clock)
    session.execute(sa.update(AuditEvent).where(AuditEvent.id == 3).values(data='{"name":"改过"}'))
    session.commit()
    report = verify_chain(session)
    assert (report.ok, report.broken_at, report.checked) == (False, 3, 2)
    assert "content" in report.reason


def test_removed_event_breaks_the_next_link(session, clock):
    _write(session, clock)
    session.execute(sa.delete(AuditEvent).where(AuditEvent.id == 2))
    session.commit()
    report = verify_chain(session)
    assert (report.broken_at, report.checked) == (3, 1)
    assert "prev_hash" in report.reason
