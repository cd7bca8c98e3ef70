"""The list in a real browser: a candidate from the demo data taken through the procedure by the
officer of each step, published by the publisher, and shown on the public list."""
from __future__ import annotations

from playwright.sync_api import Page, expect

from credit.demo import load_demo
from tests.browser.test_flow import log_in, log_out


def test_a_candidate_is_listed_published_and_shown_to_the_public(page: Page, session, ctx, clock):
    load_demo(session, ctx.catalog, clock.now(), clock.today())
    session.commit()

    log_in(page, "inspector1")
    page.goto("/list/candidates")
    row = page.locator("#candidates tbody tr", has=page.get_by_role("button", name="提请列入")).first
    name = row.locator("td").nth(1).locator("a").inner_text()
    row.get_by_role("button", name="提请列入").click()
    expect(page.locator("#status")).to_have_text("已提请")
    page.get_by_label("送达日期").fill("2026-11-26")
    page.get_by_role("button", name="出具事先告知书并记录送达").click()
    expect(page.locator("#status")).to_have_text("已送达事先告知书")
    page.get_by_label("当事人提出").select_option("waiver")
    page.get_by_label("收到日期").fill("2026-11-26")
    page.get_by_role("button", name="记录当事人陈述申辩").click()
    expect(page.locator("#status")).to_have_text("已听取陈述申辩")
    procedure_url = page.url
    log_out(page)

    log_in(page, "reviewer1")
    page.goto(procedure_url)
    page.get_by_label("上级机关同意日期").fill("2026-11-26")
    page.get_by_label("同意文号").fill("皖市监函〔2026〕30号")
    page.get_by_role("button", name="记录上级机关同意").click()
    expect(page.locator("#status")).to_have_text("上级机关已同意")
    page.get_by_role("button", name="作出列入决定").click()
    expect(page.locator("#status")).to_have_text("已决定")
    log_out(page)

    log_in(page, "publisher1")
    page.get_by_role("navigation").get_by_role("link", name="名单工作台").click()
    expect(page.locator("#queue")).to_contain_text(name)
    page.get_by_role("button", name="发布新版名单").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("名单第2版")
    expect(page.locator("#delta-added")).to_contain_text(name)
    log_out(page)

    page.goto("/list")
    expect(page.locator("#list")).to_contain_text(name)
    page.get_by_label("名称或统一社会信用代码").fill(name)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#list tbody tr")).to_have_count(1)
