"""User administration (admins): find, create staff, change role, disable and enable, reset a
password. Ending sessions and unlocking are ``credit.accounts.services.end_sessions`` / ``unlock_user``.
Every change is an audit event; nothing is deleted."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select
from werkzeug.security import check_password_hash

from credit.accounts.authz import STAFF, is_bound_to_subject
from credit.accounts.models import User
from credit.accounts.services import check_password, create_user, end_sessions, hash_password, locked_users
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.errors import InvalidInput, NotAllowed
from credit.paging import Page, paginate
from credit.search import contains
from credit.subjects.models import Subject


@dataclass(frozen=True)
class UserRow:
    user: User
    subject: Subject | None
    locked: bool

    def as_dict(self) -> dict:
        """The row as ``credit users list --format json`` prints it."""
        user = self.user
        return {"username": user.username, "display_name": user.display_name, "role": user.role,
                "subject_uscc": self.subject.uscc if self.subject else None, "active": user.is_active,
                "locked": self.locked, "must_change_password": user.must_change_password,
                "created_at": user.created_at.isoformat()}

    @property
    def staff(self) -> bool:
        return not is_bound_to_subject(self.user.role)


def _users(text: str):
    query = select(User, Subject).outerjoin(Subject, Subject.id == User.subject_id)
    text = (text or "").strip()[:100]
    if text:
        query = query.where(sa.or_(contains(User.username, text, "q"), contains(User.display_name, text, "q")))
    return query.order_by(User.username)


def _locked_ids(session: Session, now: dt.datetime) -> set[int]:
    return {user.id for user, _until in locked_users(session, now)}


def search_users(session: Session, now: dt.datetime, text: str = "", page: int = 1,
                 per_page: int = 50) -> Page[UserRow]:
    """One page of the users whose username or display name contains ``text``, by username."""
    found, locked = paginate(session, _users(text), page, per_page), _locked_ids(session, now)
    return Page([UserRow(u, s, u.id in locked) for u, s in found.items], found.number, found.per_page, found.total)


def all_users(session: Session, now: dt.datetime, text: str = "") -> list[UserRow]:
    locked = _locked_ids(session, now)
    return [UserRow(u, s, u.id in locked) for u, s in session.exec(_users(text))]


def create_staff(session: Session, username: str, display_name: str, role: str, password: str, actor: Actor,
                 now: dt.datetime) -> User:
    """A staff account with a first password that its owner must change at the first login."""
    if role not in STAFF:
        raise InvalidInput("此处只能创建工作人员账号；企业账号通过激活码开通", "only staff accounts are created here; "
                           "firms open theirs with an activation code", "role")
    user = create_user(session, username, password, role, actor, now, display_name=(display_name or "").strip())
    user.must_change_password = True
    session.add(user)
    return user


def change_role(session: Session, user: User, role: str, actor: Actor, now: dt.datetime) -> User:
    if role not in STAFF or is_bound_to_subject(user.role):
        raise InvalidInput("只能在工作人员角色之间调整", "a role changes only between staff roles", "role")
    if user.id == actor.user_id:
        raise NotAllowed("不能修改自己的角色", "you cannot change your own role", "role")
    if role != user.role:
        previous, user.role = user.role, role
        session.add(user)
        record_event(session, actor=actor.name, action="user.role", object_type="user", object_id=user.id,
                     data={"username": user.username, "from": previous, "to": role}, now=now)
    return user


def set_active(session: Session, user: User, active: bool, actor: Actor, now: dt.datetime) -> User:
    """Disable (its sessions end at once) or enable an account."""
    if not active and user.id == actor.user_id:
        raise NotAllowed("不能停用自己的账号", "you cannot disable your own account")
    if user.is_active != active:
        user.is_active = active
        session.add(user)
        record_event(session, actor=actor.name, action="user.enable" if active else "user.disable",
                     object_type="user", object_id=user.id, data={"username": user.username}, now=now)
        if not active:
            end_sessions(session, user, actor, now)
    return user


def reset_password(session: Session, user: User, password: str, actor: Actor, now: dt.datetime) -> User:
    """A temporary password the user must replace at the next login; open sessions end."""
    check_password(password, username=user.username, display_name=user.display_name)
    user.password_hash, user.must_change_password = hash_password(password), True
    session.add(user)
    record_event(session, actor=actor.name, action="user.reset_password", object_type="user", object_id=user.id,
                 data={"username": user.username}, now=now)
    end_sessions(session, user, actor, now)
    return user


def change_own_password(session: Session, user: User, current: str, new: str, now: dt.datetime) -> User:
    if not check_password_hash(user.password_hash, current or ""):
        raise InvalidInput("当前密码不正确", "the current password is wrong", "current")
    if current == new:
        raise InvalidInput("新密码不能与当前密码相同", "the new password must differ from the current one", "password")
    check_password(new, username=user.username, display_name=user.display_name)
    user.password_hash, user.must_change_password = hash_password(new), False
    session.add(user)
    record_event(session, actor=user.username, action="user.change_password", object_type="user", object_id=user.id,
                 data={}, now=now)
    return user
