"""Every error under /api is JSON {"code", "message_zh", "message_en", "details"} with its status."""
from __future__ import annotations

import pytest

from config import Config
from credit import create_app
from tests.api.conftest import bearer

SHAPE = {"code", "message_zh", "message_en", "details"}


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == SHAPE and body["code"] == code, body
    assert body["message_zh"] != body["message_en"] and any("\u4e00" <= ch <= "\u9fff" for ch in body["message_zh"])
    return body


def test_not_found(client):
    _error(client.get("/api/v1/no-such-thing"), 404, "not_found")
    _error(client.get("/api/v1/public/list/versions/2147483648/entries"), 404, "not_found")  # past any id


def test_a_domain_error_names_its_field(client):
    body = _error(client.get("/api/v1/public/documents/NOSUCHCODE23"), 404, "not_found")
    assert body["details"] == {"field": "code"} and body["message_zh"] == "没有文书使用该核验码"
    body = _error(client.get("/api/v1/public/subjects", query_string={"q": "淮"}), 400, "invalid_input")
    assert body["details"] == {"field": "q"} and "至少 2 个字" in body["message_zh"]


def test_method_not_allowed_says_which_methods(client):
    response = client.delete("/api/v1/public/subjects")
    _error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_unauthorized_and_forbidden(client, make_token):
    body = _error(client.get("/api/v1/subjects"), 401, "unauthorized")
    assert "令牌" in body["message_zh"]
    assert client.get("/api/v1/subjects").headers["WWW-Authenticate"].startswith("Bearer")
    _error(client.get("/api/v1/subjects", headers={"Authorization": "Basic dXNlcjpwdw=="}), 401, "unauthorized")
    _error(client.get("/api/v1/subjects", headers=bearer(make_token(["records:read"]))), 403, "forbidden")


def test_validation_errors_come_from_the_models(client, make_token):
    body = _error(client.get("/api/v1/public/subjects"), 422, "validation_error")
    assert body["details"] == [{"loc": ["q"], "msg": "Field required", "type": "missing"}]
    headers = bearer(make_token())
    body = _error(client.get("/api/v1/records", query_string={"limit": 0}, headers=headers), 422, "validation_error")
    assert body["details"][0]["loc"] == ["limit"]
    body = _error(client.post("/api/v1/subjects", json={"uscc": "x"}, headers=headers), 422, "validation_error")
    assert body["details"][0]["type"] == "list_type" and "input" not in body["details"][0]  # nothing sent comes back


def test_a_body_that_is_no_json_or_json_lines(client, make_token):
    headers = bearer(make_token())
    _error(client.post("/api/v1/subjects", data="a,b\n", content_type="text/csv", headers=headers), 415,
           "unsupported_media_type")
    _error(client.post("/api/v1/subjects", data="[{", content_type="application/json", headers=headers), 400,
           "bad_request")
    _error(client.get("/api/v1/public/subjects", query_string={"q": "a\x00b"}), 400, "bad_request")


@pytest.fixture
def limited_client(app_config, clock):
    app = create_app(Config(**{**app_config.as_dict(), "RATELIMIT_ENABLED": True, "RATELIMIT_PUBLIC_QUERY": "2 per minute"}),
                     clock)
    yield app.test_client()
    app.extensions["credit"].engine.dispose()


def test_too_many_requests_say_how_long_to_wait(limited_client):
    for _ in range(2):
        assert limited_client.get("/api/v1/public/list/versions").status_code == 200
    response = limited_client.get("/api/v1/public/list/versions")
    body = _error(response, 429, "too_many_requests")
    wait = int(response.headers["Retry-After"])
    assert body["details"] == {"retry_after": wait} and f"请等待 {wait} 秒后再试" in body["message_zh"]
    # Each public route is limited like /query; the document is not.
    assert limited_client.get("/api/v1/openapi.json").status_code == 200
