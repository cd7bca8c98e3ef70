"""`credit users create|disable|unlock|set-password`, the username and password policy, and the demo accounts."""
from __future__ import annotations

import json

import pytest
from sqlmodel import select
from werkzeug.security import check_password_hash

from credit.accounts.demo import DEMO_PASSWORD, create_demo_users
from credit.accounts.models import User
from credit.accounts.services import MAX_FAILURES, LoginRefused, authenticate, find_user
from credit.audit.models import AuditEvent
from credit.cli import main


def test_create_user_hashes_the_password_with_scrypt(runner, session):
    result = runner.invoke(main, ["users", "create", "wang", "--role", "inspector", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    user = find_user(session, "wang")
    assert user.role == "inspector" and user.password_hash.startswith("scrypt:")
    assert check_password_hash(user.password_hash, "s3cret-pass")
    assert session.exec(select(AuditEvent.action)).all() == ["user.create"]


def test_password_is_prompted_when_not_given(runner, session):
    result = runner.invoke(main, ["users", "create", "li", "--role", "reviewer"], input="long-enough\nlong-enough\n")
    assert result.exit_code == 0, result.output
    assert check_password_hash(find_user(session, "li").password_hash, "long-enough")


def test_bad_input_is_refused_and_nothing_written(runner, session):
    runner.invoke(main, ["users", "create", "wang", "--role", "inspector", "--password", "s3cret-pass"])
    cases = [
        (["wang", "--role", "admin", "--password", "another-pass"], "已存在"),
        (["zhao", "--role", "inspector", "--password", "short"], "密码至少"),
        (["firm-a", "--role", "firm", "--password", "s3cret-pass"], "须绑定一个主体"),
        (["firm-b", "--role", "firm", "--subject-uscc", "91340400MA2N00000X", "--password", "s3cret-pass"], "统一社会信用代码"),
    ]
    for args, message in cases:
        result = runner.invoke(main, ["users", "create", *args])
        assert result.exit_code != 0 and message in result.output, result.output
    session.expire_all()
    assert [u.username for u in session.exec(select(User))] == ["wang"]


def test_firm_user_is_bound_to_the_subject_of_the_uscc(runner, session, make_subject):
    subject = make_subject(kind="firm")
    result = runner.invoke(main, ["users", "create", "firm-a", "--role", "firm", "--subject-uscc", subject.uscc,
                                 "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    assert find_user(session, "firm-a").subject_id == subject.id


def test_disable_user(runner, session, make_user):
    user = make_user("inspector")
    result = runner.invoke(main, ["users", "disable", user.username])
    assert result.exit_code == 0, result.output
    session.refresh(user)
    assert not user.is_active
    assert runner.invoke(main, ["users", "disable", "nobody"]).exit_code != 0


def test_demo_users_are_created_once(session, clock, make_subject):
    firm = make_subject(kind="firm")
    created = create_demo_users(session, clock.now())
    session.commit()
    assert [u.username for u in created] == ["inspector1", "reviewer1", "reviewer2", "publisher1", "admin1", "firm1"]
    assert find_user(session, "firm1").subject_id == firm.id
    assert check_password_hash(find_user(session, "admin1").password_hash, DEMO_PASSWORD)
    assert create_demo_users(session, clock.now()) == []


@pytest.mark.parametrize(("username", "password", "message"), [
    ("<b>wang</b>", "s3cret-pass", "用户名须为"),
    ("wang\"onmouseover", "s3cret-pass", "用户名须为"),
    ("Wang", "s3cret-pass", "用户名须为"),
    ("w", "s3cret-pass", "用户名须为"),
    ("wang", " " * 8, "密码至少 8 个字符"),
    ("wang", "  short  ", "密码至少 8 个字符"),
    ("wang", "x" * 65, "密码至多 64 个字符"),
    ("wang", "password1", "密码过于常见"),
    ("wang", "12345678", "密码过于常见"),
    ("wang", "qwertyuiop", "密码过于常见"),
    ("wang", "aaaaaaaaaaaa", "密码过于常见"),
    ("wang", "wang12345678", "密码过于常见"),  # the username and a sequence
    ("wang", "woaini1314", "密码过于常见"),  # pinyin and numbers read as words (我爱你一生一世)
    ("wang", "baobei520520", "密码过于常见"),
])
def test_username_pattern_and_password_policy(runner, session, username, password, message):
    result = runner.invoke(main, ["users", "create", username, "--role", "inspector", "--password", password])
    assert result.exit_code == 1 and message in result.output, result.output
    assert session.exec(select(User)).all() == []


def test_a_long_uncommon_password_with_pinyin_passes(runner, session):
    result = runner.invoke(main, ["users", "create", "wang", "--role", "inspector", "--password", "jiang-tang-wu-7f3q"])
    assert result.exit_code == 0, result.output


def test_set_password_is_held_to_the_policy(runner, session, make_user):
    user = make_user("inspector")
    assert runner.invoke(main, ["users", "set-password", user.username, "--password", "password1"]).exit_code == 1
    result = runner.invoke(main, ["users", "set-password", user.username], input="a-new-long-passphrase\n" * 2)
    assert result.exit_code == 0, result.output
    session.refresh(user)
    assert check_password_hash(user.password_hash, "a-new-long-passphrase")
    assert session.exec(select(AuditEvent.action)).all() == ["user.password"]
    unknown = runner.invoke(main, ["users", "set-password", "nobody", "--password", "a-new-long-passphrase"])
    assert unknown.exit_code == 1 and "no user nobody" in unknown.output


def test_unlock_lifts_a_lockout(runner, session, clock, make_user):
    user = make_user("admin")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            authenticate(session, user.username, "wrong-password", clock.now())
    session.commit()
    result = runner.invoke(main, ["users", "unlock", user.username])
    assert result.exit_code == 0 and "unlocked" in result.output, result.output
    assert authenticate(session, user.username, "demo-password", clock.now()).id == user.id
    unlock = session.exec(select(AuditEvent).where(AuditEvent.action == "user.unlock")).one()
    assert json.loads(unlock.data) == {"username": user.username, "failures": MAX_FAILURES,
                                       "locked_until": "2026-11-26 02:15:00+00:00"}
    again = runner.invoke(main, ["users", "unlock", user.username])
    assert again.exit_code == 0 and "was not locked" in again.output
    assert runner.invoke(main, ["users", "unlock", "nobody"]).exit_code == 1
