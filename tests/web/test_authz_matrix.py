"""The authorisation matrix: every route of the app, requested as every role and as anonymous.

EXPECTED is the one table of who may open what. A new route fails this suite until it has a line
here; a line is ``endpoint: PUBLIC`` or ``endpoint: {roles}``. Path arguments take their value
from URL_VALUES, else an ``int`` is the id of a seeded subject (bound to the firm user) and any
other argument is "x". The test asks the server, so it checks the decorators, not a list of them:
- GET (and POST with a valid CSRF token and an empty form): anonymous is sent to the login page
  (401 under /api), a role outside the rule gets 403, an allowed role gets neither (a 404 for an
  unknown id or a 400 for an empty form is fine: the role passed) and never a 5xx;
- POST without a CSRF token is 400 for everybody.
"""
from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from credit.accounts.authz import PUBLIC, access_rule, is_static_endpoint
from credit.accounts.models import ROLES
from tests.factories import sign_in
from tests.web.conftest import csrf_token

ANY_USER = frozenset(ROLES)
STAFF = frozenset({"inspector", "reviewer", "publisher", "admin"})
EDITORS = frozenset({"inspector", "admin"})

EXPECTED: dict[str, str | frozenset[str]] = {
    # web, accounts, audit
    "web.home": ANY_USER,
    "web.set_language": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": ANY_USER,
    "audit.events": frozenset({"admin"}),
    "audit.verify": frozenset({"admin"}),
    "auth.locked_accounts": frozenset({"admin"}),
    "auth.unlock": frozenset({"admin"}),
    # subject registry
    "subjects.index": STAFF,
    "subjects.export": STAFF,
    "subjects.new": EDITORS,
    "subjects.edit": EDITORS,
    "subjects.show": STAFF,
    # records (violations) and evidence
    "records.new": EDITORS,
    "records.show": STAFF,
    "records.add_evidence": EDITORS,
    "records.decide": frozenset({"reviewer"}),
    "records.review": frozenset({"reviewer"}),
    "records.download": STAFF,
    # notices (a firm user sees and downloads its own) and their public verification; job runs
    "notices.index": ANY_USER,
    "notices.download": ANY_USER,
    "notices.credit_report": ANY_USER,
    "verify.lookup": PUBLIC,
    "verify.show": PUBLIC,
    "jobs.index": frozenset({"admin"}),
}

URL_VALUES = {
    "web.set_language": {"code": "en"},
    "subjects.export": {"fmt": "csv"},
    "records.decide": {"action": "confirm"},
}

WHO = ("anonymous", *ROLES)


def _app_routes() -> dict[str, set[str]]:
    """endpoint -> methods, read from a fresh app (what a user can reach)."""
    from config import Config
    from credit import create_app

    app = create_app(Config(TESTING=True, DATABASE_URL="sqlite://"))
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if not is_static_endpoint(rule.endpoint):
            routes.setdefault(rule.endpoint, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    return routes


ROUTES = _app_routes()


def test_every_route_is_classified():
    unclassified = sorted(set(ROUTES) - set(EXPECTED))
    assert not unclassified, f"routes without a line in EXPECTED: {unclassified}"
    stale = sorted(set(EXPECTED) - set(ROUTES))
    assert not stale, f"lines in EXPECTED for routes that no longer exist: {stale}"


def test_every_view_declares_the_expected_rule(app: Flask):
    for endpoint, expected in EXPECTED.items():
        rule = access_rule(app.view_functions[endpoint])
        assert rule is not None, f"{endpoint} has neither @public nor @roles_required"
        assert rule == expected, f"{endpoint}: the view says {rule}, the matrix says {expected}"


@pytest.fixture
def seeded(app, make_subject, make_user):
    """One subject, a user of every role (the firm user bound to the subject)."""
    subject = make_subject(kind="firm")
    users = {role: make_user(role, **({"subject_id": subject.id} if role == "firm" else {})) for role in ROLES}
    return subject, users


def _url(app: Flask, endpoint: str, subject_id: int) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in rule.arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter)
        values[name] = URL_VALUES.get(endpoint, {}).get(name, subject_id if numeric else "x")
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _client_as(app: Flask, who: str, users: dict):
    client = app.test_client()
    if who != "anonymous":
        sign_in(client, users[who])
    return client


def _check(response, who: str, expected, url: str, what: str) -> None:
    status, location = response.status_code, response.headers.get("Location", "")
    allowed = expected == PUBLIC or who in expected
    sent_to_login = status == 302 and location.startswith("/login?next=")  # logout goes to the bare /login
    label = f"{what} {url} as {who}: {status} {location}"
    assert status < 500, label
    if allowed:
        assert status not in (401, 403) and not sent_to_login, f"{label} (should be allowed)"
    elif who == "anonymous":
        assert (status == 401) if url.startswith("/api/") else sent_to_login, f"{label} (should ask to log in)"
    else:
        assert status == 403, f"{label} (should be forbidden)"


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_as_every_role(app, seeded, endpoint):
    subject, users = seeded
    url = _url(app, endpoint, subject.id)
    methods = ROUTES[endpoint]
    for who in WHO:
        if "GET" in methods:
            _check(_client_as(app, who, users).get(url), who, EXPECTED[endpoint], url, "GET")
        if "POST" in methods:
            client = _client_as(app, who, users)
            response = client.post(url, data={})
            assert response.status_code == 400, f"POST {url} as {who} without CSRF token: {response.status_code}"
            client = _client_as(app, who, users)
            _check(client.post(url, data={"csrf_token": csrf_token(client)}), who, EXPECTED[endpoint], url, "POST")
