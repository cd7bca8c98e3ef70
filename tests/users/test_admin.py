"""User administration (/admin/users and `credit users list`): every change audited, sessions ended
at once, a reset password changed at the next login."""
from __future__ import annotations

import datetime as dt
import json

from sqlmodel import select

from credit.accounts.models import LoginThrottle, User
from credit.audit.models import AuditEvent
from credit.cli import main
from tests.actions import csrf_token


def _actions(session, user_id: int) -> list[str]:
    return list(session.exec(select(AuditEvent.action).where(AuditEvent.object_type == "user",
                                                             AuditEvent.object_id == str(user_id))
                             .order_by(AuditEvent.id)))


def test_admin_lists_searches_and_creates_a_staff_account(client, session, login_as, make_user, post_form):
    login_as("admin")
    make_user("inspector", username="wang.ming", display_name="检查员 王明")
    make_user("reviewer", username="li.jing", display_name="审核员 李静")
    page = client.get("/admin/users/", query_string={"q": "王明"}).get_data(as_text=True)
    assert "wang.ming" in page and "li.jing" not in page
    refused = post_form("/admin/users/new", {"username": "qiye", "role": "firm", "password": "first-password"})
    assert refused.status_code == 400  # a firm account is opened by activation, not here
    response = post_form("/admin/users/new", {"username": "chen.fang", "display_name": "发布员 陈芳",
                                              "role": "publisher", "password": "first-password"})
    user = session.exec(select(User).where(User.username == "chen.fang")).one()
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.role, user.must_change_password) == ("publisher", True)
    assert _actions(session, user.id) == ["user.create"]


def test_role_disable_enable_unlock_and_every_change_is_audited(client, session, clock, login_as, make_user,
                                                                 post_form):
    admin = login_as("admin")
    user = make_user("inspector")
    session.add(LoginThrottle(username=user.username, failures=5, locked_until=clock.now() + dt.timedelta(minutes=10)))
    session.commit()
    assert "已锁定" in client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert post_form(f"/admin/users/{user.id}/role", {"role": "reviewer"}).status_code == 302
    for action in ("unlock", "disable", "enable"):
        assert post_form(f"/admin/users/{user.id}/{action}").status_code == 302
    session.refresh(user)
    assert (user.role, user.is_active) == ("reviewer", True)
    assert session.get(LoginThrottle, user.username).locked_until is None
    assert _actions(session, user.id) == ["user.role", "user.unlock", "user.disable", "user.end_sessions",
                                          "user.enable"]
    # An admin cannot lock themselves out.
    assert post_form(f"/admin/users/{admin.id}/disable").status_code == 403
    assert post_form(f"/admin/users/{admin.id}/role", {"role": "inspector"}).status_code == 403


def test_ending_sessions_logs_the_user_out_at_the_next_request(app, client, session, login_as, make_user):
    user = make_user("inspector", username="zhao.qiang")
    other = app.test_client()
    response = other.post("/login", data={"csrf_token": csrf_token(other), "username": "zhao.qiang",
                                          "password": "demo-password"})
    assert response.headers["Location"] == "/" and other.get("/").status_code == 200
    login_as("admin")
    assert client.post(f"/admin/users/{user.id}/end-sessions",
                       data={"csrf_token": csrf_token(client)}).status_code == 302
    response = other.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert other.get("/").headers["Location"].startswith("/login?next=")  # logged out, not only redirected once


def test_a_reset_password_must_be_changed_at_the_next_login(app, client, session, login_as, make_user):
    user = make_user("reviewer", username="sun.li")
    login_as("admin")
    assert client.post(f"/admin/users/{user.id}/password",
                       data={"csrf_token": csrf_token(client), "password": "temporary-pass"}).status_code == 302
    assert _actions(session, user.id) == ["user.reset_password", "user.end_sessions"]
    own = app.test_client()
    own.post("/login", data={"csrf_token": csrf_token(own), "username": "sun.li", "password": "temporary-pass"})
    assert own.get("/records/review").headers["Location"] == "/account/password"
    form = {"csrf_token": csrf_token(own), "current": "temporary-pass", "password": "my-own-password",
            "confirm": "my-own-password"}
    assert own.post("/account/password", data=form).headers["Location"] == "/"
    assert own.get("/records/review").status_code == 200
    session.refresh(user)
    assert not user.must_change_password and _actions(session, user.id)[-1] == "user.change_password"


def test_users_list_on_the_command_line(runner, session, make_user, make_subject):
    subject = make_subject(kind="firm")
    make_user("firm", username="qiye1", subject_id=subject.id)
    make_user("admin", username="admin.x", is_active=False)
    rows = json.loads(runner.invoke(main, ["users", "list", "--format", "json"]).output)
    assert [(r["username"], r["role"], r["subject_uscc"], r["active"]) for r in rows] == [
        ("admin.x", "admin", None, False), ("qiye1", "firm", subject.uscc, True)]
    table = runner.invoke(main, ["users", "list"]).output.splitlines()
    assert table[0].split() == ["username", "role", "active", "locked", "subject", "display", "name"]
    assert table[2].split()[:5] == ["qiye1", "firm", "yes", "no", subject.uscc]
