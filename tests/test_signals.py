"""Hooks between packages (credit.signals): what a package connects reaches the page, job or report
of another, and the packages' own receivers are connected once the app exists."""
from __future__ import annotations

import datetime as dt

import pytest
from jinja2 import ChoiceLoader, DictLoader
from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.audit.services import record_event
from credit.clock import LOCAL_TZ
from credit.notices.kinds import ReportSection
from credit.notices.layout import Text
from credit.notices.models import Notice
from credit.scheduler import runner
from credit.signals import demo_loaded, home_sections, monthly_report_sections, nightly_sweep, subject_page_sections
from credit.web.sections import Section
from tests.notices import pdfcheck


def test_a_connected_section_appears_on_the_subject_page_in_its_place(app, client, login_as, make_subject):
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"cases/_section.html": '<section id="cases">{{ section.text }}</section>'}), app.jinja_env.loader])
    subject = make_subject(name="挂钩测试代理所")
    seen = []

    def cases_section(sender, session):
        seen.append((sender.id, session is not None))
        return Section("cases/_section.html", {"text": f"{sender.name}的案件"}, order=-1)

    login_as("reviewer")
    with subject_page_sections.connected_to(cases_section):
        html = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert seen == [(subject.id, True)]
    # Its own section, then the notices package's (connected in credit/notices/__init__.py), by order.
    assert '<section id="cases">挂钩测试代理所的案件</section>' in html
    assert html.index('id="cases"') < html.index('id="notices-heading"')
    assert 'id="cases"' not in client.get(f"/subjects/{subject.id}").get_data(as_text=True)


@pytest.fixture
def sweep_receiver():
    """A package's sweep: writes an audit event in the job's transaction and says what it did."""

    def sweep(sender, now: dt.datetime):
        record_event(sender, actor="scheduler", action="case.deadline_check", object_type="case", object_id=0, now=now)
        return "案件期限检查完成"

    with nightly_sweep.connected_to(sweep):
        yield


def test_the_nightly_sweep_runs_every_connected_receiver_in_the_jobs_transaction(app, session, sweep_receiver):
    with app.app_context():
        outcome = runner.run_job("expiry_sweep", dt.datetime(2026, 11, 26, 3, tzinfo=LOCAL_TZ))
    assert outcome.status == "succeeded"
    # The list's and the cases' own sweeps (credit/listing/__init__.py, credit/cases/__init__.py) ran beside it.
    assert outcome.summary == ("到期移出名单 0 条 / 0 list entries expired; 案件期限检查完成; 案件：信用监测线索 0 条，新逾期 0 件，"
                               "3日内到期 0 件 / cases: 0 leads from credit monitoring, 0 newly overdue, 0 due within 3 days")
    assert session.exec(select(AuditEvent.action)).all() == ["case.deadline_check"]


def test_a_failing_receiver_fails_the_sweep_and_nothing_is_written(app, session, sweep_receiver):
    def broken(sender, now):
        raise RuntimeError("期限表损坏")

    with nightly_sweep.connected_to(broken), app.app_context():
        outcome = runner.run_job("expiry_sweep", dt.datetime(2026, 11, 26, 3, tzinfo=LOCAL_TZ))
    assert outcome.status == "failed" and "期限表损坏" in outcome.summary
    assert session.exec(select(AuditEvent)).all() == []


def test_the_monthly_report_includes_the_connected_sections(app, session):
    asked = []

    def plan_section(sender, first: dt.date, last: dt.date):
        asked.append((first, last))
        return ReportSection("规划指标完成情况", [Text("双随机抽查覆盖率目标 100%，完成 96%。")])

    with monthly_report_sections.connected_to(plan_section), app.app_context():
        # The 1st-of-month job reaches the notices package's report through credit.signals too.
        outcome = runner.run_job("monthly_report", dt.datetime(2026, 11, 1, 6, tzinfo=LOCAL_TZ))
    assert outcome.status == "succeeded" and "monthly report 淮知监报〔2026〕" in outcome.summary
    assert asked == [(dt.date(2026, 10, 1), dt.date(2026, 10, 31))]
    notice = session.exec(select(Notice)).one()
    text = pdfcheck.text(app.extensions["credit"].files.path(notice.sha256).read_bytes())
    assert "四、近十二个月信用等级趋势" in text and "五、规划指标完成情况" in text and "完成96%" in text  # (read back without spaces)


def test_a_connected_section_appears_on_the_home_page_for_the_user_it_is_for(app, client, login_as):
    app.jinja_env.loader = ChoiceLoader([
        DictLoader({"cases/_home.html": '<section id="overdue">{{ section.text }}</section>'}), app.jinja_env.loader])

    def overdue_cases(sender, session):
        return Section("cases/_home.html", {"text": f"{sender.username}: 2"}) if sender.role == "inspector" else None

    with home_sections.connected_to(overdue_cases):
        login_as("inspector")
        assert '<section id="overdue">' in client.get("/").get_data(as_text=True)
        login_as("reviewer")
        assert 'id="overdue"' not in client.get("/").get_data(as_text=True)


def test_the_demo_lets_each_package_add_its_data_in_the_same_transaction(runner, session):
    from credit.cli import main

    def add_cases(sender, catalog, now, rng):
        record_event(sender, actor="demo", action="case.demo", object_type="case", object_id=rng.randint(1, 9),
                     data={"version": catalog.versions[-1].version}, now=now)

    with demo_loaded.connected_to(add_cases):
        assert runner.invoke(main, ["demo"]).exit_code == 0
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "case.demo")).one()
