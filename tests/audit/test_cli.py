"""`credit audit head` and `credit audit verify [--anchor HASH@ID]`."""
from __future__ import annotations

import json

import sqlalchemy as sa

from credit.audit.models import AuditEvent
from credit.audit.services import record_event
from credit.cli import main


def _write(session, clock, count=3):
    for i in range(count):
        record_event(session, actor="inspector1", action="subject.create", object_type="subject", object_id=i,
                     data={}, now=clock.now())
    session.commit()


def test_head_prints_the_last_event_as_json(runner, session, clock):
    _write(session, clock)
    result = runner.invoke(main, ["audit", "head"])
    assert result.exit_code == 0, result.output
    head = json.loads(result.output)
    last = session.get(AuditEvent, 3)
    assert head == {"id": 3, "hash": last.hash, "at": "2026-11-26T02:00:00.000000Z", "anchor": f"{last.hash}@3"}


def test_head_of_an_empty_chain_is_an_error(runner, session):
    result = runner.invoke(main, ["audit", "head"])
    assert result.exit_code == 1 and "the audit chain is empty" in result.output


def test_verify_lists_every_break_and_fails(runner, session, clock):
    _write(session, clock, count=5)
    for event_id in (2, 4):
        session.execute(sa.update(AuditEvent).where(AuditEvent.id == event_id).values(data='{"forged":true}'))
    session.commit()
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "event #2 broken" in result.output and "event #4 broken" in result.output
    assert "broken in 2 places (5 events)" in result.output


def test_verify_against_an_anchor(runner, session, clock):
    _write(session, clock)
    anchor = json.loads(runner.invoke(main, ["audit", "head"]).output)["anchor"]
    result = runner.invoke(main, ["audit", "verify", "--anchor", anchor])
    assert result.exit_code == 0 and "matching the anchor #3" in result.output
    wrong = "f" * 64 + "@3"
    result = runner.invoke(main, ["audit", "verify", "--anchor", wrong])
    assert result.exit_code == 1 and "event #3 broken: hash differs from the anchor" in result.output
    result = runner.invoke(main, ["audit", "verify", "--anchor", "not-an-anchor"])
    assert result.exit_code == 2 and "HASH@ID" in result.output
