"""Races: requests sent together to the served app (waitress, real threads, the test database).

Each test sends its requests together with ``at_once`` and then checks what the database kept.
A new race (another step's four-eyes confirmation, parallel registrations...) is one more test
here built the same way: set up, ``at_once([...])``, check the rows and the audit chain. The
fixtures (``served``, ``visitors``, a quick-hashing ``make_user``) are in conftest.py.
"""
from __future__ import annotations

from sqlmodel import select

from credit.accounts.services import MAX_FAILURES
from credit.audit.models import AuditEvent
from credit.cli import main
from tests.concurrency.conftest import at_once

PARALLEL_LOGINS = 8
ROUNDS = 3  # a fork needs two appends to meet: three bursts make one all but certain without the lock
BURST = 40  # wrong passwords sent together, with one right one among them
WRONG = "用户名或密码错误"
LOCKED = "账号已锁定"


def _audit_actions(session, actor: str) -> list[str]:
    session.expire_all()
    return list(session.exec(select(AuditEvent.action).where(AuditEvent.actor == actor).order_by(AuditEvent.id)))


def test_parallel_logins_keep_one_audit_chain(session, runner, make_user, visitors):
    users = [make_user("inspector") for _ in range(PARALLEL_LOGINS)]
    for _ in range(ROUNDS):
        answers = at_once([lambda v=v, u=u: v.log_in(u.username) for v, u in zip(visitors(PARALLEL_LOGINS), users)])
        assert [a.status for a in answers] == [302] * PARALLEL_LOGINS
    session.expire_all()
    prev_hashes = session.exec(select(AuditEvent.prev_hash)).all()
    assert len(prev_hashes) == len(set(prev_hashes)), "two events were appended after the same one"
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_a_burst_of_guesses_checks_no_more_than_the_lockout_allows(session, make_user, visitors):
    user = make_user("reviewer")
    guesses = [lambda v=v: v.log_in(user.username, "wrong-password") for v in visitors(BURST)]
    right = visitors(1)[0]
    answers = at_once([*guesses, lambda: right.log_in(user.username)])

    wrong = [a for a in answers[:BURST] if WRONG in a.text]
    locked = [a for a in answers[:BURST] if LOCKED in a.text]
    assert len(wrong) + len(locked) == BURST, [a.status for a in answers[:BURST] if a not in wrong + locked]
    # In the order decided: MAX_FAILURES wrong guesses since the start (or since the right
    # password, if it came first) lock the account, and after the lock every request is refused
    # unchecked, the right password too.
    actions = _audit_actions(session, user.username)
    before_lock = actions[:actions.index("auth.lockout") + 1]
    after_lock = actions[len(before_lock):]
    runs = "".join("+" if a == "auth.login" else "-" for a in before_lock).split("+")
    assert len(runs[-1]) == MAX_FAILURES and all(len(run) < MAX_FAILURES for run in runs[:-1]), actions
    assert set(after_lock) <= {"auth.login_refused_locked"}, actions
    assert (answers[-1].status == 302) == ("auth.login" in before_lock), actions
