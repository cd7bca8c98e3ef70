"""A firm on the serious-dishonesty list in a real browser: from its credit page it applies for
early removal of its entry (申请提前移出) with its good-faith commitment attached, and sees the
application's status there and on the application's page; the reviewer then grants it."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser.test_flow import log_in, log_out

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_a_firm_applies_for_early_removal_and_sees_its_status(page: Page, live_server, make_subject, make_entry,
                                                                make_user, tmp_path):
    subject = make_subject(kind="firm", name="淮南名单浏览器有限公司")
    entry = make_entry(subject, dt.date(2025, 6, 2))  # listed more than a year before the clock's day
    make_user("firm", username="mingdan", subject_id=subject.id)
    make_user("reviewer", username="shenhe")
    commitment = tmp_path / "信用承诺书.pdf"
    commitment.write_bytes(PDF)

    log_in(page, "mingdan")
    row = page.locator(f"#entry-{entry.id}")
    expect(row).to_contain_text("列入中")
    row.get_by_role("link", name="申请提前移出").click()
    expect(page.locator("#entry")).to_contain_text(entry.decision_no)
    page.get_by_label("理由").fill("罚款已全部缴清，已消除不良影响。")
    page.get_by_label("本单位已履行").check()
    page.get_by_label("证明材料").set_input_files(str(commitment))
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("#application-status")).to_have_text("提前移出审核中")
    expect(page.get_by_role("link", name="信用承诺书.pdf")).to_be_visible()
    expect(page.get_by_text("2026年12月17日")).to_be_visible()  # 15 working days from 26 November

    page.get_by_role("navigation").get_by_role("link", name="本单位信用").click()
    expect(page.locator(f"#entry-{entry.id}")).to_contain_text("提前移出审核中")
    expect(page.locator("#applications")).to_contain_text("提前移出申请")
    log_out(page)

    log_in(page, "shenhe")
    page.goto("/applications/review")
    page.locator("#applications-queue tr", has_text=entry.id).get_by_role("link", name="办理").click()
    page.get_by_label("准予提前移出").check()
    page.get_by_label("理由").fill("已履行行政处罚义务，符合提前移出条件。")
    page.get_by_role("button", name="作出决定并签发答复书").click()
    expect(page.locator("#application-status")).to_have_text("准予提前移出")
    log_out(page)

    log_in(page, "mingdan")
    expect(page.locator(f"#entry-{entry.id}")).to_contain_text("已移出")
    expect(page.locator("#notice-list")).to_contain_text("移出严重失信主体名单决定书")
