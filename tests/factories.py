"""Factories that make each test a few lines of set-up (CTFd style)."""
from __future__ import annotations

import datetime as dt
import functools
import itertools

import pytest

from credit.accounts.models import User
from credit.accounts.services import hash_password
from credit.accounts.sessions import COOKIE_KEY, start_session
from credit.audit.actor import Actor
from credit.context import current, db
from credit.dates import add_years
from credit.listing.models import ListEntry
from credit.subjects.models import Subject
from credit.subjects.services import SubjectInput, create_subject, synthetic_uscc
from credit.records.models import Record

_serial = itertools.count(1)
INSPECTOR = Actor(None, "test-inspector")


@pytest.fixture
def make_subject(session, clock):
    def make(kind: str = "patent_agency", name: str | None = None, district: str = "340403", **extra) -> Subject:
        serial = next(_serial)
        data = SubjectInput(
            uscc=extra.pop("uscc", synthetic_uscc(serial, district)),
            name=name or f"测试{kind}{serial}",
            kind=kind,
            district=district,
            legal_representative=extra.pop("legal_representative", "张三"),
            **extra,
        )
        subject = create_subject(session, data, INSPECTOR, clock.now())
        session.commit()
        return subject

    return make


@pytest.fixture
def make_record(session, clock):
    """A record written straight to the table in a given status (the life cycle is tested elsewhere)."""

    def make(subject: Subject, rule_code: str, decision_date: dt.date, status: str = "confirmed",
             repaired_on: dt.date | None = None, category: str = "patent") -> Record:
        record = Record(
            subject_id=subject.id, rule_code=rule_code, category=category, decision_date=decision_date,
            status=status, repaired_on=repaired_on, document_no=f"淮市监罚〔{decision_date.year}〕{next(_serial)}号",
            authority="淮南市市场监督管理局", created_at=clock.now(), updated_at=clock.now(),
        )
        session.add(record)
        session.commit()
        return record

    return make


@pytest.fixture
def make_entry(session):
    """A list entry decided here on ``listed_on``, written straight to the table (the procedure is
    tested in tests/listing), published a week later unless ``published`` is False."""

    def make(subject: Subject, listed_on: dt.date, published: bool = True) -> ListEntry:
        serial = next(_serial)
        entry = ListEntry(
            id=f"SD-{listed_on.year}-{serial:06d}", subject_id=subject.id, status="listed",
            reason="故意侵犯知识产权，受到较重行政处罚。", legal_basis="《市场监督管理严重违法失信名单管理办法》第九条",
            authority="淮南市市场监督管理局（知识产权局）", decision_no=f"淮知失列〔{listed_on.year}〕{serial}号", listed_on=listed_on,
            planned_removal_on=add_years(listed_on, 3), source="local",
            first_published_on=listed_on + dt.timedelta(days=7) if published else None,
        )
        session.add(entry)
        session.commit()
        return entry

    return make


@functools.cache
def cached_password_hash(password: str = "demo-password") -> str:
    """scrypt is slow on purpose; tests hash each password once."""
    return hash_password(password)


@pytest.fixture
def make_user(session, clock, make_subject):
    """A user of ``role`` with password ``demo-password``; a firm user gets its own subject unless given one."""

    def make(role: str = "inspector", username: str | None = None, **extra) -> User:
        if role == "firm" and "subject_id" not in extra:
            extra["subject_id"] = make_subject(kind="firm").id
        extra.setdefault("password_hash", cached_password_hash())
        user = User(username=username or f"{role}{next(_serial)}", role=role, created_at=clock.now(), **extra)
        session.add(user)
        session.commit()
        return user

    return make


def sign_in(client, user: User) -> None:
    """Give a test client a session of ``user`` as a login would, without the password check (needs
    the app context of the ``session`` fixture). A cookie naming a user alone opens nothing."""
    token = start_session(db(), user, current().clock.now())
    db().commit()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(user.id)
        sess["_fresh"] = True
        sess[COOKIE_KEY] = token


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user of ``role`` (no password check)."""

    def login(role: str, **extra) -> User:
        user = make_user(role, **extra)
        sign_in(client, user)
        return user

    return login
