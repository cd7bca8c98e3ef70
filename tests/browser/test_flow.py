"""The whole daily flow in a real browser: register, record with evidence, review, see the new grade."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from credit.subjects.services import synthetic_uscc

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def log_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("demo-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()


def test_inspector_records_reviewer_confirms_and_the_grade_drops(page: Page, tmp_path):
    uscc = synthetic_uscc(777, "340403")
    evidence = tmp_path / "行政处罚决定书.pdf"
    evidence.write_bytes(PDF)

    # The inspector registers the agency ...
    log_in(page, "inspector1")
    page.get_by_role("navigation").get_by_role("link", name="主体").click()
    page.get_by_role("link", name=re.compile("登记.*主体")).click()
    page.get_by_label("统一社会信用代码").fill(uscc)
    page.get_by_label("名称").fill("淮南浏览器专利代理事务所")
    page.get_by_label("主体类型").select_option("patent_agency")
    page.get_by_label("区县").select_option("340403")
    page.get_by_label("法定代表人").fill("周七")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("淮南浏览器专利代理事务所")
    expect(page.get_by_text("尚未评价")).to_be_visible()

    # ... and records a penalty with its decision as evidence.
    page.get_by_role("link", name="录入失信行为或表彰记录").click()
    page.get_by_label("记录类型").select_option("PA-PENALTY")
    page.get_by_label("决定日期").fill("2026-10-12")
    page.get_by_label("决定文号").fill("淮市监罚〔2026〕31号")
    page.get_by_label("事实").fill("以不正当手段招揽业务，经查证属实，予以警告。")
    page.get_by_label("证据文件").set_input_files(str(evidence))
    page.get_by_role("button", name="保存并提交审核").click()
    expect(page.locator("#status")).to_have_text("待审核")
    expect(page.get_by_role("link", name="行政处罚决定书.pdf")).to_be_visible()
    log_out(page)

    # A reviewer finds it in the queue and confirms it.
    log_in(page, "reviewer1")
    page.get_by_role("navigation").get_by_role("link", name="待审核记录").click()
    queue = page.locator("#queue")
    expect(queue).to_contain_text("淮南浏览器专利代理事务所")
    queue.get_by_role("link", name="审核").first.click()
    page.locator("#confirm-reason").fill("决定书与证据一致。")
    page.get_by_role("button", name="确认", exact=True).click()

    # The subject page shows the lowered grade and the row that explains it.
    expect(page.get_by_text("信用评价已重新计算")).to_be_visible()
    expect(page.locator("#grade")).to_have_text("B")
    expect(page.locator("#score")).to_have_text("80")
    row = page.locator("#explanation tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("PA-PENALTY")
    expect(row).to_contain_text("《专利代理条例》第二十五条")
    expect(row).to_contain_text("-20")
    expect(page.locator("#records")).to_contain_text("已确认")
    expect(page.locator("svg circle")).to_have_count(1)
    shot = tmp_path / "subject-page.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
