"""Accounts: users, their passwords, logging in with lock-out, and unlocking.

Passwords are hashed with scrypt (Werkzeug's default) and must pass ``check_password``. After
``MAX_FAILURES`` wrong passwords in a row a username is locked for ``LOCK_PERIOD``, whether an
account has that name or not, so that the answers never tell which names exist. Every decision
about a guess is one atomic statement on the name's ``LoginThrottle`` row, so guesses sent
together are counted one by one. Time comes from the caller's ``now`` so tests use a fixed clock.
Every outcome is an audit event in the caller's transaction.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from functools import cache

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from credit.accounts import common_zh
from credit.accounts.authz import is_bound_to_subject
from credit.accounts.models import ROLES, LoginThrottle, User
from credit.accounts.sessions import end_user_sessions
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import to_local
from credit.errors import Conflict, InvalidInput, NotAllowed, NotFound

MAX_FAILURES = 5
LOCK_PERIOD = dt.timedelta(minutes=15)
# Lower-case letters, digits and . _ - (no markup, no look-alike capitals), as in URLs and logs.
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD_LENGTH = 8
# zxcvbn takes up to a second on 64 random characters, and longer beyond: enough for a passphrase.
MAX_PASSWORD_LENGTH = 64
# zxcvbn's score 2: at least 10^6 guesses (its lists of common passwords, words and names, l33t,
# repeats, keyboard rows and sequences). With the lock-out that is years of online guessing.
MIN_PASSWORD_SCORE = 2
_zxcvbn_lock = threading.Lock()  # zxcvbn keeps the user's own words in a module-level dictionary


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


@cache
def _decoy_hash() -> str:
    # Checked against when the username is unknown, so a miss costs as much time as a wrong password.
    return hash_password("decoy-password")


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; stored values are UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def check_username(username: str) -> str:
    """The username, stripped, or InvalidInput."""
    name = (username or "").strip()
    if not name:
        raise InvalidInput("用户名不能为空", "username is required", "username")
    if not USERNAME_PATTERN.fullmatch(name):
        raise InvalidInput("用户名须为 2 至 64 位小写字母、数字或 . _ -，并以字母或数字开头",
                           "a username is 2 to 64 lower-case letters, digits, '.', '_' or '-', "
                           "starting with a letter or a digit", "username")
    return name


def check_password(password: str, *, username: str, display_name: str = "") -> None:
    """The password policy: a length (spaces around it do not count) and not easy to guess."""
    password = password or ""
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符（首尾空格不计）",
                           f"the password needs at least {MIN_PASSWORD_LENGTH} characters "
                           "(spaces around it do not count)", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(f"密码至多 {MAX_PASSWORD_LENGTH} 个字符",
                           f"the password has at most {MAX_PASSWORD_LENGTH} characters", "password")
    with _zxcvbn_lock:
        score = zxcvbn(password, user_inputs=[username, display_name, *common_zh.WORDS],
                       max_length=MAX_PASSWORD_LENGTH)["score"]
    if score < MIN_PASSWORD_SCORE:
        raise InvalidInput("密码过于常见或容易猜到（常用密码、单词或姓名、用户名、重复字符、键盘或数字序列），请换一个更长、更少见的密码",
                           "the password is too common or too easy to guess (a common password, a word or name, the "
                           "username, a repeat, a keyboard or number sequence): choose a longer, less usual one",
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
    username = check_username(username)
    if role not in ROLES:
        raise InvalidInput(f"未知角色 {role!r}，可选：{'、'.join(ROLES)}",
                           f"unknown role {role!r}; one of {', '.join(ROLES)}", "role")
    if is_bound_to_subject(role) and subject_id is None:
        raise InvalidInput("企业用户须绑定一个主体", "a firm user must be bound to a subject", "subject")
    if not is_bound_to_subject(role) and subject_id is not None:
        raise InvalidInput("只有企业用户可以绑定主体", "only firm users are bound to a subject", "subject")
    check_password(password, username=username, display_name=display_name)
    if find_user(session, username) is not None:
        raise Conflict(f"用户名 {username} 已存在", f"username {username} already exists", "username")
    user = User(username=username, display_name=display_name, password_hash=hash_password(password), role=role,
                subject_id=subject_id, created_at=now)
    session.add(user)
    session.flush()
    record_event(session, actor=actor.name, action="user.create", object_type="user", object_id=user.id,
                 data={"username": username, "role": role, "subject_id": subject_id}, now=now)
    return user


def _existing(session: Session, username: str) -> User:
    user = find_user(session, (username or "").strip())
    if user is None:
        raise NotFound(f"用户 {username} 不存在", f"no user {username}", "username")
    return user


def disable_user(session: Session, username: str, actor: Actor, now: dt.datetime) -> User:
    """Disable an account and end its sessions at once."""
    user = _existing(session, username)
    if user.is_active:
        user.is_active = False
        session.add(user)
        end_user_sessions(session, user.id, now, "disabled")
        record_event(session, actor=actor.name, action="user.disable", object_type="user", object_id=user.id,
                     data={"username": user.username}, now=now)
    return user


def set_password(session: Session, username: str, password: str, actor: Actor, now: dt.datetime) -> User:
    """A new password (held to the policy); every session of the account ends."""
    user = _existing(session, username)
    check_password(password, username=user.username, display_name=user.display_name)
    user.password_hash = hash_password(password)
    session.add(user)
    ended = end_user_sessions(session, user.id, now, "password")
    record_event(session, actor=actor.name, action="user.password", object_type="user", object_id=user.id,
                 data={"username": user.username, "sessions_ended": ended}, now=now)
    return user


def unlock_user(session: Session, username: str, actor: Actor, now: dt.datetime) -> bool:
    """Lift a lock-out and forget the wrong passwords counted; False when there was nothing to lift."""
    user = _existing(session, username)
    table = LoginThrottle.__table__
    row = session.execute(select(table.c.failures, table.c.locked_until)
                          .where(table.c.username == user.username)).first()
    if row is None or (row.failures == 0 and row.locked_until is None):
        return False
    session.execute(sa.update(table).where(table.c.username == user.username).values(failures=0, locked_until=None))
    until = _aware(row.locked_until) if row.locked_until else None
    record_event(session, actor=actor.name, action="user.unlock", object_type="user", object_id=user.id,
                 data={"username": user.username, "failures": row.failures,
                       "locked_until": until if until and until > now else None}, now=now)
    return True


def locked_users(session: Session, now: dt.datetime) -> list[tuple[User, dt.datetime]]:
    """Accounts locked out now, with the end of their lock, soonest first."""
    rows = session.exec(select(User, LoginThrottle.locked_until)
                        .join(LoginThrottle, LoginThrottle.username == User.username)
                        .where(LoginThrottle.locked_until > now).order_by(LoginThrottle.locked_until, User.username))
    return [(user, _aware(until)) for user, until in rows]


class LoginRefused(NotAllowed):
    status = 401


WRONG_LOGIN = ("用户名或密码错误", "wrong username or password")


def _locked(until: dt.datetime) -> LoginRefused:
    until = to_local(until).strftime("%H:%M")
    return LoginRefused(f"连续登录失败次数过多，账号已锁定至 {until}（北京时间）",
                        f"too many failed logins: the account is locked until {until} (Beijing time)")


def _upsert(session: Session):
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(LoginThrottle.__table__)


def _open(now: dt.datetime):
    """The name is not locked now (never was, or the lock has run out)."""
    table = LoginThrottle.__table__
    return sa.or_(table.c.locked_until.is_(None), table.c.locked_until <= now)


def locked_until(session: Session, name: str, now: dt.datetime) -> dt.datetime | None:
    """When the lock on ``name`` ends, or None when it is not locked now."""
    table = LoginThrottle.__table__
    until = session.execute(select(table.c.locked_until).where(table.c.username == name)).scalar()
    return _aware(until) if until is not None and _aware(until) > now else None


def _count_failure(session: Session, name: str, now: dt.datetime) -> tuple[int, dt.datetime | None] | None:
    """Count a wrong password unless the name is locked (None then); the failure that reaches
    MAX_FAILURES locks it in the same statement. Returns (failures in a row, locked until)."""
    table = LoginThrottle.__table__
    # A run-out lock starts the count again.
    failures = sa.case((table.c.locked_until.is_not(None), 1), else_=table.c.failures + 1)
    upsert = _upsert(session).values(username=name, failures=1, locked_until=None)
    statement = upsert.on_conflict_do_update(
        index_elements=[table.c.username], where=_open(now),
        set_={"failures": failures,
              "locked_until": sa.case((failures >= MAX_FAILURES, now + LOCK_PERIOD), else_=sa.null())},
    ).returning(table.c.failures, table.c.locked_until)
    row = session.execute(statement).first()
    return None if row is None else (row.failures, _aware(row.locked_until) if row.locked_until else None)


def _clear_failures(session: Session, name: str, now: dt.datetime) -> bool:
    """Forget the wrong passwords after a right one, unless the name was locked meanwhile (False)."""
    table = LoginThrottle.__table__
    statement = _upsert(session).values(username=name, failures=0, locked_until=None)
    statement = statement.on_conflict_do_update(index_elements=[table.c.username], where=_open(now),
                                                set_={"failures": 0, "locked_until": None})
    return session.execute(statement.returning(table.c.username)).first() is not None


def authenticate(session: Session, username: str, password: str, now: dt.datetime) -> User:
    """The user whose password matches, or LoginRefused; the caller commits either way (audit).

    The password is checked outside any lock; what it decides is then written in one statement
    that also checks the lock, so a lock recorded by a guess sent at the same time still holds.
    """
    name = (username or "").strip()
    countable = USERNAME_PATTERN.fullmatch(name) is not None  # no account can have another name
    user = find_user(session, name) if countable else None
    if user is not None and not user.is_active:
        user = None
    object_id = user.id if user else (name[:64] or "-")

    def refused(action: str, data: dict, err: LoginRefused) -> LoginRefused:
        record_event(session, actor=name[:64] or "-", action=action, object_type="user", object_id=object_id,
                     data=data, now=now)
        return err

    if countable and (until := locked_until(session, name, now)):  # a locked name costs no hashing
        raise refused("auth.login_refused_locked", {}, _locked(until))
    right = check_password_hash(user.password_hash if user else _decoy_hash(), password or "") and user is not None
    if not countable:
        raise refused("auth.login_failed", {"reason": "not a username"}, LoginRefused(*WRONG_LOGIN))
    if right and _clear_failures(session, name, now):
        record_event(session, actor=user.username, action="auth.login", object_type="user", object_id=user.id,
                     data={}, now=now)
        return user
    counted = None if right else _count_failure(session, name, now)
    if counted is None:  # locked by another guess while this one was checked
        raise refused("auth.login_refused_locked", {}, _locked(locked_until(session, name, now) or now + LOCK_PERIOD))
    failures, until = counted
    data = {"failures": failures} if user else {"failures": failures, "reason": "unknown or disabled user"}
    if until is not None:
        raise refused("auth.lockout", data, _locked(until))
    raise refused("auth.login_failed", data, LoginRefused(*WRONG_LOGIN))


def end_sessions(session: Session, user: User, actor: Actor, now: dt.datetime) -> int:
    """End every session of ``user`` at once (an admin's action); returns how many were open."""
    ended = end_user_sessions(session, user.id, now, "administrator")
    record_event(session, actor=actor.name, action="user.end_sessions", object_type="user", object_id=user.id,
                 data={"username": user.username, "sessions_ended": ended}, now=now)
    return ended
