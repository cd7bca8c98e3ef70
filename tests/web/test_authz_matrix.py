"""The authorisation matrix: every route of the app, requested as every role and as anonymous.

EXPECTED is the one table of who may open what. A new route fails this suite until it has a line
here; a line is ``endpoint: PUBLIC``, ``endpoint: {roles}`` or, for the API's department
integrations, ``endpoint: Scope(...)`` (an API token with that scope; no login opens it). Path arguments take their value
from URL_VALUES, else an ``int`` is the id of a seeded subject (bound to the firm user) and any
other argument is "x". The test asks the server, so it checks the decorators, not a list of them:
- GET (and POST with a valid CSRF token and an empty form): anonymous is sent to the login page
  (401 under /api), a role outside the rule gets 403 (a firm user 404 on a route naming an object,
  as for another subject's object), an allowed role gets neither (a 404 for an
  unknown id or a 400 for an empty form is fine: the role passed) and never a 5xx;
- POST without a CSRF token is 400 for everybody.

Token routes are asked by every role and anonymous without a token (401, CSRF or not), then with
tokens: the scope (allowed), every other scope (403), the scope but revoked or expired, and a token
nobody issued (401).

OBJECT_ROUTES adds the object rules: a firm user bound to one subject asks for another subject's
page, record, evidence file, notice, application and attached file (and to object to another
subject's record or list entry, or apply for its early removal), and for ids that name nothing. Both are 404: what a firm
must not know exists answers like what does not exist. Staff get the other subject's objects.
"""
from __future__ import annotations

import datetime as dt
import io

import pytest
from flask import Flask
from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter

from credit.accounts.authz import API_SCOPES, PUBLIC, Scope, access_rule, is_static_endpoint
from credit.api.services import create_token, revoke_token
from credit.applications.models import Attachment
from credit.applications.services import Uploads, object_to_record
from credit.audit.actor import Actor
from credit.accounts.models import ROLES
from credit.notices.models import Notice
from credit.records.models import Evidence, Record
from tests.actions import csrf_token
from tests.factories import sign_in

ANY_USER = frozenset(ROLES)
STAFF = frozenset({"inspector", "reviewer", "publisher", "admin"})
EDITORS = frozenset({"inspector", "admin"})
LIST_STAFF = frozenset({"inspector", "reviewer", "publisher"})

