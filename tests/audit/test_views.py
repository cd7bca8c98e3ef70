"""The administrators' audit log page, its filters and paging, and chain verification (page and CLI)."""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from credit.audit.models import AuditEvent
from credit.cli import main
from credit.audit.services import record_event


def _events(session, clock, specs):
    """specs: (actor, action, object_type, object_id, hours after the clock's now)."""
    for actor, action, object_type, object_id, hours in specs:
        record_event(session, actor=actor, action=action, object_type=object_type, object_id=object_id,
                     data={}, now=clock.now() + dt.timedelta(hours=hours))
    session.commit()


def _rows(page: str) -> int:
    return page.count("<tr>") - 1  # minus the header row


def test_admin_filters_by_actor_action_object_and_dates(client, session, clock, login_as):
    login_as("admin")
    _events(session, clock, [
        ("inspector1", "subject.create", "subject", 1, 0),
        ("inspector1", "record.draft", "record", 7, 1),
        ("reviewer1", "record.confirmed", "record", 7, 26),   # next day in Huainan
        ("reviewer1", "record.rejected", "record", 8, 50),
    ])
    assert _rows(client.get("/admin/audit/").get_data(as_text=True)) == 4
    assert _rows(client.get("/admin/audit/?actor=reviewer1").get_data(as_text=True)) == 2
    assert _rows(client.get("/admin/audit/?action=record.draft").get_data(as_text=True)) == 1
    assert _rows(client.get("/admin/audit/?object_type=record&object_id=7").get_data(as_text=True)) == 2
    page = client.get("/admin/audit/?date_from=2026-11-27&date_to=2026-11-27").get_data(as_text=True)
    assert _rows(page) == 1 and "record.confirmed" in page and "2026年11月27日 12:00" in page


def test_bad_date_is_shown_beside_the_field(client, login_as):
    login_as("admin")
    response = client.get("/admin/audit/?date_from=yesterday")
    assert response.status_code == 200 and 'class="errors"' in response.get_data(as_text=True)


@pytest.mark.parametrize("query", ["date_from=0001-01-01", "date_to=9999-12-31", "date_from=0001-01-01&date_to=9999-12-31"])
def test_the_first_and_last_dates_there_are_filter_nothing_out(client, session, clock, login_as, query):
    # Their Huainan midnight bounds lie outside what a datetime can hold (it was a 500).
    login_as("admin")
    _events(session, clock, [("inspector1", "subject.create", "subject", 1, 0)])
    response = client.get(f"/admin/audit/?{query}")
    assert response.status_code == 200 and _rows(response.get_data(as_text=True)) == 1


def test_paging_keeps_the_filter(client, session, clock, login_as):
    login_as("admin")
    _events(session, clock, [("inspector1", "subject.create", "subject", i, 0) for i in range(60)])
    first = client.get("/admin/audit/?actor=inspector1").get_data(as_text=True)
    assert _rows(first) == 50 and "第 1 / 2 页" in first
    assert "/admin/audit/?page=2&amp;actor=inspector1" in first
    second = client.get("/admin/audit/?page=2&actor=inspector1").get_data(as_text=True)
    assert _rows(second) == 10


@pytest.mark.parametrize("query", ["endpoint=x", "_method=POST", "_external=1"])
def test_query_parameters_that_are_no_filter_are_ignored_not_a_500(client, session, clock, login_as, query):
    login_as("admin")
    _events(session, clock, [("inspector1", "subject.create", "subject", i, 0) for i in range(60)])
    response = client.get(f"/admin/audit/?actor=inspector1&{query}")
    assert response.status_code == 200
    assert 'href="/admin/audit/?page=2&amp;actor=inspector1"' in response.get_data(as_text=True)


def test_verify_page_reports_intact_then_tampered_chain(client, session, clock, login_as):
    login_as("admin")
    _events(session, clock, [("inspector1", "subject.create", "subject", i, 0) for i in range(3)])
    assert "审计链完整，共检查 3 条事件" in client.get("/admin/audit/verify").get_data(as_text=True)
    session.execute(sa.update(AuditEvent).where(AuditEvent.id == 2).values(actor="someone-else"))
    session.commit()
    page = client.get("/admin/audit/verify").get_data(as_text=True)
    assert "审计链有 1 处断裂（共检查 3 条事件）" in page and "<td>#2</td>" in page
    assert f"<code>{session.get(AuditEvent, 3).hash}@3</code>" in page  # the head, to be kept outside


def test_cli_verify_reports_intact_then_tampered_chain(runner, session, clock):
    _events(session, clock, [("inspector1", "subject.create", "subject", i, 0) for i in range(3)])
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0 and "审计链完整，共 3 条事件" in result.output
    session.execute(sa.update(AuditEvent).where(AuditEvent.id == 3).values(data='{"forged":true}'))
    session.commit()
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 1 and "#3" in result.output
