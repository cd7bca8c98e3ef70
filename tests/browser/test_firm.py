"""A firm in a real browser: it activates its account, sees that its grade is C and which records
made it so, objects to one record, applies for repair of another and downloads its credit report."""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from credit.activation.services import issue_code
from credit.audit.actor import Actor
from credit.scoring.services import reassess

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def firm(live_server, session, ctx, clock, make_subject, make_record):
    subject = make_subject(kind="firm", name="淮南浏览器科技有限公司")
    disputed = make_record(subject, "FM-INFRINGE", dt.date(2026, 10, 1))
    repairable = make_record(subject, "FM-COUNTERFEIT-PATENT", dt.date(2026, 3, 2))
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[subject.id], reason="test")
    _row, code = issue_code(session, subject, Actor(None, "inspector1"), clock.now())
    session.commit()
    return subject, code, disputed, repairable


def test_a_firm_activates_sees_why_objects_applies_for_repair_and_downloads_its_report(page: Page, firm, tmp_path):
    subject, code, disputed, repairable = firm
    statement = tmp_path / "情况说明.pdf"
    statement.write_bytes(PDF)

    # Activation with the USCC and the code from its grade notice ...
    page.goto("/login")
    page.get_by_role("link", name="激活企业账号").click()
    page.get_by_label("统一社会信用代码").fill(subject.uscc)
    page.get_by_label("激活码").fill(code)
    page.get_by_label("用户名").fill("liulanqi")
    page.get_by_label("密码", exact=True).fill("browser-password")
    page.get_by_label("再次输入密码").fill("browser-password")
    page.get_by_role("button", name="激活").click()
    expect(page.get_by_text("账号 liulanqi 已开通")).to_be_visible()

    # ... then the login lands on its credit page: grade C, and the two records that made it so.
    page.get_by_label("用户名").fill("liulanqi")
    page.get_by_label("密码").fill("browser-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("淮南浏览器科技有限公司")
    expect(page.locator("#grade")).to_have_text("C")
    expect(page.locator("#score")).to_have_text("60")
    rows = page.locator("#explanation tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#explanation")).to_contain_text("FM-INFRINGE")
    expect(page.locator("#explanation")).to_contain_text("FM-COUNTERFEIT-PATENT")

    # It objects to the infringement record, with a statement attached.
    page.locator(f"#record-{disputed.id}").get_by_role("link", name="提出异议").click()
    page.get_by_label("理由").fill("该处罚决定已被复议机关撤销。")
    page.get_by_label("证明材料").set_input_files(str(statement))
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#application-status")).to_have_text("异议处理中")
    expect(page.get_by_role("link", name="情况说明.pdf")).to_be_visible()

    # It applies for repair of the older record, declaring the penalty performed.
    page.get_by_role("navigation").get_by_role("link", name="本单位信用").click()
    expect(page.locator(f"#record-{disputed.id}")).to_contain_text("异议处理中")
    page.locator(f"#record-{repairable.id}").get_by_role("link", name="申请信用修复").click()
    page.get_by_label("理由").fill("罚款已缴清，已完成整改。")
    page.get_by_label("本单位已履行").check()
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#application-status")).to_have_text("审核中")

    # The credit report: issued, listed at once, downloaded.
    page.get_by_role("navigation").get_by_role("link", name="本单位信用").click()
    expect(page.locator("#applications tbody tr")).to_have_count(2)
    page.get_by_role("button", name="出具今日信用报告（PDF）").click()
    expect(page.get_by_text("信用报告 淮知信报")).to_be_visible()
    report = page.locator("#notice-list li", has_text="信用报告")
    with page.expect_download() as download:
        report.get_by_role("link", name="下载 PDF").click()
    target = tmp_path / "report.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
