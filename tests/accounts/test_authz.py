"""The access rules themselves: decorators, deny-by-default, 401 under /api, firm users' subject."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from credit import create_app
from credit.accounts.authz import PUBLIC, access_rule, can_see_subject, public, roles_required


def test_roles_required_refuses_unknown_roles():
    with pytest.raises(ValueError):
        roles_required("superuser")
    with pytest.raises(ValueError):
        roles_required()


def test_decorators_record_the_rule():
    assert access_rule(public(lambda: "")) == PUBLIC
    assert access_rule(roles_required("admin", "reviewer")(lambda: "")) == {"admin", "reviewer"}
    assert access_rule(lambda: "") is None


@pytest.fixture
def extra_app(app_config, clock):
    """An app with routes added for these tests only (the real app stays as the matrix sees it)."""
    app = create_app(app_config, clock)

    @app.route("/forgotten")
    def forgotten():  # no access rule on purpose
        return "open"

    @app.route("/api/v1/ping")
    @roles_required("admin")
    def ping():
        return {"pong": True}

    return app


def test_a_view_without_a_rule_is_closed(extra_app):
    assert extra_app.test_client().get("/forgotten").status_code == 403


def test_api_answers_401_json_instead_of_a_login_redirect(extra_app):
    response = extra_app.test_client().get("/api/v1/ping")
    assert response.status_code == 401 and response.json["error"] == "unauthorized"


def test_firm_user_sees_only_its_own_subject(make_user, make_subject):
    own, other = make_subject(kind="firm"), make_subject(kind="firm")
    firm = make_user("firm", subject_id=own.id)
    assert can_see_subject(firm, own.id) and not can_see_subject(firm, other.id)
    assert can_see_subject(make_user("inspector"), other.id)
    assert not can_see_subject(AnonymousUserMixin(), own.id)
