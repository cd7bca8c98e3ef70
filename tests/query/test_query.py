"""The public credit query: published facts only, by exact USCC or part of the name, paged, and
rate limited per client with a Chinese 429 page that says how long to wait."""
from __future__ import annotations

import datetime as dt

import pytest

from config import Config
from credit import create_app
from credit.errors import InvalidInput
from credit.query.services import query_subjects
from credit.scoring.services import reassess


@pytest.fixture
def registry(session, ctx, clock, make_subject, make_record):
    agency = make_subject(kind="patent_agency", name="淮南公开查询专利代理所")
    make_record(agency, "PA-PENALTY", dt.date(2026, 10, 1))
    make_subject(kind="firm", name="淮南公开查询科技有限公司")
    make_subject(kind="firm", name="寿县100%_测试公司")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=[agency.id], reason="test")
    session.commit()
    return agency


def test_by_exact_uscc_or_part_of_the_name(session, clock, registry):
    page = query_subjects(session, registry.uscc, clock.today())
    assert [(s.name, s.grade, s.tier, s.listed, s.assessed_on) for s in page.items] == [
        ("淮南公开查询专利代理所", "B", "一般", False, clock.today())]
    assert [s.name for s in query_subjects(session, "公开查询", clock.today()).items] == [
        "淮南公开查询专利代理所", "淮南公开查询科技有限公司"]
    assert [s.name for s in query_subjects(session, "100%_", clock.today()).items] == ["寿县100%_测试公司"]
    assert query_subjects(session, "0%", clock.today()).total == 1  # % is a character, not a wildcard
    with pytest.raises(InvalidInput):
        query_subjects(session, "淮", clock.today())


def test_the_page_shows_published_facts_only_and_refuses_one_character(client, registry):
    page = client.get("/query", query_string={"q": "公开查询"}).get_data(as_text=True)
    assert "淮南公开查询专利代理所" in page and registry.uscc in page and "共找到 2 个主体" in page
    assert "PA-PENALTY" not in page and "淮市监罚" not in page and f"/subjects/{registry.id}" not in page
    refused = client.get("/query", query_string={"q": "淮"})
    assert refused.status_code == 400 and "至少 2 个字" in refused.get_data(as_text=True)


def test_results_are_paged(client, make_subject):
    for i in range(23):
        make_subject(kind="firm", name=f"分页测试企业{i:02d}")
    first = client.get("/query", query_string={"q": "分页测试"}).get_data(as_text=True)
    assert "分页测试企业19" in first and "分页测试企业20" not in first and "第 1 / 2 页" in first
    second = client.get("/query", query_string={"q": "分页测试", "page": 2}).get_data(as_text=True)
    assert "分页测试企业22" in second and "分页测试企业00" not in second


def test_too_many_queries_answer_429_with_the_wait_in_chinese(app_config, clock):
    app = create_app(Config(**{**app_config.as_dict(), "RATELIMIT_ENABLED": True,
                               "RATELIMIT_PUBLIC_QUERY": "3 per minute"}), clock)
    client = app.test_client()
    answers = [client.get("/query", query_string={"q": "淮南"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get("/query", query_string={"q": "淮南"})
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 60 and f"请等待 {wait} 秒后再试" in response.get_data(as_text=True)
    other = app.test_client()
    assert other.get("/query", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 200  # per client
    app.extensions["credit"].engine.dispose()
