"""Accounts: creating and disabling users, and logging in with throttling and lock-out.

Passwords are hashed with scrypt (Werkzeug's default). After ``MAX_FAILURES`` wrong passwords in
a row an account is locked for ``LOCK_PERIOD``; time comes from the caller's ``now`` so tests use
a fixed clock. Every outcome is an audit event in the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from credit.accounts.authz import is_bound_to_subject
from credit.accounts.models import ROLES, User
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import to_local
from credit.errors import Conflict, InvalidInput, NotAllowed, NotFound

MAX_FAILURES = 5
LOCK_PERIOD = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@cache
def _decoy_hash() -> str:
    # Checked against when the username is unknown, so a miss costs as much time as a wrong password.
    return hash_password("decoy-password")


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; stored values are UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def check_password_policy(password: str) -> None:
    """InvalidInput (field ``password``) for a password the policy refuses."""
    # TODO(lead): the secure branch's policy (length and zxcvbn, ``check_password``) replaces this length check.
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD_LENGTH} 位", f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
                           "password")


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    actor: Actor,
    now: dt.datetime,
    *,
    subject_id: int | None = None,
    display_name: str = "",
) -> User:
    username = (username or "").strip()
    if not username:
        raise InvalidInput("用户名不能为空", "username is required", "username")
    if role not in ROLES:
        raise InvalidInput(f"未知角色 {role!r}，可选：{'、'.join(ROLES)}",
                           f"unknown role {role!r}; one of {', '.join(ROLES)}", "role")
    if is_bound_to_subject(role) and subject_id is None:
        raise InvalidInput("企业用户须绑定一个主体", "a firm user must be bound to a subject", "subject")
    if not is_bound_to_subject(role) and subject_id is not None:
        raise InvalidInput("只有企业用户可以绑定主体", "only firm users are bound to a subject", "subject")
    check_password_policy(password)
    if find_user(session, username) is not None:
        raise Conflict(f"用户名 {username} 已存在", f"username {username} already exists", "username")
    user = User(username=username, display_name=display_name, password_hash=hash_password(password), role=role,
                subject_id=subject_id, created_at=now)
    session.add(user)
    session.flush()
    record_event(session, actor=actor.name, action="user.create", object_type="user", object_id=user.id,
                 data={"username": username, "role": role, "subject_id": subject_id}, now=now)
    return user


def disable_user(session: Session, username: str, actor: Actor, now: dt.datetime) -> User:
    user = find_user(session, username)
    if user is None:
        raise NotFound(f"用户 {username} 不存在", f"no user {username}", "username")
    if user.is_active:
        user.is_active = False
        session.add(user)
        record_event(session, actor=actor.name, action="user.disable", object_type="user", object_id=user.id,
                     data={"username": username}, now=now)
    return user


class LoginRefused(NotAllowed):
    status = 401


def authenticate(session: Session, username: str, password: str, now: dt.datetime) -> User:
    """The user whose password matches, or LoginRefused; the caller commits either way (audit)."""
    user = find_user(session, (username or "").strip())
    if user is None or not user.is_active:
        check_password_hash(_decoy_hash(), password or "")
        record_event(session, actor=username or "-", action="auth.login_failed", object_type="user",
                     object_id=username or "-", data={"reason": "unknown or disabled user"}, now=now)
        raise LoginRefused("用户名或密码错误", "wrong username or password")
    if user.locked_until is not None and _aware(user.locked_until) > now:
        record_event(session, actor=user.username, action="auth.login_refused_locked", object_type="user",
                     object_id=user.id, data={}, now=now)
        raise _locked(user)
    if not check_password_hash(user.password_hash, password or ""):
        # Counted in the database, not from the value read: parallel wrong passwords all count.
        table = User.__table__
        failures = session.execute(sa.update(table).where(table.c.id == user.id)
                                   .values(failed_logins=table.c.failed_logins + 1)
                                   .returning(table.c.failed_logins)).scalar_one()
        set_committed_value(user, "failed_logins", failures)
        locked = failures >= MAX_FAILURES
        if locked:
            user.locked_until = now + LOCK_PERIOD
            user.failed_logins = 0
        session.add(user)
        record_event(session, actor=user.username, action="auth.lockout" if locked else "auth.login_failed",
                     object_type="user", object_id=user.id, data={"failures": MAX_FAILURES if locked else failures},
                     now=now)
        if locked:
            raise _locked(user)
        raise LoginRefused("用户名或密码错误", "wrong username or password")
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    record_event(session, actor=user.username, action="auth.login", object_type="user", object_id=user.id,
                 data={}, now=now)
    return user


def _locked(user: User) -> LoginRefused:
    until = to_local(user.locked_until).strftime("%H:%M")
    return LoginRefused(f"连续登录失败次数过多，账号已锁定至 {until}（北京时间）",
                        f"too many failed logins: the account is locked until {until} (Beijing time)")


def record_logout(session: Session, user: User, now: dt.datetime) -> None:
    record_event(session, actor=user.username, action="auth.logout", object_type="user", object_id=user.id,
                 data={}, now=now)


# -- administration of one account (the admin's user pages and `credit users`) ---------------------


def end_sessions(session: Session, user: User, actor: Actor, now: dt.datetime) -> None:
    """End every session of ``user`` at once: a cookie of an older session generation is refused
    on its next request (``credit.users.views``)."""
    table = User.__table__
    generation = session.execute(sa.update(table).where(table.c.id == user.id)
                                 .values(session_generation=table.c.session_generation + 1)
                                 .returning(table.c.session_generation)).scalar_one()
    set_committed_value(user, "session_generation", generation)
    record_event(session, actor=actor.name, action="user.end_sessions", object_type="user", object_id=user.id,
                 data={"username": user.username}, now=now)


def unlock(session: Session, user: User, actor: Actor, now: dt.datetime) -> None:
    """Lift a lock-out and forget the wrong passwords counted so far."""
    was = user.locked_until
    user.failed_logins, user.locked_until = 0, None
    session.add(user)
    record_event(session, actor=actor.name, action="user.unlock", object_type="user", object_id=user.id,
                 data={"username": user.username, "locked_until": _aware(was) if was else None}, now=now)
