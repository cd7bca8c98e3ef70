"""Logging in and out: passwords, throttling and lock-out on the app clock, audit events, cookies."""
from __future__ import annotations

import pytest
from sqlmodel import Session, select

from credit.accounts import services
from credit.accounts.models import LoginThrottle
from credit.accounts.services import LOCK_PERIOD, MAX_FAILURES
from credit.audit.models import AuditEvent
from credit.context import current
from tests.actions import csrf_token


def _login(client, username, password="demo-password", next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"username": username, "password": password, "csrf_token": csrf_token(client)})


def wrong_guesses_while_hashing(monkeypatch, username, clock, count, right_password=None):
    """While the next password check hashes (only a check of ``right_password``, when given),
    ``count`` wrong guesses arrive in their own sessions and commit: requests sent together."""
    check, done = services.check_password_hash, []

    def slow_check(hashed: str, password: str) -> bool:
        if not done and right_password in (None, password):
            done.append(True)
            for _ in range(count):
                with Session(current().engine) as other, pytest.raises(services.LoginRefused):
                    try:
                        services.authenticate(other, username, "wrong-password", clock.now())
                    finally:
                        other.commit()
        return check(hashed, password)

    monkeypatch.setattr(services, "check_password_hash", slow_check)


def _actions(session):
    session.expire_all()
    return [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_login_success_opens_the_home_page(client, session, make_user):
    user = make_user("inspector", display_name="检查员 王明")
    response = _login(client, user.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "欢迎，检查员 王明" in page and "检查员" in page
    assert _actions(session) == ["auth.login"]


def test_session_cookie_is_httponly_and_samesite(client, make_user):
    response = _login(client, make_user("reviewer").username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_wrong_password_is_refused_with_a_message_beside_the_field(client, session, make_user):
    user = make_user("inspector")
    response = _login(client, user.username, "wrong-password")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "用户名或密码错误" in page
    assert client.get("/").status_code == 302  # still anonymous
    assert _actions(session) == ["auth.login_failed"]


def test_unknown_user_gets_the_same_message(client, session):
    assert "用户名或密码错误" in _login(client, "nobody").get_data(as_text=True)
    assert _actions(session) == ["auth.login_failed"]


def test_lockout_after_repeated_failures_and_unlock_after_the_period(client, session, clock, make_user):
    user = make_user("inspector")
    for _ in range(MAX_FAILURES - 1):
        _login(client, user.username, "wrong-password")
    page = _login(client, user.username, "wrong-password").get_data(as_text=True)
    assert "账号已锁定至 10:15" in page
    # Locked: even the right password is refused until the period is over.
    clock.advance(minutes=14)
    assert "账号已锁定" in _login(client, user.username).get_data(as_text=True)
    assert client.get("/").status_code == 302
    clock.advance(seconds=LOCK_PERIOD.total_seconds() - 14 * 60)
    assert _login(client, user.username).status_code == 302
    assert client.get("/").status_code == 200
    assert _actions(session) == (["auth.login_failed"] * (MAX_FAILURES - 1)
                                 + ["auth.lockout", "auth.login_refused_locked", "auth.login"])


def test_failures_counted_by_concurrent_requests_all_count(app, session, clock, make_user, monkeypatch):
    # Requests that read the account at the same time must not each write "one more than I read":
    # an attacker sending wrong passwords in parallel would never reach the lock-out.
    user = make_user("inspector")
    wrong_guesses_while_hashing(monkeypatch, user.username, clock, MAX_FAILURES - 1)
    with pytest.raises(services.LoginRefused, match="锁定"):
        services.authenticate(session, user.username, "wrong-password", clock.now())
    session.commit()
    session.expire_all()
    assert session.get(LoginThrottle, user.username).locked_until is not None


def test_success_resets_the_failure_count(client, session, make_user):
    user = make_user("inspector")
    for _ in range(MAX_FAILURES - 1):
        _login(client, user.username, "wrong-password")
    _login(client, user.username)
    throttle = session.get(LoginThrottle, user.username)
    session.refresh(throttle)
    assert throttle.failures == 0 and throttle.locked_until is None


def test_disabled_user_cannot_log_in_and_loses_the_session(client, session, make_user, login_as):
    user = login_as("inspector")
    assert client.get("/").status_code == 200
    user.is_active = False
    session.add(user)
    session.commit()
    assert client.get("/").status_code == 302
    assert "用户名或密码错误" in _login(client, user.username).get_data(as_text=True)


def test_next_goes_back_to_the_page_asked_for_but_never_off_site(client, make_user):
    user = make_user("admin")
    assert _login(client, user.username, next_url="/admin/audit/").headers["Location"] == "/admin/audit/"
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        assert _login(client, user.username, next_url=evil).headers["Location"] == "/"
        client.post("/logout", data={"csrf_token": csrf_token(client)})


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/admin/audit/")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/admin/audit/"


def test_logout_is_a_post_with_csrf(client, session, login_as):
    login_as("inspector")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # the refused logouts changed nothing
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert _actions(session) == ["auth.logout"]


def test_anonymous_post_is_sent_to_login_then_home(client):
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/"


def test_an_unknown_name_locks_like_a_real_account(client, session, make_user):
    # Otherwise "locked until" would tell that an account exists.
    user = make_user("admin")
    for name in (user.username, "nobody"):
        answers = [_login(client, name, "wrong-password").get_data(as_text=True) for _ in range(MAX_FAILURES + 1)]
        assert ["用户名或密码错误" in a for a in answers] == [True] * (MAX_FAILURES - 1) + [False, False]
        assert all("账号已锁定至 10:15" in a for a in answers[-2:])
    assert _actions(session) == 2 * (["auth.login_failed"] * (MAX_FAILURES - 1)
                                     + ["auth.lockout", "auth.login_refused_locked"])


def test_a_name_no_account_can_have_is_refused_but_never_counted(client, session):
    for _ in range(MAX_FAILURES + 1):
        assert "用户名或密码错误" in _login(client, "<b>x</b>", "wrong-password").get_data(as_text=True)
    assert session.exec(select(LoginThrottle)).all() == []


def test_a_right_password_checked_while_others_lock_the_account_is_refused(app, session, clock, make_user,
                                                                           monkeypatch):
    # The lock decided by wrong guesses sent together with the right one holds: the right one,
    # checked while they were, must not log in after the lock was recorded.
    user = make_user("admin")
    wrong_guesses_while_hashing(monkeypatch, user.username, clock, MAX_FAILURES, right_password="demo-password")
    with pytest.raises(services.LoginRefused, match="锁定至 10:15"):
        services.authenticate(session, user.username, "demo-password", clock.now())
    session.commit()
    assert _actions(session)[-2:] == ["auth.lockout", "auth.login_refused_locked"]


def test_a_lock_that_has_run_out_counts_again_from_one(client, session, clock, make_user):
    user = make_user("inspector")
    for _ in range(MAX_FAILURES):
        _login(client, user.username, "wrong-password")
    clock.advance(minutes=15)
    for _ in range(MAX_FAILURES - 1):
        assert "用户名或密码错误" in _login(client, user.username, "wrong-password").get_data(as_text=True)
    assert "账号已锁定至 10:30" in _login(client, user.username, "wrong-password").get_data(as_text=True)
