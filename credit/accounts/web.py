"""The web side of login sessions: the cookie, Flask-Login's user loader, signing in and out.

Request plumbing around the services of ``credit/accounts/sessions.py``; like a view, it commits
the request's session where a step must stand on its own (a logout, a resumed session).
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask import session as cookie
from flask_login import current_user, login_user, logout_user

from credit.accounts.models import User
from credit.accounts.sessions import COOKIE_KEY, SessionLimits, end_session, resume_session
from credit.context import current, db

def _limits() -> SessionLimits:
    config = current_app.config
    return SessionLimits(dt.timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
                         dt.timedelta(hours=config["SESSION_MAX_HOURS"]))


def sign_in(user: User, token: str) -> None:
    """After a right password: a fresh cookie holding the new session's token."""
    language = cookie.get("language")
    cookie.clear()  # nothing from before the login carries over (session fixation)
    if language:
        cookie["language"] = language
    login_user(user)
    cookie[COOKIE_KEY] = token


def sign_out() -> None:
    """Logout: end the session on the server, then forget it in the cookie."""
    end_session(db(), cookie.get(COOKIE_KEY, ""), current_user, current().clock.now())
    db().commit()
    logout_user()
    cookie.pop(COOKIE_KEY, None)


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the cookie's user only while its session is in force."""
    token = cookie.get(COOKIE_KEY)
    user = resume_session(db(), token, current().clock.now(), _limits()) if token else None
    if user is None or str(user.id) != user_id:
        # The cookie stops naming anyone: a later request does not look the session up again.
        cookie.pop(COOKIE_KEY, None)
        cookie.pop("_user_id", None)
        return None
    return user


def resume_first() -> None:
    """before_request: the session is resumed before the view runs, so that the note that it was
    used is committed alone, never together with a view's half-done work."""
    if current_user.is_authenticated:
        db().commit()
