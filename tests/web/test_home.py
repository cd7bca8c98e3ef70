"""The home page after login: figures, and only the shortcuts the role may open."""
from __future__ import annotations


def test_inspector_sees_the_registry_shortcuts_but_not_the_audit_log(client, login_as, make_subject):
    make_subject()
    login_as("inspector", display_name="检查员 王明")
    page = client.get("/").get_data(as_text=True)
    assert "欢迎，检查员 王明" in page and "您当前的身份是：检查员。" in page
    assert '<span class="figure">1</span> 个已登记主体' in page
    assert "登记主体" in page and "审计日志" not in page and "审核违法失信记录" not in page


def test_admin_sees_the_audit_log_in_the_menu_and_the_shortcuts(client, login_as):
    login_as("admin")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/audit/">审计日志</a>' in page and "查阅并校验审计日志" in page


def test_firm_user_lands_on_its_own_credit_page(client, login_as, make_subject):
    subject = make_subject(kind="firm", name="淮南市某某科技有限公司")
    login_as("firm", subject_id=subject.id)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/firm/"
    page = client.get("/firm/").get_data(as_text=True)
    assert "<h1>淮南市某某科技有限公司</h1>" in page and subject.uscc in page and "个已登记主体" not in page


def test_home_in_english(client, login_as):
    login_as("reviewer")
    client.get("/language/en")
    page = client.get("/").get_data(as_text=True)
    assert "You are logged in as Reviewer." in page and "Review recorded violations" in page
