"""Sessions kept on the server: logout, idle and absolute time, a disabled account or a new
password end them, whatever copy of the cookie exists."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from credit.accounts.models import UserSession
from credit.accounts.services import disable_user, set_password
from credit.audit.actor import Actor
from tests.factories import sign_in
from tests.actions import csrf_token

ADMIN = Actor(None, "test-admin")


def _copy_cookie(app, client):
    """Another browser holding a copy of ``client``'s session cookie, as an attacker would."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _logs_in(client, username, password="demo-password"):
    return client.post("/login", data={"username": username, "password": password, "csrf_token": csrf_token(client)})


def test_a_cookie_saved_before_logout_opens_nothing_after_it(app, client, make_user):
    user = make_user("inspector")
    assert _logs_in(client, user.username).status_code == 302
    saved = _copy_cookie(app, client)
    assert saved.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert saved.get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_logout_ends_only_its_own_session(app, session, client, make_user):
    user = make_user("inspector")
    other = app.test_client()
    _logs_in(client, user.username), _logs_in(other, user.username)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert other.get("/").status_code == 200
    ends = sorted(s.end_reason for s in session.exec(select(UserSession)))
    assert ends == ["", "logout"]


def test_a_cookie_that_names_a_user_but_no_session_opens_nothing(client, make_user):
    # What every cookie made before server-side sessions looks like.
    user = make_user("admin")
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
    assert client.get("/").status_code == 302


def test_a_session_ends_after_the_idle_time(client, clock, login_as):
    login_as("inspector")
    clock.advance(minutes=29)
    assert client.get("/").status_code == 200
    clock.advance(minutes=29)  # 29 minutes since the last request
    assert client.get("/").status_code == 200
    clock.advance(minutes=30)
    assert client.get("/").status_code == 302


def test_the_idle_time_is_a_setting(app, client, clock, login_as):
    app.config["SESSION_IDLE_MINUTES"] = 5
    login_as("inspector")
    clock.advance(minutes=4)
    assert client.get("/").status_code == 200
    clock.advance(minutes=5)
    assert client.get("/").status_code == 302


def test_a_session_ends_after_the_absolute_time_however_busy(client, clock, login_as):
    login_as("inspector")
    for _ in range(35):  # a request every 20 minutes, to 11:40 after the login
        clock.advance(minutes=20)
        assert client.get("/").status_code == 200
    clock.advance(minutes=19)
    assert client.get("/").status_code == 200
    clock.advance(minutes=1)  # 12 hours since the login
    assert client.get("/").status_code == 302


def test_the_signed_cookie_itself_expires_with_the_absolute_time(app):
    # Flask refuses an older signed cookie before the table is even asked (its default: 31 days).
    assert app.permanent_session_lifetime == dt.timedelta(hours=12)


def test_disabling_an_account_ends_its_sessions_for_good(session, clock, client, make_user):
    user = make_user("inspector")
    sign_in(client, user)
    disable_user(session, user.username, ADMIN, clock.now())
    session.commit()
    assert client.get("/").status_code == 302
    user.is_active = True  # enabled again: its old sessions stay ended
    session.add(user)
    session.commit()
    assert client.get("/").status_code == 302
    assert [s.end_reason for s in session.exec(select(UserSession))] == ["disabled"]


def test_a_new_password_ends_every_session_of_the_account(app, session, clock, client, make_user):
    user = make_user("inspector")
    other = app.test_client()
    sign_in(client, user)
    sign_in(other, user)
    set_password(session, user.username, "a-new-long-passphrase", ADMIN, clock.now())
    session.commit()
    assert client.get("/").status_code == 302 and other.get("/").status_code == 302
    assert _logs_in(client, user.username, "a-new-long-passphrase").status_code == 302
    assert client.get("/").status_code == 200


def test_the_table_keeps_no_token(session, client, make_user):
    user = make_user("inspector")
    _logs_in(client, user.username)
    token = client.get_cookie("session")
    row = session.exec(select(UserSession)).one()
    assert len(row.token_hash) == 64 and row.token_hash not in token.value
