"""A Blue Sky case in a real browser: an inspector registers a lead, a reviewer opens the case, the
inspector investigates and serves the prior notice, the reviewer decides (the record it creates
links back to the case), and the case closes."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_flow import log_in, log_out


def test_a_lead_is_taken_to_a_closed_case(page: Page, make_subject):
    subject = make_subject("patent_agency", name="淮南浏览器蓝天代理所")

    log_in(page, "inspector1")
    page.get_by_role("navigation").get_by_role("link", name="“蓝天”案件").click()
    page.get_by_role("link", name="登记线索").click()
    page.get_by_label("线索来源").select_option("complaint")
    page.get_by_label("违法行为类型").select_option("abnormal_filing_agency")
    page.get_by_label("线索内容").fill("群众举报该所代理大量非正常专利申请。")
    page.get_by_label("已登记主体（统一社会信用代码）").fill(subject.uscc)
    page.get_by_role("button", name="登记线索").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("淮知蓝天〔2026〕1号：线索登记")
    page.locator("#step-verification").get_by_role("button").click()
    expect(page.locator("#stage")).to_have_text("核查")
    log_out(page)

    log_in(page, "reviewer1")
    page.goto("/cases/")
    page.get_by_role("link", name="淮知蓝天〔2026〕1号").click()
    page.locator("#step-opened").get_by_role("button").click()
    expect(page.locator("#stage")).to_have_text("立案")
    case_url = page.url
    log_out(page)

    log_in(page, "inspector1")
    page.goto(case_url)
    page.locator("#step-investigation").get_by_role("button").click()
    page.locator("#propose").get_by_label("处理").select_option("fine")
    page.locator("#propose").get_by_label("金额（元）").fill("20000")
    page.get_by_role("button", name="提出该处理意见").click()
    expect(page.locator("#dispositions")).to_contain_text("拟处理")
    notice = page.locator("#step-prior_notice")
    notice.get_by_label("查明的违法事实").fill("该所2026年代理非正常专利申请86件。")
    notice.get_by_label("法律依据").fill("《专利代理条例》第二十五条")
    notice.get_by_role("button").click()
    expect(page.locator("#stage")).to_have_text("行政处罚告知")
    expect(page.locator("#notices")).to_contain_text("行政处罚告知书")
    # The decision waits for the party's statement period, unless what it said is recorded.
    statement = page.locator("#step-hearing")
    statement.get_by_label("理由或情况说明").fill("当事人陈述称已停止代理非正常申请。")
    statement.get_by_role("button").click()
    expect(page.locator("#stage")).to_have_text("陈述申辩或听证")
    log_out(page)

    log_in(page, "reviewer1")
    page.goto(case_url)
    page.locator("#step-decided").get_by_role("button").click()
    expect(page.locator("#stage")).to_have_text("作出决定")
    expect(page.locator("#notices")).to_contain_text("行政处罚决定书")
    expect(page.locator("#records")).to_contain_text("PA-PENALTY")
    # The draft record and the case link each other.
    page.locator("#records").get_by_role("link").click()
    back = page.locator("#record-cases")
    expect(back).to_contain_text("据以录入本记录的“蓝天”案件")
    back.get_by_role("link", name="淮知蓝天〔2026〕1号").click()
    expect(page).to_have_url(case_url)
    log_out(page)

    log_in(page, "inspector1")
    page.goto(case_url)
    page.locator("#step-execution").get_by_role("button").click()
    closing = page.locator("#step-closed")
    closing.get_by_label("理由或情况说明").fill("罚款已缴纳，执行完毕。")
    closing.get_by_role("button").click()
    expect(page.locator("#stage")).to_have_text("结案")
    expect(page.locator("#timeline")).to_contain_text(re.compile("执行 → 结案"))
