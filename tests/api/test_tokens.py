"""API tokens: an admin creates one for a department with scopes (shown once, stored hashed,
expiring), revokes it; a token without the scope is refused (403), a revoked, expired or unknown
one too (401); every use of a token is one audit event."""
from __future__ import annotations

import hashlib
import json

from sqlmodel import select

from credit.api.models import ApiToken
from credit.audit.models import AuditEvent
from credit.audit.services import verify_chain
from credit.cli import main
from tests.actions import csrf_token
from tests.api.conftest import bearer


def _events(session, action: str) -> list[dict]:
    session.expire_all()
    rows = session.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
    return [{"actor": e.actor, "object_id": e.object_id, **json.loads(e.data)} for e in rows]


def test_an_admin_creates_a_token_shown_once_and_stored_hashed(client, session, login_as):
    login_as("admin")
    page = client.get("/admin/tokens/").get_data(as_text=True)
    assert "API 令牌" in page and "权限范围" in page and "导出主体" in page and "有效天数" in page
    response = client.post("/admin/tokens/", data={
        "csrf_token": csrf_token(client), "department": "省知识产权局数据中心", "scopes": ["subjects:read", "records:read"],
        "days": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = page.split('<code id="token-secret">')[1].split("</code>")[0]
    assert secret.startswith("hnc_") and len(secret) > 40 and "只显示这一次" in page

    token = session.exec(select(ApiToken)).one()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    stored = " ".join(str(value) for value in token.model_dump().values())
    assert secret not in stored and token.prefix == secret[:12]
    assert (token.department, token.scope_list) == ("省知识产权局数据中心", ["subjects:read", "records:read"])
    assert (token.expires_at - token.created_at).days == 30
    assert secret not in client.get("/admin/tokens/").get_data(as_text=True)  # never shown again
    [event] = _events(session, "api_token.create")
    assert event["scopes"] == ["subjects:read", "records:read"] and secret not in json.dumps(event, ensure_ascii=False)
    assert client.get("/api/v1/subjects", headers=bearer(secret)).status_code == 200


def test_the_form_refuses_a_token_without_scopes_or_department(client, session, login_as):
    login_as("admin")
    response = client.post("/admin/tokens/", data={"csrf_token": csrf_token(client), "department": "", "days": "365"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "请填写使用部门" in page and "请至少选择一项权限范围" in page
    assert client.post("/admin/tokens/", data={"department": "x", "scopes": ["subjects:read"]}).status_code == 400  # CSRF
    assert session.exec(select(ApiToken)).all() == []


def test_a_revoked_token_is_refused_at_once(client, session, login_as, make_token):
    secret = make_token(["subjects:read"])
    token = session.exec(select(ApiToken)).one()
    assert client.get("/api/v1/subjects", headers=bearer(secret)).status_code == 200
    login_as("admin")
    response = client.post(f"/admin/tokens/{token.id}/revoke", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert "已撤销" in client.get("/admin/tokens/").get_data(as_text=True)
    assert client.get("/api/v1/subjects", headers=bearer(secret)).status_code == 401
    assert [e["object_id"] for e in _events(session, "api_token.revoke")] == [str(token.id)]
    assert client.post("/admin/tokens/2147483647/revoke", data={"csrf_token": csrf_token(client)}).status_code == 404


def test_a_token_expires(client, clock, make_token):
    secret = make_token(["subjects:read"], days=2)
    clock.advance(days=2, seconds=-1)
    assert client.get("/api/v1/subjects", headers=bearer(secret)).status_code == 200
    clock.advance(seconds=1)
    response = client.get("/api/v1/subjects", headers=bearer(secret))
    assert response.status_code == 401 and response.get_json()["code"] == "unauthorized"


def test_a_token_opens_only_its_scopes(client, make_token):
    secret = make_token(["records:read", "records:write"])
    assert client.get("/api/v1/records", headers=bearer(secret)).status_code == 200
    assert client.post("/api/v1/records", json=[], headers=bearer(secret)).status_code == 200
    for method, url in (("GET", "/api/v1/subjects"), ("POST", "/api/v1/subjects"), ("GET", "/api/v1/assessments"),
                        ("GET", "/api/v1/list/entries"), ("POST", "/api/v1/list/entries")):
        response = client.open(url, method=method, json=[] if method == "POST" else None, headers=bearer(secret))
        assert response.status_code == 403 and response.get_json()["code"] == "forbidden", (method, url)
    assert client.get("/api/v1/records", headers=bearer(secret[:-1] + "x")).status_code == 401  # not the token
    assert client.get("/api/v1/records", headers={"X-Token": secret}).status_code == 401


def test_every_use_of_a_token_is_audited_once(client, session, make_token, make_subject):
    subject = make_subject()
    secret = make_token(["subjects:read", "subjects:write"], department="市数据资源局")
    token = session.exec(select(ApiToken)).one()
    answers = [
        client.get("/api/v1/subjects", headers=bearer(secret)).status_code,
        client.post("/api/v1/subjects", json=[{"uscc": subject.uscc, "name": "改名后的机构", "kind": subject.kind,
                                               "district": subject.district}], headers=bearer(secret)).status_code,
        client.get("/api/v1/records", headers=bearer(secret)).status_code,
        client.get("/api/v1/subjects", query_string={"limit": "many"}, headers=bearer(secret)).status_code,
    ]
    assert answers == [200, 200, 403, 422]
    client.get("/api/v1/subjects", headers=bearer("hnc_unknown"))  # no token of ours: nothing to name
    client.get("/api/v1/public/list/versions")  # public: no token
    events = _events(session, "api.request")
    assert [(e["endpoint"], e["method"], e["status"]) for e in events] == [
        ("api.export_subjects", "GET", 200), ("api.import_subjects", "POST", 200), ("api.export_records", "GET", 403),
        ("api.export_subjects", "GET", 422)]
    assert {(e["token_id"], e["department"], e["object_id"], e["actor"]) for e in events} == {
        (token.id, "市数据资源局", str(token.id), f"api:{token.id}:市数据资源局")}
    # The imported change names the token too, and the chain holds.
    [update] = _events(session, "subject.update")
    assert update["actor"] == f"api:{token.id}:市数据资源局"
    session.refresh(token)
    assert token.last_used_at is not None
    assert verify_chain(session).ok


def test_a_revoked_tokens_refusal_is_audited(client, session, make_token, runner):
    secret = make_token(["subjects:read"])
    token = session.exec(select(ApiToken)).one()
    runner.invoke(main, ["tokens", "revoke", str(token.id)])
    assert client.get("/api/v1/subjects", headers=bearer(secret)).status_code == 401
    assert [(e["endpoint"], e["status"]) for e in _events(session, "api.request")] == [("api.export_subjects", 401)]


def test_the_command_line_creates_lists_and_revokes(runner, client, session):
    result = runner.invoke(main, ["tokens", "create", "--department", "省市场监管局", "--scope", "list:read",
                                  "--scope", "assessments:read", "--days", "90"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("hnc_") and "只显示这一次" in result.stderr
    assert client.get("/api/v1/list/entries", headers=bearer(secret)).status_code == 200
    listed = json.loads(runner.invoke(main, ["tokens", "list", "--format", "json"]).output)
    assert [(r["department"], r["scopes"], r["status"], r["prefix"]) for r in listed] == [
        ("省市场监管局", ["list:read", "assessments:read"], "active", secret[:12])]
    assert secret not in runner.invoke(main, ["tokens", "list"]).output
    result = runner.invoke(main, ["tokens", "revoke", str(listed[0]["id"])])
    assert result.exit_code == 0 and "已撤销" in result.output
    assert json.loads(runner.invoke(main, ["tokens", "list", "--format", "json"]).output)[0]["status"] == "revoked"
    assert client.get("/api/v1/list/entries", headers=bearer(secret)).status_code == 401
    refused = runner.invoke(main, ["tokens", "create", "--department", "x", "--scope", "everything"])
    assert refused.exit_code != 0 and session.exec(select(ApiToken)).one().department == "省市场监管局"
