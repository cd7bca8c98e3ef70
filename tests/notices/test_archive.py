"""The archive: one notice per event, numbers without gaps, codes that verify, files by SHA-256."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.clock import LOCAL_TZ
from credit.notices import services
from credit.notices.models import Notice
from tests.notices import pdfcheck
from tests.notices.samples import SAMPLES

STAFF = Actor(None, "test-reviewer")


def issue(session, settings, kind: str, key: str, now: dt.datetime):
    return services.issue(session, settings, SAMPLES[kind][0], event_key=key, subject_id=None, actor=STAFF, now=now)


def test_an_event_issues_one_notice_stored_once_by_hash(session, settings, clock):
    first, new = issue(session, settings, "grade_change", "grade-change:1:2026-11-25", clock.now())
    again, new_again = issue(session, settings, "grade_change", "grade-change:1:2026-11-25", clock.now())
    session.commit()

    assert (new, new_again) == (True, False) and again.id == first.id
    assert session.exec(select(Notice)).all() == [first]
    content = settings.files.path(first.sha256).read_bytes()
    assert hashlib.sha256(content).hexdigest() == first.sha256 and len(content) == first.size
    text = pdfcheck.text(content)
    assert first.document_no in text and services.normalise_code(first.verification_code) in text.replace("-", "")
    assert first.issued_on == dt.date(2026, 11, 26) and first.recipient == SAMPLES["grade_change"][0].subject.name
    audit = session.exec(select(AuditEvent).where(AuditEvent.action == "notice.issue")).one()
    assert audit.object_id == str(first.id) and first.sha256 in audit.data


def test_numbers_run_per_kind_and_year_without_gaps(session, settings, clock):
    numbers = [issue(session, settings, "grade_change", f"g{i}", clock.now())[0].document_no for i in range(3)]
    report = issue(session, settings, "credit_report", "r1", clock.now())[0].document_no
    new_year = dt.datetime(2027, 1, 1, 0, 30, tzinfo=LOCAL_TZ)  # still 2026 in UTC
    next_year = issue(session, settings, "grade_change", "g-next", new_year)[0].document_no
    session.commit()

    # GB/T 9704-2012: the year in 〔〕, no 第, no leading zeros.
    assert numbers == ["淮知信告〔2026〕1号", "淮知信告〔2026〕2号", "淮知信告〔2026〕3号"]
    assert report == "淮知信报〔2026〕1号"
    assert next_year == "淮知信告〔2027〕1号"


def test_a_rolled_back_notice_leaves_no_number_and_no_file(session, settings, clock):
    notice, _ = issue(session, settings, "grade_change", "g1", clock.now())
    path = settings.files.path(notice.sha256)
    assert path.exists()
    session.rollback()

    assert not path.exists()
    assert session.exec(select(Notice)).all() == []
    assert issue(session, settings, "grade_change", "g2", clock.now())[0].document_no == "淮知信告〔2026〕1号"


def test_codes_are_long_clear_and_unguessable(session, settings, clock):
    codes = {issue(session, settings, "grade_change", f"g{i}", clock.now())[0].verification_code for i in range(20)}
    assert len(codes) == 20
    assert all(len(c) == 12 and set(c) <= set(services.CODE_ALPHABET) for c in codes)
    assert not set("01OIL") & set(services.CODE_ALPHABET)


def test_find_by_code_accepts_what_people_type_and_rejects_the_rest(session, settings, clock):
    notice, _ = issue(session, settings, "grade_change", "g1", clock.now())
    session.commit()
    code = notice.verification_code
    typed = f" {code[:4].lower()}-{code[4:8]}-{code[8:]} "

    assert services.find_by_code(session, typed).id == notice.id
    for wrong in ("", "ABC", code[:-1], code + "A", code[:-1] + "0", "'; DROP TABLE notice; --", "2" * 12):
        assert services.find_by_code(session, wrong) is None, wrong


@pytest.mark.parametrize("criteria, expected", [
    (services.NoticeFilter(), 3),
    (services.NoticeFilter(kind="credit_report"), 1),
    (services.NoticeFilter(text="淮河专利"), 3),
    (services.NoticeFilter(text="淮知信告〔2026〕2号"), 1),
    (services.NoticeFilter(issued_from=dt.date(2026, 11, 27)), 0),
])
def test_search(session, settings, clock, criteria, expected):
    for key in ("g1", "g2"):
        issue(session, settings, "grade_change", key, clock.now())
    issue(session, settings, "credit_report", "r1", clock.now())
    session.commit()
    page = services.search(session, criteria)
    assert page.total == expected == len(page.items)
