"""The administrators' list of locked accounts and its unlock button."""
from __future__ import annotations

import pytest
from sqlmodel import select

from credit.accounts.services import MAX_FAILURES, LoginRefused, authenticate
from credit.audit.models import AuditEvent
from tests.actions import csrf_token


def _unlock(client, user_id):
    return client.post(f"/admin/users/{user_id}/unlock", data={"csrf_token": csrf_token(client), "next": "/admin/users/locked"})


def _lock(session, clock, username):
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            authenticate(session, username, "wrong-password", clock.now())
    session.commit()


def test_an_admin_sees_locked_accounts_and_unlocks_one(client, session, clock, make_user, login_as):
    admin = login_as("admin")
    victim, other = make_user("reviewer", display_name="审核员 李静"), make_user("inspector")
    _lock(session, clock, victim.username)
    _lock(session, clock, "nobody")  # a name without an account is not listed
    page = client.get("/admin/users/locked").get_data(as_text=True)
    assert victim.username in page and "审核员 李静" in page and "10:15" in page
    assert other.username not in page and "nobody" not in page

    response = _unlock(client, victim.id)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users/locked"
    assert f"{victim.username} 已解锁" in client.get("/admin/users/locked").get_data(as_text=True)
    assert authenticate(session, victim.username, "demo-password", clock.now()).id == victim.id
    unlock = session.exec(select(AuditEvent).where(AuditEvent.action == "user.unlock")).one()
    assert unlock.actor == admin.username and unlock.object_id == str(victim.id)


def test_unlocking_an_unlocked_or_unknown_account(client, make_user, login_as):
    login_as("admin")
    user = make_user("inspector")
    _unlock(client, user.id)
    assert f"{user.username} 未被锁定" in client.get("/admin/users/locked").get_data(as_text=True)
    assert _unlock(client, 999999).status_code == 404


def test_the_audit_log_links_to_the_locked_accounts(client, login_as):
    login_as("admin")
    assert 'href="/admin/users/locked"' in client.get("/admin/audit/").get_data(as_text=True)
