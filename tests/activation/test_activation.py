"""Activation codes: single use, expiring after 30 days, locked for 15 minutes after five wrong
codes for one USCC; printed on grade notices for a subject without a firm account."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from credit.accounts.models import User
from credit.activation.services import ActivationRefused, activate, issue_code
from credit.audit.actor import Actor
from credit.audit.models import AuditEvent
from credit.notices import triggers
from credit.notices.services import NoticeSettings
from credit.scoring.services import reassess

STAFF = Actor(None, "inspector-x")


@pytest.fixture
def subject(make_subject):
    return make_subject(kind="firm", name="淮南激活测试有限公司")


def test_a_code_opens_one_firm_account_bound_to_its_subject_once(session, clock, subject):
    row, code = issue_code(session, subject, STAFF, clock.now())
    assert len(code) == 14 and code.count("-") == 2 and row.code_hash != code.replace("-", "")
    user = activate(session, subject.uscc, code.lower(), "jihuo-firm", "a-long-password", clock.now())
    session.commit()
    assert (user.role, user.subject_id, user.display_name) == ("firm", subject.id, subject.name)
    session.refresh(row)
    assert row.used_by_id == user.id and row.used_at is not None
    with pytest.raises(ActivationRefused):  # the second use
        activate(session, subject.uscc, code, "jihuo-firm2", "a-long-password", clock.now())


def test_a_code_expires_after_30_days(session, clock, subject):
    _row, code = issue_code(session, subject, STAFF, clock.now() - dt.timedelta(days=30))
    with pytest.raises(ActivationRefused):
        activate(session, subject.uscc, code, "late-firm", "a-long-password", clock.now())
    _row, code = issue_code(session, subject, STAFF, clock.now() - dt.timedelta(days=29, hours=23))
    assert activate(session, subject.uscc, code, "early-firm", "a-long-password", clock.now()).subject_id == subject.id


def test_a_code_of_another_subject_does_not_open_this_one(session, clock, subject, make_subject):
    other = make_subject(kind="firm")
    _row, code = issue_code(session, other, STAFF, clock.now())
    with pytest.raises(ActivationRefused):
        activate(session, subject.uscc, code, "wrong-firm", "a-long-password", clock.now())


def test_five_wrong_codes_lock_the_uscc_for_15_minutes(session, clock, subject):
    _row, code = issue_code(session, subject, STAFF, clock.now())
    now = clock.now()
    for _attempt in range(5):
        with pytest.raises(ActivationRefused) as refused:
            activate(session, subject.uscc, "WRONG-CODE-0000", "guess", "a-long-password", now)
    assert "锁定" in refused.value.zh  # the fifth locks
    with pytest.raises(ActivationRefused) as locked:  # even the right code, while locked
        activate(session, subject.uscc, code, "right-firm", "a-long-password", now + dt.timedelta(minutes=14))
    assert "锁定" in locked.value.zh
    user = activate(session, subject.uscc, code, "right-firm", "a-long-password", now + dt.timedelta(minutes=15))
    assert user.subject_id == subject.id
    actions = session.exec(select(AuditEvent.action).where(AuditEvent.action.like("activation.%"))).all()
    assert actions.count("activation.failed") == 4 and "activation.lockout" in actions
    assert "activation.refused_locked" in actions and actions[-1] == "activation.use"


def test_activation_through_the_page_counts_a_wrong_code_even_though_it_is_refused(client, session, clock, subject,
                                                                                   post_form):
    _row, code = issue_code(session, subject, STAFF, clock.now())
    session.commit()
    form = {"uscc": subject.uscc, "code": "AAAA-BBBB-CCCC", "username": "page-firm", "password": "a-long-password",
            "confirm": "a-long-password"}
    response = post_form("/activate", form)
    assert response.status_code == 400 and "激活码错误" in response.get_data(as_text=True)
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "activation.failed")).first() is not None
    short = post_form("/activate", {**form, "code": code, "password": "short", "confirm": "short"})
    assert short.status_code == 400 and session.exec(select(User).where(User.username == "page-firm")).first() is None
    response = post_form("/activate", {**form, "code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    login = post_form("/login", {"username": "page-firm", "password": "a-long-password"})
    assert login.headers["Location"] == "/"
    assert client.get("/", follow_redirects=True).request.path == "/firm/"


def test_staff_issue_a_code_from_the_subject_page_and_see_it_once(client, login_as, session, subject, post_form):
    login_as("inspector")
    page = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert "生成激活码" in page and "该主体尚未开通企业账号" in page
    response = post_form(f"/subjects/{subject.id}/activation-code")
    shown = response.get_data(as_text=True)
    code = shown.split('id="activation-code">')[1].split("<")[0]
    assert response.status_code == 200 and activate(session, subject.uscc, code, "issued-firm", "a-long-password",
                                                    dt.datetime(2026, 11, 26, 3, tzinfo=dt.timezone.utc))


def test_a_grade_notice_prints_a_code_for_a_subject_without_a_firm_account(app, session, ctx, clock, subject,
                                                                           make_subject, make_user):
    with_account = make_subject(kind="firm")
    make_user("firm", subject_id=with_account.id)
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[subject.id, with_account.id], reason="test")
    settings = NoticeSettings.from_config(app.config)
    documents = {a.subject_id: triggers.grade_change_notice(session, settings, a, before, triggers._Versions(session),
                                                            clock.now())
                 for a, before in triggers.grade_changes(session, clock.today())}
    assert documents[with_account.id].activation is None
    printed = documents[subject.id].activation
    assert printed.expires_on == dt.date(2026, 12, 26)
    assert any(printed.code in getattr(block, "text", "") for block in documents[subject.id].blocks())
    assert activate(session, subject.uscc, printed.code, "notice-firm", "a-long-password", clock.now())