EXPECTED: dict[str, str | frozenset[str]] = {
    # web, accounts, audit
    "web.home": ANY_USER,
    "web.set_language": PUBLIC,
    "web.favicon": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": ANY_USER,
    "audit.events": frozenset({"admin"}),
    "audit.verify": frozenset({"admin"}),
    "users.locked_accounts": frozenset({"admin"}),
    # subject registry
    "subjects.index": STAFF,
    "subjects.export": STAFF,
    "subjects.new": EDITORS,
    "subjects.edit": EDITORS,
    "subjects.show": ANY_USER,  # a firm user its own subject only (OBJECT_ROUTES)
    # records (violations) and evidence
    "records.new": EDITORS,
    "records.show": ANY_USER,
    "records.add_evidence": EDITORS,
    "records.decide": frozenset({"reviewer"}),
    "records.review": frozenset({"reviewer"}),
    "records.download": ANY_USER,
    # notices and their public verification; job runs
    "notices.index": ANY_USER,
    "notices.download": ANY_USER,
    "notices.credit_report": ANY_USER,
    "verify.lookup": PUBLIC,
    "verify.show": PUBLIC,
    "scheduler.index": frozenset({"admin"}),
    # random inspection plans: published ones for everybody, the rest for staff
    "inspection.public_index": PUBLIC,
    "inspection.public_plan": PUBLIC,
    "inspection.index": STAFF,
    "inspection.show": STAFF,
    "inspection.stats": STAFF,
    "inspection.new": frozenset({"inspector", "publisher", "admin"}),
    "inspection.withdraw": frozenset({"inspector", "publisher", "admin"}),
    "inspection.decide": frozenset({"publisher"}),
    "inspection.result": frozenset({"inspector"}),  # only the check's two inspectors (tests/inspection)
    "inspection.conflict": frozenset({"inspector"}),
    # the firm's own pages, objections and repairs
    "portal.credit": frozenset({"firm"}),
    "portal.credit_report": frozenset({"firm"}),
    "applications.new": frozenset({"firm"}),  # on its own records only (OBJECT_ROUTES)
    "applications.new_for_entry": frozenset({"firm"}),  # on its own list entries only (OBJECT_ROUTES)
    "applications.show": ANY_USER,
    "applications.download": ANY_USER,
    "applications.decide": frozenset({"reviewer"}),
    "applications.review": frozenset({"reviewer"}),
    # firm accounts, the public query, user administration
    "activation.activate": PUBLIC,
    "activation.issue": EDITORS,
    "query.search": PUBLIC,
    "users.index": frozenset({"admin"}),
    "users.new": frozenset({"admin"}),
    "users.show": frozenset({"admin"}),
    "users.set_role": frozenset({"admin"}),
    "users.password": frozenset({"admin"}),
    "users.act": frozenset({"admin"}),
    "users.change_password": ANY_USER,
    # the serious-dishonesty list: public pages, then each step for its one role
    "listing.public_list": PUBLIC,
    "listing.public_versions": PUBLIC,
    "listing.public_version": PUBLIC,
    "listing.download": PUBLIC,
    "listing.candidates": LIST_STAFF,
    "listing.queue": LIST_STAFF,
    "listing.procedure": LIST_STAFF,
    "listing.entry": LIST_STAFF,
    "listing.propose": frozenset({"inspector"}),
    "listing.serve": frozenset({"inspector"}),
    "listing.statement": frozenset({"inspector"}),
    "listing.consent": frozenset({"reviewer"}),
    "listing.decide": frozenset({"reviewer"}),
    "listing.publish": frozenset({"publisher"}),
    "listing.new_entry": frozenset({"reviewer"}),
    "listing.apply_removal": frozenset({"inspector"}),
    # Blue Sky cases: the bureau's own log (staff); inspectors handle, reviewers approve and decide
    "cases.index": STAFF,
    "cases.show": STAFF,
    "cases.download": STAFF,
    "cases.export": STAFF,
    "cases.statistics": STAFF,
    "cases.new": frozenset({"inspector"}),
    "cases.propose": frozenset({"inspector"}),
    "cases.link": frozenset({"inspector"}),
    "cases.attach": frozenset({"inspector"}),
    "cases.extend": frozenset({"reviewer"}),
    "cases.step": frozenset({"inspector", "reviewer"}),
    # the JSON API: public routes, its document, the department integrations' token routes (a scope
    # each), and the admin's tokens page
    "api_public.public_subjects": PUBLIC,
    "api_public.public_subject": PUBLIC,
    "api_public.public_list_versions": PUBLIC,
    "api_public.public_list_entries": PUBLIC,
    "api_public.public_document": PUBLIC,
    "api_docs.document": PUBLIC,
    "api_docs.browse": PUBLIC,
    "api.export_subjects": Scope("subjects:read"),
    "api.import_subjects": Scope("subjects:write"),
    "api.export_records": Scope("records:read"),
    "api.import_records": Scope("records:write"),
    "api.export_list_entries": Scope("list:read"),
    "api.import_list_entries": Scope("list:write"),
    "api.export_assessments": Scope("assessments:read"),
    "tokens.index": frozenset({"admin"}),
    "tokens.revoke": frozenset({"admin"}),
}

