"""Firm accounts opened with a one-time activation code (issued by staff, printed on grade notices).

A code belongs to one subject, expires after ``CODE_DAYS`` and works once: it is spent by a
conditional UPDATE, so of two activations with the same code exactly one wins. Only its SHA-256 is
stored. ``MAX_FAILURES`` wrong codes in a row for one USCC lock activation for that USCC for
``LOCK_PERIOD``, counted in the database (parallel guesses all count). The caller commits the
failure count even though the activation is refused (the view does, as for a wrong password).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from credit.accounts.models import FIRM, User
from credit.activation.models import ActivationCode, ActivationThrottle
from credit.accounts.services import _aware, create_user
from credit.audit.actor import Actor
from credit.audit.services import record_event
from credit.clock import to_local
from credit.errors import InvalidInput, NotAllowed
from credit.subjects.models import Subject
from credit.subjects.services import find_by_uscc, validate_uscc

CODE_DAYS = 30  # [baseline]
MAX_FAILURES = 5
LOCK_PERIOD = dt.timedelta(minutes=15)
# As the notices' verification codes: no 0/O, 1/I/L, read from paper and typed by hand.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 12


class ActivationRefused(InvalidInput):
    """A wrong, used or expired code, or a USCC locked for now: the caller commits the count."""


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalise(text: str) -> str:
    """The code as stored, from what was typed (any case, with or without dashes and spaces)."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -")


def format_code(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def issue_code(session: Session, subject: Subject, actor: Actor, now: dt.datetime) -> tuple[ActivationCode, str]:
    """A new code for ``subject``: the row and the plain code (formatted XXXX-XXXX-XXXX), shown once."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    row = ActivationCode(subject_id=subject.id, code_hash=_hash(code), issued_at=now, issued_by=actor.name,
                         expires_at=now + dt.timedelta(days=CODE_DAYS))
    session.add(row)
    session.flush()
    record_event(session, actor=actor.name, action="activation.issue", object_type="subject", object_id=subject.id,
                 data={"code_id": row.id, "expires_at": row.expires_at}, now=now)
    return row, format_code(code)


def has_firm_account(session: Session, subject_id: int) -> bool:
    # Only firm accounts are bound to a subject (create_user).
    return session.exec(select(User.id).where(User.subject_id == subject_id, User.is_active)
                        .limit(1)).first() is not None


def _insert(session: Session):
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(
        ActivationThrottle.__table__)


def _locked_until(session: Session, uscc: str, now: dt.datetime) -> dt.datetime | None:
    table = ActivationThrottle.__table__
    until = session.execute(select(table.c.locked_until).where(table.c.uscc == uscc)).scalar()
    return _aware(until) if until is not None and _aware(until) > now else None


def _count_failure(session: Session, uscc: str, now: dt.datetime) -> dt.datetime | None:
    """Count a wrong code in one statement; returns the end of the lock it led to, if any."""
    table = ActivationThrottle.__table__
    failures = session.execute(
        _insert(session).values(uscc=uscc, failures=1)
        .on_conflict_do_update(index_elements=[table.c.uscc], set_={"failures": table.c.failures + 1})
        .returning(table.c.failures)).scalar_one()
    if failures < MAX_FAILURES:
        return None
    until = now + LOCK_PERIOD
    session.execute(sa.update(table).where(table.c.uscc == uscc).values(failures=0, locked_until=until))
    return until


def _locked(until: dt.datetime) -> ActivationRefused:
    at = to_local(until).strftime("%H:%M")
    return ActivationRefused(f"激活码错误次数过多，该统一社会信用代码的账号激活已锁定至 {at}（北京时间），请稍后再试",
                             f"too many wrong codes: activation for this USCC is locked until {at} (Beijing time)",
                             "code")


def activate(session: Session, uscc: str, code: str, username: str, password: str, now: dt.datetime) -> User:
    """Open a firm account bound to the subject of ``uscc`` with a valid, unused code."""
    uscc = validate_uscc(uscc)
    until = _locked_until(session, uscc, now)
    if until is not None:
        record_event(session, actor=uscc, action="activation.refused_locked", object_type="subject", object_id=uscc,
                     data={}, now=now)
        raise _locked(until)
    subject = find_by_uscc(session, uscc)
    table = ActivationCode.__table__
    row = None
    if subject is not None:
        row = session.execute(select(table.c.id).where(
            table.c.subject_id == subject.id, table.c.code_hash == _hash(normalise(code)),
            table.c.used_at.is_(None), table.c.expires_at > now)).first()
    if row is None:
        until = _count_failure(session, uscc, now)
        record_event(session, actor=uscc, action="activation.lockout" if until else "activation.failed",
                     object_type="subject", object_id=uscc, data={}, now=now)
        if until is not None:
            raise _locked(until)
        # One answer for an unknown USCC, a wrong, used or expired code: nothing to learn from it.
        raise ActivationRefused("统一社会信用代码或激活码错误，或激活码已使用、已过期",
                                "wrong USCC or code, or the code was used or has expired", "code")
    user = create_user(session, username, password, FIRM, Actor(None, uscc), now, subject_id=subject.id,
                       display_name=subject.name)
    spent = session.execute(sa.update(table).where(table.c.id == row.id, table.c.used_at.is_(None))
                            .values(used_at=now, used_by_id=user.id)).rowcount
    if spent != 1:  # another activation spent it first: the caller rolls back this user
        raise NotAllowed("该激活码已被使用", "the code has just been used", "code")
    session.execute(sa.update(ActivationThrottle.__table__).where(ActivationThrottle.__table__.c.uscc == uscc)
                    .values(failures=0))
    record_event(session, actor=user.username, action="activation.use", object_type="subject",
                 object_id=subject.id, data={"code_id": row.id, "user_id": user.id}, now=now)
    return user
