"""Every route, as every role, with random and hostile values: never a 5xx, never a traceback.

Driven from the app's URL map: each example picks a rule, a method it allows, a role (or nobody),
values for its URL arguments (ids that exist, ids that do not, numbers no column holds, text), and
random and hostile values for each field of the forms the app's own pages send to that rule, plus
the usual query parameters and some it has never heard of. Each example sends one such request to
every rule. Bounded (``max_examples``) so that it runs in well under a minute; HYPOTHESIS_EXAMPLES=500
runs more.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from credit.accounts.models import ROLES
from credit.audit.actor import Actor
from credit.notices.services import current_settings
from credit.notices.triggers import issue_credit_report
from credit.records.services import RecordInput, record_violation
from tests.served import CSRF_META, quick_hash

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "15"))
HOSTILE = [
    "", " ", "0", "-1", "1e999999", "NaN", "99999999999999999999999", "2026-02-30", "２０２６-１１-２６", "9999-12-31",
    "' OR 1=1 --", "<script>alert(1)</script>", "{{7*7}}", "%", "_", "%_\\", "../../etc/passwd", "\x00", "a\x00b",
    "\r\nSet-Cookie: x=1", "http://evil.example/", "//evil.example", "javascript:alert(1)", "=HYPERLINK(\"x\")",
    "\ud7ff\ue000\U0010fffd", "𠀀" * 300, "A" * 70_000, "PA-PENALTY", "firm", "340403", "zh_CN", "en", "confirmed",
]
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
QUERY_NAMES = ["page", "next", "q", "kind", "from", "to", "inline", "code", "name", "uscc", "district", "x"]
FIELD = re.compile(r'<(?:input|select|textarea)\b[^>]*?\bname="([^"]+)"')
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?(\w+)>")


@pytest.fixture
def world(app, session, clock, ctx, make_subject, make_user, make_record):
    """Something of each kind to find, a logged-in browser per role, and the fields of every form."""
    subject = make_subject(kind="patent_agency")
    firm_user = make_user("firm")
    inspector = make_user("inspector")
    draft = record_violation(session, ctx.catalog, subject, RecordInput("PA-PENALTY", dt.date(2026, 10, 1),
                             authority="淮南市市场监督管理局", facts="f"), Actor.of(inspector), clock.now(), clock.today())
    confirmed = make_record(subject, "PA-PENALTY", dt.date(2026, 9, 1))
    with app.test_request_context():
        notice = issue_credit_report(session, current_settings(), ctx.catalog, subject, Actor.of(inspector),
                                     clock.now())
    session.commit()
    ids = sorted({subject.id, firm_user.subject_id, draft.id, confirmed.id, notice.id, 1, 2})

    clients, usernames = {None: app.test_client()}, {}
    for role in ROLES:
        user = firm_user if role == "firm" else make_user(role)
        user.password_hash = quick_hash()
        session.commit()
        clients[role], usernames[role] = app.test_client(), user.username
        login(clients[role], user.username)

    fields: dict[tuple[str, str], set[str]] = {}
    adapter = app.url_map.bind("localhost")
    pages = ["/", "/subjects/", "/subjects/new", f"/subjects/{subject.id}", f"/subjects/{subject.id}/edit",
             f"/subjects/{subject.id}/records/new", f"/records/{draft.id}", f"/records/{confirmed.id}", "/notices/",
             "/verify", "/records/review", "/admin/audit/", "/admin/scheduler/", "/login"]
    for client in clients.values():
        for page in pages:
            html = client.get(page).get_data(as_text=True)
            for attributes, body in FORM.findall(html):
                attrs = dict(ATTRIBUTE.findall(attributes))
                try:
                    endpoint, _args = adapter.match(urllib.parse.urlsplit(attrs.get("action") or page).path,
                                                    method=attrs.get("method", "get").upper())
                except Exception:
                    continue
                fields.setdefault((endpoint, attrs.get("method", "get").upper()), set()).update(
                    name for name in FIELD.findall(body) if name != "csrf_token")
    assert fields[("records.decide", "POST")] >= {"confirm-reason", "reject-reason"}  # the harvest works
    return {"clients": clients, "ids": ids, "fields": fields, "usernames": usernames}


def login(client, username: str) -> None:
    client.get("/login")
    client.post("/login", data={"username": username, "password": "demo-password", "csrf_token": token(client)})


def token(client) -> str:
    found = CSRF_META.search(client.get("/login").get_data(as_text=True))
    return found.group(1) if found else ""


def url_for_rule(draw, rule, ids) -> str:
    def argument(match: re.Match) -> str:
        converter = match.group(1)
        if converter == "int":
            value = draw(st.one_of(st.sampled_from(ids), st.integers(0, 2**70)))
        elif converter == "any":
            value = draw(st.one_of(st.sampled_from(sorted(rule._converters[match.group(2)].items)), values))
        else:
            value = draw(values)
        return urllib.parse.quote(str(value), safe="")

    return ARGUMENT.sub(argument, rule.rule)


def send(data, app, world, rule) -> tuple:
    """One request to ``rule`` as drawn; returns what was sent and the response."""
    method = data.draw(st.sampled_from(sorted(rule.methods & {"GET", "POST"})), label="method")
    role = data.draw(st.sampled_from([None, *ROLES]), label="role")
    client = world["clients"][role]
    path = url_for_rule(data.draw, rule, world["ids"])
    known = sorted(world["fields"].get((rule.endpoint, method), set()))
    names = known + data.draw(st.lists(st.sampled_from(QUERY_NAMES), max_size=3), label="extra names")
    sent = {name: data.draw(values, label=name) for name in names if data.draw(st.booleans())}
    if method == "GET":
        response = client.get(path, query_string=sent)
    else:
        form = dict(sent)
        if "evidence" in known:
            form["evidence"] = (io.BytesIO(data.draw(st.binary(max_size=2000))), data.draw(values) or "x")
        if data.draw(st.booleans()):  # half with the page's token, so that the request reaches the view
            form["csrf_token"] = token(client)
        query = {"next": data.draw(values)} if data.draw(st.booleans()) else None
        response = client.post(path, data=form, query_string=query)
    if rule.endpoint == "accounts.logout" and role is not None:  # the next example is logged in again
        login(client, world["usernames"][role])
    return (role, method, path, sent), response


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_no_route_answers_a_server_error_or_a_traceback_whatever_it_is_sent(app, world, data):
    # Every rule in every example, so that each is sure to be tried many times.
    for rule in sorted((r for r in app.url_map.iter_rules() if r.endpoint != "static"), key=lambda r: r.rule):
        request, response = send(data, app, world, rule)
        body = response.get_data()
        assert response.status_code < 500, (request, body[-2000:])
        assert b"Traceback" not in body and b"sqlalchemy" not in body.lower(), request
