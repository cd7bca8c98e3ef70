"""The archive page, downloads, the credit report on demand, the public verify page, the job runs page."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace

import pytest

from credit.audit.actor import Actor
from credit.clock import LOCAL_TZ
from credit.notices import services
from credit.scheduler.models import JobRun
from tests.notices import pdfcheck
from tests.notices.samples import SAMPLES

STAFF = Actor(None, "test-reviewer")


@pytest.fixture
def issued(session, settings, clock, make_subject):
    """Two subjects with one grade change notice each."""

    def make():
        notices = []
        for name in ("甲专利代理所", "乙商标代理所"):
            subject = make_subject(name=name)
            sample = SAMPLES["grade_change"][0]
            document = replace(sample, subject=replace(sample.subject, name=name))
            notice, _ = services.issue(session, settings, document, event_key=f"grade-change:{subject.id}:x",
                                       subject_id=subject.id, actor=STAFF, now=clock.now())
            notices.append(notice)
        session.commit()
        return notices

    return make


def test_verify_shows_kind_number_date_recipient_and_hash_only(client, issued):
    notice = issued()[0]
    page = client.get(f"/verify/{notice.verification_code.lower()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in ("信用等级告知书", notice.document_no, "2026年11月26日", "甲专利代理所", notice.sha256):
        assert shown in html, shown
    # No score and no USCC (the hash and the code are taken out first: they may spell "78").
    body = html.split("<main")[-1].replace(notice.sha256, "").replace(notice.verification_code, "")
    body = body.replace(notice.verification_code.lower(), "")  # the code as typed, in the form
    assert "78" not in body and "91340403MA2N0B7X4L" not in html


@pytest.mark.parametrize("code", ["ABCDEFGHJKMN", "abc", "0000-0000-0000", "%3Cscript%3E", "x" * 200])
def test_unknown_or_malformed_codes_get_a_clear_not_found_page(client, code):
    page = client.get(f"/verify/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 404
    assert "未找到该核验码对应的文书" in html and "不是本局签发的" in html and "<script>" not in html


def test_the_verify_form_goes_to_the_code(client, issued):
    notice = issued()[0]
    code = notice.verification_code
    response = client.get(f"/verify?code={code[:4]}-{code[4:8]}-{code[8:]}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{code}")
    assert "核验码" in client.get("/verify").get_data(as_text=True)


def test_staff_browse_filter_and_download(client, login_as, issued):
    first, second = issued()
    login_as("inspector")
    html = client.get("/notices/").get_data(as_text=True)
    assert first.document_no in html and second.document_no in html and "共 2 份文书" in html
    html = client.get("/notices/?q=乙商标").get_data(as_text=True)
    assert second.document_no in html and first.document_no not in html
    assert "共 0 份文书" in client.get("/notices/?kind=credit_report").get_data(as_text=True)

    pdf = client.get(f"/notices/{first.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert hashlib.sha256(pdf.data).hexdigest() == first.sha256
    assert "attachment" in pdf.headers["Content-Disposition"]


def test_a_notice_whose_file_is_lost_is_a_404_not_a_500(client, login_as, issued, settings):
    notice = issued()[0]
    settings.files.path(notice.sha256).unlink()
    login_as("inspector")
    assert client.get(f"/notices/{notice.id}.pdf").status_code == 404


@pytest.mark.parametrize("query", ["endpoint=x", "_method=POST", "_external=1"])
def test_query_parameters_that_are_no_filter_are_ignored_not_a_500(client, login_as, issued, monkeypatch, query):
    from credit.notices import views
    monkeypatch.setattr(views, "PER_PAGE", 1)
    issued()
    login_as("inspector")
    response = client.get(f"/notices/?q=代理所&{query}")
    assert response.status_code == 200
    assert 'href="/notices/?page=2&amp;q=' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["abc", "-1", "0", "99", "9223372036854775807", "99999999999999999999999"])
def test_any_page_number_shows_a_page(client, login_as, issued, page):
    # A number whose offset does not fit the database's integer was a 500; past the end shows the last page.
    first, second = issued()
    login_as("inspector")
    response = client.get(f"/notices/?page={page}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and first.document_no in html and "第 1 / 1 页" in html


def test_a_firm_account_bound_to_no_subject_sees_no_notice(client, login_as, session, settings, clock):
    sample = SAMPLES["grade_change"][0]
    unbound, _ = services.issue(session, settings, sample, event_key="grade-change:none:x", subject_id=None,
                                actor=STAFF, now=clock.now())
    session.commit()
    login_as("firm", subject_id=None)
    assert client.get(f"/notices/{unbound.id}.pdf").status_code == 404


def test_a_firm_sees_and_downloads_only_its_own_notices(client, login_as, issued):
    own, other = issued()
    login_as("firm", subject_id=own.subject_id)
    html = client.get("/notices/").get_data(as_text=True)
    assert own.document_no in html and other.document_no not in html
    assert client.get(f"/notices/{own.id}.pdf").status_code == 200
    assert client.get(f"/notices/{other.id}.pdf").status_code == 404


def test_a_firm_asks_for_its_credit_report(client, login_as, post_form, make_subject, session):
    own, other = make_subject(name="申请报告企业", kind="firm"), make_subject(kind="firm")
    login_as("firm", subject_id=own.id)
    response = post_form(f"/notices/credit-report/{own.id}")
    assert response.status_code == 302
    pdf = client.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert post_form(f"/notices/credit-report/{own.id}").headers["Location"] == response.headers["Location"]
    assert post_form(f"/notices/credit-report/{other.id}").status_code == 404


def test_a_credit_report_asked_for_from_the_english_pages_is_still_in_chinese(client, login_as, post_form,
                                                                              make_subject):
    firm = make_subject(name="英文界面企业", kind="firm", district="340422")
    login_as("firm", subject_id=firm.id)
    client.get("/language/en")
    pdf = client.get(post_form(f"/notices/credit-report/{firm.id}").headers["Location"])
    assert 'filename="IP credit report-' in pdf.headers["Content-Disposition"]  # the page's language
    text = pdfcheck.text(pdf.data)
    for phrase in ("知识产权信用报告", "主体类型企业", "所在区县寿县"):
        assert phrase in text, phrase
    assert "credit report" not in text and "Firm" not in text and "Shou" not in text


def test_the_subject_page_lists_its_notices(client, login_as, issued):
    notice = issued()[0]
    login_as("reviewer")
    html = client.get(f"/subjects/{notice.subject_id}").get_data(as_text=True)
    assert notice.document_no in html and "出具今日信用报告" in html


def test_admins_see_failed_runs_with_their_traceback(client, login_as, session, clock):
    session.add(JobRun(job="issue_notices", scheduled_for=dt.datetime(2026, 11, 26, 2, tzinfo=LOCAL_TZ), trigger="schedule",
                       claimed_by="host:1", status="failed", started_at=clock.now(), finished_at=clock.now(),
                       summary="RuntimeError: 磁盘已满", traceback="Traceback (most recent call last):\n  RuntimeError: 磁盘已满"))
    session.commit()
    login_as("inspector")
    assert client.get("/admin/scheduler/").status_code == 403
    login_as("admin")
    html = client.get("/admin/scheduler/").get_data(as_text=True)
    for shown in ("定时任务", "签发新事件的告知书", "失败", "RuntimeError: 磁盘已满", "Traceback (most recent call last)",
                  "2026年11月27日"):
        assert shown in html, shown


@pytest.mark.parametrize(("text", "found"), [("%", 0), ("_", 0), ("甲专利", 1), ("代理所", 2)])
def test_the_archive_search_matches_the_text_as_typed(client, login_as, issued, text, found):
    # % and _ were LIKE wildcards: either found every notice.
    issued()
    login_as("inspector")
    response = client.get("/notices/", query_string={"q": text})
    assert response.status_code == 200 and f"共 {found} 份文书" in response.get_data(as_text=True)


def test_an_over_long_search_is_refused_not_a_500(client, login_as, issued):
    # SQLite refuses a LIKE pattern over 50,000 bytes: that was a 500.
    issued()
    login_as("inspector")
    response = client.get("/notices/", query_string={"q": "甲" * 60_000})
    assert response.status_code == 400 and "搜索内容至多 200 个字符" in response.get_data(as_text=True)
    assert client.get("/verify", query_string={"code": "A" * 60_000}).status_code == 400