URL_VALUES = {
    "web.set_language": {"code": "en"},
    "subjects.export": {"fmt": "csv"},
    "records.decide": {"action": "confirm"},
    "inspection.decide": {"action": "approve"},
    "applications.new": {"kind": "objection"},
    "applications.new_for_entry": {"kind": "objection"},
    "users.act": {"action": "unlock"},
    "listing.download": {"name": "list.csv"},
    "cases.step": {"to": "verification"},
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
        assert rule is not None, f"{endpoint} has neither @public nor @requires"
        assert rule == expected, f"{endpoint}: the view says {rule}, the matrix says {expected}"


@pytest.fixture
def seeded(app, make_subject, make_user):
    """One subject, a user of every role (the firm user bound to the subject)."""
    subject = make_subject(kind="firm")
    users = {role: make_user(role, **({"subject_id": subject.id} if role == "firm" else {})) for role in ROLES}
    return subject, users


def _url(app: Flask, endpoint: str, object_id: int | str) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in rule.arguments:
        numeric = isinstance(rule._converters[name], IntegerConverter)
        fits = isinstance(object_id, int) == numeric
        values[name] = URL_VALUES.get(endpoint, {}).get(name, object_id if fits else (0 if numeric else "x"))
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _client_as(app: Flask, who: str, users: dict):
    client = app.test_client()
    if who != "anonymous":
        sign_in(client, users[who])
    return client


def _check(response, who: str, expected, url: str, what: str, named_object: bool) -> None:
    status, location = response.status_code, response.headers.get("Location", "")
    allowed = expected == PUBLIC or who in expected
    sent_to_login = status == 302 and location.startswith("/login?next=")  # logout goes to the bare /login
    label = f"{what} {url} as {who}: {status} {location}"
    assert status < 500, label
    if allowed:
        assert status not in (401, 403) and not sent_to_login, f"{label} (should be allowed)"
    elif who == "anonymous":
        assert (status == 401) if url.startswith("/api/") else sent_to_login, f"{label} (should ask to log in)"
    elif who == "firm" and named_object:
        assert status == 404, f"{label} (a staff object by id: 404 to a firm)"
    else:
        assert status == 403, f"{label} (should be forbidden)"


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_as_every_role(app, seeded, endpoint):
    subject, users = seeded
    url = _url(app, endpoint, subject.id)
    methods = ROUTES[endpoint]
    if isinstance(EXPECTED[endpoint], Scope):  # a token's route: no login opens it, no CSRF token is asked
        for who in WHO:
            for method in methods:
                client = _client_as(app, who, users)
                for data in ({}, {"csrf_token": csrf_token(client)}) if method == "POST" else (None,):
                    response = client.open(url, method=method, data=data)
                    assert response.status_code == 401, f"{method} {url} as {who} without a token: {response.status_code}"
        return
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    named_object = any(isinstance(rule._converters[name], IntegerConverter) for name in rule.arguments)
    for who in WHO:
        if "GET" in methods:
            _check(_client_as(app, who, users).get(url), who, EXPECTED[endpoint], url, "GET", named_object)
        if "POST" in methods:
            client = _client_as(app, who, users)
            response = client.post(url, data={})
            assert response.status_code == 400, f"POST {url} as {who} without CSRF token: {response.status_code}"
            client = _client_as(app, who, users)
            _check(client.post(url, data={"csrf_token": csrf_token(client)}), who, EXPECTED[endpoint], url, "POST",
                   named_object)


# -- API tokens -------------------------------------------------------------------------------------

TOKEN_ROUTES = sorted(endpoint for endpoint, rule in EXPECTED.items() if isinstance(rule, Scope))


@pytest.mark.parametrize("endpoint", TOKEN_ROUTES)
def test_token_route_with_every_kind_of_token(app, session, clock, seeded, endpoint):
    subject, _users = seeded
    scope = EXPECTED[endpoint].name
    admin = Actor(None, "test-admin")

    def token(scopes, days=30, revoked=False) -> str:
        issued = create_token(session, "测试部门", scopes, days, admin, clock.now())
        if revoked:
            revoke_token(session, issued.token.id, admin, clock.now())
        session.commit()
        return issued.secret

    tokens = {"right scope": token([scope]), "every other scope": token(set(API_SCOPES) - {scope}),
              "revoked": token([scope], revoked=True), "unknown": "hnc_" + "x" * 43}
    expired = token([scope], days=1)
    clock.advance(days=1)  # the day it was valid for has passed
    tokens["expired"] = expired
    expected = {"right scope": None, "every other scope": 403, "revoked": 401, "unknown": 401, "expired": 401}
    url = _url(app, endpoint, subject.id)
    for method in ROUTES[endpoint]:
        for kind, secret in tokens.items():
            response = app.test_client().open(url, method=method, json=[] if method == "POST" else None,
                                              headers={"Authorization": f"Bearer {secret}"})
            label = f"{method} {url} with a token ({kind}): {response.status_code} {response.get_data(as_text=True)[:200]}"
            assert response.status_code < 500, label
            if expected[kind] is None:
                assert response.status_code not in (401, 403), label
            else:
                assert response.status_code == expected[kind], label
                assert set(response.get_json()) == {"code", "message_zh", "message_en", "details"}, label


# -- object rules ----------------------------------------------------------------------------------

# endpoint -> the object its int argument names
OBJECT_ROUTES = {
    "subjects.show": "subject",
    "records.show": "record",
    "records.download": "evidence",
    "notices.download": "notice",
    "notices.credit_report": "subject",
    "applications.new": "record",
    "applications.show": "application",
    "applications.download": "attachment",
    "applications.decide": "application",
    "applications.new_for_entry": "entry",
    "listing.entry": "entry",
    "listing.apply_removal": "entry",
}
# What an allowed request with an empty form answers, where that is not 200 (GET) or 302 (POST).
OBJECT_DONE = {"applications.new": 400, "applications.decide": 400, "applications.new_for_entry": 400,
               "listing.apply_removal": 400}
MISSING_ID = 2**31 - 1
MISSING = {"entry": "SD-2099-999999"}
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def two_subjects(app, session, ctx, clock, make_subject, make_user, make_record, make_entry):
    """Subjects "own" and "other", each with a record, its evidence and a notice, made through the pages
    as staff do it, and a list entry; a user of every role, the firm user bound to "own". Returns (ids, users)."""
    users = {role: make_user(role) for role in ROLES if role != "firm"}
    ids = {}
    for name in ("own", "other"):
        subject = make_subject(kind="firm")
        client = _client_as(app, "inspector", users)
        response = client.post(f"/subjects/{subject.id}/records/new", content_type="multipart/form-data", data={
            "csrf_token": csrf_token(client), "rule_code": "FM-INFRINGE", "decision_date": "2026-10-01",
            "authority": "淮南市市场监督管理局", "facts": "故意侵权。", "evidence": (io.BytesIO(PDF), "决定书.pdf")})
        assert response.status_code == 302, response.get_data(as_text=True)
        assert client.post(f"/notices/credit-report/{subject.id}",
                           data={"csrf_token": csrf_token(client)}).status_code == 302
        record = session.exec(select(Record).where(Record.subject_id == subject.id)).one()
        objected = make_record(subject, "FM-INFRINGE", dt.date(2026, 9, 1))
        application = object_to_record(session, objected, "决定书认定事实有误。", [FileStorage(io.BytesIO(PDF), "说明.pdf")],
                                       Actor(None, "firm"), catalog=ctx.catalog, calendar=ctx.calendar,
                                       store=Uploads(ctx.files, 10**6), now=clock.now())
        session.commit()
        ids[name] = {
            "application": application.id,
            "attachment": session.exec(select(Attachment).where(Attachment.application_id == application.id)).one().id,
            "subject": subject.id,
            "record": record.id,
            "evidence": session.exec(select(Evidence).where(Evidence.record_id == record.id)).one().id,
            "notice": session.exec(select(Notice).where(Notice.subject_id == subject.id)).one().id,
            "entry": make_entry(subject, dt.date(2025, 6, 1)).id,
        }
    users["firm"] = make_user("firm", subject_id=ids["own"]["subject"])
    return ids, users


def _ask(app, who: str, users: dict, endpoint: str, object_id: int):
    url = _url(app, endpoint, object_id)
    client = _client_as(app, who, users)
    if "POST" in ROUTES[endpoint]:
        return url, client.post(url, data={"csrf_token": csrf_token(client)})
    return url, client.get(url)


@pytest.mark.parametrize("endpoint", sorted(OBJECT_ROUTES))
def test_objects_as_every_role(app, two_subjects, endpoint):
    ids, users = two_subjects
    kind = OBJECT_ROUTES[endpoint]
    done = OBJECT_DONE.get(endpoint, 302 if "POST" in ROUTES[endpoint] else 200)  # the credit report redirects
    for who in ROLES:
        if who not in EXPECTED[endpoint]:
            continue
        cases = {"other": 404 if who == "firm" else done, "missing": 404}
        if who == "firm":
            cases["own"] = done
        for whose, expected in cases.items():
            url, response = _ask(app, who, users, endpoint,
                                 ids[whose][kind] if whose in ids else MISSING.get(kind, MISSING_ID))
            assert response.status_code == expected, f"{url} ({whose} {kind}) as {who}: {response.status_code}"
