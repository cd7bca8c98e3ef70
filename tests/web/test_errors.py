"""Error pages: Chinese by default, the right status, never a traceback; CSRF failures change nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from credit import create_app
from credit.accounts.authz import public
from credit.audit.models import AuditEvent
from credit.clock import LOCAL_TZ
from credit.errors import Conflict
from credit.scoring.models import Assessment
from tests.actions import csrf_token


def _no_traceback(page: str) -> None:
    assert "Traceback" not in page and 'File "' not in page


def test_unknown_page_is_a_chinese_404(client, login_as):
    login_as("inspector")
    response = client.get("/no/such/page")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "页面不存在" in page
    _no_traceback(page)


def test_unknown_id_in_a_url_is_a_chinese_404(client, login_as):
    login_as("inspector")
    response = client.get("/subjects/999999")
    assert response.status_code == 404 and "不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/subjects/99999999999999999999999", "/records/9223372036854775808",
                                 "/evidence/99999999999999999999999", "/notices/99999999999999999999999.pdf"])
def test_an_id_too_large_for_the_database_is_a_404(client, login_as, url):
    # It used to reach the query and overflow the driver's integer (a 500).
    login_as("admin")
    response = client.get(url)
    assert response.status_code == 404 and "不存在" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/subjects/?name=%00", "/subjects/export.csv?uscc=a&uscc=b%00", "/admin/audit/?actor=%00",
                                 "/notices/?q=%00"])
def test_a_nul_character_in_the_query_is_a_400(client, login_as, url):
    # PostgreSQL refuses NUL in text parameters: the request must stop before it reaches the database.
    login_as("admin")
    response = client.get(url)
    assert response.status_code == 400 and "无法处理" in response.get_data(as_text=True)


def test_a_nul_character_in_a_path_argument_is_a_400(client, login_as):
    # A text id in the path (a list entry's SD-... id) reaches the database like a query value.
    login_as("reviewer")
    response = client.get("/list/entries/a%00b")
    assert response.status_code == 400 and "无法处理" in response.get_data(as_text=True)


def test_a_nul_character_in_a_posted_field_is_a_400_and_changes_nothing(client, session, make_user):
    make_user("inspector", username="nul-user")
    response = client.post("/login", data={"csrf_token": csrf_token(client), "username": "nul\x00user",
                                           "password": "demo-password"})
    assert response.status_code == 400
    assert session.exec(select(AuditEvent)).all() == []


def test_inspector_opening_an_admin_page_gets_403(client, login_as):
    login_as("inspector")
    response = client.get("/admin/audit/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "无权访问" in page
    _no_traceback(page)


def test_wrong_method_is_405(client):
    response = client.get("/logout")
    assert response.status_code == 405 and "不支持的请求方式" in response.get_data(as_text=True)


def test_oversized_body_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"username": "x" * 4096, "password": "y"})
    assert response.status_code == 413 and "上传内容过大" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "tampered-token"])
def test_missing_or_tampered_csrf_token_is_400_and_changes_nothing(client, session, make_user, token):
    user = make_user("inspector")
    data = {"username": user.username, "password": "demo-password"}
    if token:
        data["csrf_token"] = csrf_token(client)[:-4] + "AAAA"
    response = client.post("/login", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "安全令牌缺失或无效" in page
    _no_traceback(page)
    assert client.get("/").status_code == 302  # not logged in
    assert session.exec(select(AuditEvent)).all() == []


@pytest.fixture
def failing_app(app_config, clock):
    """The app with two views that fail, and exceptions handled as in production."""
    app = create_app(app_config, clock)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    @public
    def boom():
        raise RuntimeError("secret internals")

    @app.route("/conflict")
    @public
    def conflict():
        raise Conflict("该主体已存在", "the subject already exists")

    return app


def test_server_error_page_shows_no_traceback(failing_app):
    response = failing_app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "服务器错误" in page
    assert "secret internals" not in page
    _no_traceback(page)


def test_domain_error_shows_its_message_with_its_status(failing_app):
    client = failing_app.test_client()
    response = client.get("/conflict")
    assert response.status_code == 409 and "该主体已存在" in response.get_data(as_text=True)
    client.get("/language/en")
    assert "the subject already exists" in client.get("/conflict").get_data(as_text=True)


def test_a_date_before_the_first_catalog_version_is_a_400_page_not_a_500(client, login_as, make_subject, session, clock,
                                                                         post_form):
    # NoCatalogInForce is a DomainError: the page says why, in the page's language.
    agency, firm = make_subject(), make_subject(kind="firm")
    login_as("inspector")
    clock.instant = dt.datetime(2019, 6, 1, 10, 0, tzinfo=LOCAL_TZ)
    response = client.get(f"/subjects/{agency.id}/records/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "2019-06-01 早于第一版信用规则目录的生效日期 2020-01-01，无法评价" in page
    _no_traceback(page)
    client.get("/language/en")
    page = client.get(f"/subjects/{agency.id}/records/new").get_data(as_text=True)
    assert "2019-06-01 is before the first catalog version (2020-01-01): no assessment is possible" in page

    login_as("firm", subject_id=firm.id)
    events = len(session.exec(select(AuditEvent)).all())
    response = post_form(f"/notices/credit-report/{firm.id}")
    assert response.status_code == 400 and "is before the first catalog version" in response.get_data(as_text=True)
    session.expire_all()
    assert len(session.exec(select(AuditEvent)).all()) == events and session.exec(select(Assessment)).all() == []
