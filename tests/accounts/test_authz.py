"""The access rules themselves: decorators, deny-by-default, 401 under /api, and ``can`` on objects
(a firm user's own subject, the four eyes), ``require``'s 404 and 403."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin, login_user
from werkzeug.exceptions import Forbidden, NotFound

from credit import create_app
from credit.accounts.authz import (
    AUDIT_VIEW, EVIDENCE_VIEW, NOTICE_VIEW, PUBLIC, RECORD_CONFIRM, RECORD_DECIDE, RECORD_VIEW, SUBJECT_EDIT,
    SUBJECT_SEARCH, SUBJECT_VIEW, SubjectScope, access_rule, can, public, require, requires, subject_scope,
)
from credit.notices.models import Notice
from credit.records.models import Evidence

ROOT = Path(__file__).resolve().parents[2]


def test_requires_refuses_unknown_permissions():
    with pytest.raises(ValueError):
        requires("subject.delete")
    with pytest.raises(ValueError):
        can(AnonymousUserMixin(), "subject.delete")


def test_decorators_record_the_rule():
    assert access_rule(public(lambda: "")) == PUBLIC
    assert access_rule(requires(AUDIT_VIEW)(lambda: "")) == {"admin"}
    assert access_rule(requires(SUBJECT_EDIT)(lambda: "")) == {"inspector", "admin"}
    assert access_rule(lambda: "") is None


@pytest.fixture
def extra_app(app_config, clock):
    """An app with routes added for these tests only (the real app stays as the matrix sees it)."""
    app = create_app(app_config, clock)

    @app.route("/forgotten")
    def forgotten():  # no access rule on purpose
        return "open"

    @app.route("/api/v1/ping")
    @requires(AUDIT_VIEW)
    def ping():
        return {"pong": True}

    return app


def test_a_view_without_a_rule_is_closed(extra_app):
    assert extra_app.test_client().get("/forgotten").status_code == 403


def test_api_answers_401_json_instead_of_a_login_redirect(extra_app):
    response = extra_app.test_client().get("/api/v1/ping")
    assert response.status_code == 401 and response.json["code"] == "unauthorized"
    assert {"message_zh", "message_en", "details"} <= set(response.json)


# -- can: objects ----------------------------------------------------------------------------------


@pytest.fixture
def two_firms(make_subject, make_record, make_user):
    """Subjects A and B, each with a record, an evidence file and a notice; a firm user bound to A.

    ``can`` reads only whose an object is, so the evidence and notice need not be stored."""
    objects = {}
    for name in ("a", "b"):
        subject = make_subject(kind="firm")
        record = make_record(subject, "FM-INFRINGE", dt.date(2026, 10, 1))
        objects[name] = {SUBJECT_VIEW: subject, RECORD_VIEW: record, EVIDENCE_VIEW: Evidence(record_id=record.id),
                         NOTICE_VIEW: Notice(subject_id=subject.id)}
    return objects, make_user("firm", subject_id=objects["a"][SUBJECT_VIEW].id)


@pytest.mark.parametrize("permission", [SUBJECT_VIEW, RECORD_VIEW, EVIDENCE_VIEW, NOTICE_VIEW])
def test_a_firm_user_may_see_its_own_subjects_objects_and_no_others(two_firms, make_user, permission):
    objects, firm = two_firms
    assert can(firm, permission, objects["a"][permission])
    assert not can(firm, permission, objects["b"][permission])
    assert can(firm, permission)  # the route itself is open to it
    for role in ("inspector", "reviewer", "publisher", "admin"):
        assert can(make_user(role), permission, objects["b"][permission]), role


def test_an_object_that_does_not_exist_is_allowed_to_nobody(make_user):
    for role in ("firm", "admin"):
        assert not can(make_user(role), SUBJECT_VIEW, None)


def test_a_firm_account_bound_to_no_subject_sees_nothing(two_firms, make_user):
    objects, _ = two_firms
    unbound = make_user("firm", subject_id=None)
    loose = Notice(subject_id=None)  # a notice that concerns no subject, such as the monthly report
    assert not can(unbound, NOTICE_VIEW, loose) and not can(unbound, SUBJECT_VIEW, objects["a"][SUBJECT_VIEW])
    assert subject_scope(unbound).empty
    assert can(make_user("publisher"), NOTICE_VIEW, loose)


def test_subject_scope_limits_a_firm_to_its_subject_and_nobody_else(two_firms, make_user):
    objects, firm = two_firms
    assert subject_scope(firm) == SubjectScope(False, objects["a"][SUBJECT_VIEW].id)
    staff = subject_scope(make_user("reviewer"))
    assert staff.every and not staff.empty


def test_anonymous_may_do_nothing(two_firms):
    objects, _ = two_firms
    anonymous = AnonymousUserMixin()
    assert not can(anonymous, SUBJECT_VIEW) and not can(anonymous, NOTICE_VIEW, objects["a"][NOTICE_VIEW])


def test_roles_without_the_permission_may_not_even_for_their_own_subject(two_firms, make_user):
    objects, firm = two_firms
    own = objects["a"][SUBJECT_VIEW]
    assert not can(firm, SUBJECT_EDIT, own) and not can(firm, SUBJECT_SEARCH)
    assert not can(make_user("reviewer"), SUBJECT_EDIT, own) and can(make_user("inspector"), SUBJECT_EDIT, own)


def test_a_reviewer_may_not_confirm_a_draft_they_recorded(agency_draft, make_user):
    reviewer = make_user("reviewer")
    own = agency_draft(recorded_by=reviewer)
    others = agency_draft(recorded_by=make_user("inspector"))
    assert can(reviewer, RECORD_DECIDE, own) and not can(reviewer, RECORD_CONFIRM, own)
    assert can(reviewer, RECORD_CONFIRM, others)
    # Once past the draft (an objection pending), confirming again is no longer the first pair of eyes.
    own.status = "disputed"
    assert can(reviewer, RECORD_CONFIRM, own)
    assert not can(make_user("inspector"), RECORD_CONFIRM, others)


@pytest.fixture
def agency_draft(session, make_subject, make_record):
    subject = make_subject()

    def make(recorded_by):
        record = make_record(subject, "PA-PENALTY", dt.date(2026, 10, 1), status="draft")
        record.recorded_by_id = recorded_by.id
        session.commit()
        return record

    return make


# -- require: the status a view answers -------------------------------------------------------------


def _as(app, user):
    context = app.test_request_context()
    context.push()
    login_user(user)
    return context


def test_require_answers_404_for_another_subject_and_for_nothing_403_for_the_role(app, two_firms, agency_draft,
                                                                               make_user):
    objects, firm = two_firms
    context = _as(app, firm)
    try:
        assert require(RECORD_VIEW, objects["a"][RECORD_VIEW]) is objects["a"][RECORD_VIEW]
        for obj in (objects["b"][RECORD_VIEW], None):
            with pytest.raises(NotFound):
                require(RECORD_VIEW, obj)
        with pytest.raises(Forbidden):
            require(RECORD_DECIDE, objects["a"][RECORD_VIEW])
    finally:
        context.pop()
    reviewer = make_user("reviewer")
    context = _as(app, reviewer)
    try:
        with pytest.raises(Forbidden):
            require(RECORD_CONFIRM, agency_draft(recorded_by=reviewer))
    finally:
        context.pop()


# -- one place ------------------------------------------------------------------------------------


STAFF_ROLE_NAME = re.compile(r"""["'](inspector|reviewer|publisher|admin)["']""")
# Reading a user's role (ROLE_LABELS[current_user.role] only shows its name) or comparing a role.
ROLE_READ = re.compile(r"\.role\b(?!\])|\brole\s*[!=]=")


def test_only_the_authorisation_module_and_the_user_model_decide_by_role():
    # ... and the administration service that assigns roles to accounts.
    allowed = {ROOT / "credit/accounts/authz.py", ROOT / "credit/accounts/models.py", ROOT / "credit/users/services.py"}
    offenders = []
    for path in [*(ROOT / "credit").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        if path in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in STAFF_ROLE_NAME.finditer(text)]
        offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in ROLE_READ.finditer(text)]
    assert not offenders
