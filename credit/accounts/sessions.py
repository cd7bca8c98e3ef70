"""Server-side login sessions.

The session cookie (Flask's, signed) carries a random token; a ``UserSession`` row keeps its
SHA-256. Every request resumes the session from that row: logged out, ended for the whole account
(disabled, new password), idle for ``idle`` or older than ``absolute``, it no longer counts. So a
cookie copied before a logout dies with the session it belongs to.

These are services (session and ``now`` in, nothing committed); ``credit/accounts/web.py`` is
what the web layer calls around them.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from credit.accounts.models import User, UserSession
from credit.audit.services import record_event

# last_seen_at is written at most once a minute per session, not on every request; a session
# therefore ends up to a minute before its idle time is fully over.
TOUCH_EVERY = dt.timedelta(minutes=1)
COOKIE_KEY = "session_token"


@dataclass(frozen=True)
class SessionLimits:
    idle: dt.timedelta
    absolute: dt.timedelta


def token_digest(token: str) -> str:
    # Only the hash is stored: a copy of the table opens no session (the API tokens use it too).
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def start_session(session: Session, user: User, now: dt.datetime) -> str:
    """A new session of ``user``; returns its token (for the cookie, never stored)."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(user_id=user.id, token_hash=token_digest(token), created_at=now, last_seen_at=now))
    return token


def resume_session(session: Session, token: str, now: dt.datetime, limits: SessionLimits) -> User | None:
    """The user of a session still in force (and note that it was used), else None."""
    row = session.exec(select(UserSession).where(UserSession.token_hash == token_digest(token))).first()
    if row is None or row.ended_at is not None:
        return None
    last_seen = _aware(row.last_seen_at)
    if now - _aware(row.created_at) >= limits.absolute or now - last_seen >= limits.idle:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.is_active:
        return None
    if now - last_seen >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return user


def end_session(session: Session, token: str, user: User, now: dt.datetime) -> None:
    """Logout: this session ends on the server, whatever copy of its cookie exists."""
    table = UserSession.__table__
    session.execute(sa.update(table).where(table.c.token_hash == token_digest(token), table.c.ended_at.is_(None))
                    .values(ended_at=now, end_reason="logout"))
    record_event(session, actor=user.username, action="auth.logout", object_type="user", object_id=user.id,
                 data={}, now=now)


def end_user_sessions(session: Session, user_id: int, now: dt.datetime, reason: str) -> int:
    """End every open session of an account (disabled, password changed); returns how many."""
    table = UserSession.__table__
    result = session.execute(sa.update(table).where(table.c.user_id == user_id, table.c.ended_at.is_(None))
                             .values(ended_at=now, end_reason=reason))
    return result.rowcount
