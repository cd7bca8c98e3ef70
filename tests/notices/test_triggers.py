"""What issues notices today: grade changes, list removals, the credit report, the monthly report."""
from __future__ import annotations

import datetime as dt

from sqlmodel import select

from credit.audit.actor import Actor
from credit.clock import LOCAL_TZ
from credit.listing.models import ListEntry
from credit.notices import triggers
from credit.notices.models import Notice
from credit.scoring.engine import recompute_subject
from tests.notices import pdfcheck

NIGHT = dt.datetime(2026, 11, 26, 2, 0, tzinfo=LOCAL_TZ)
DAY = dt.date(2026, 11, 26)


def days_before(n: int) -> dt.date:
    return DAY - dt.timedelta(days=n)


def notices(session, kind=None) -> list[Notice]:
    query = select(Notice).order_by(Notice.id)
    return list(session.exec(query.where(Notice.kind == kind) if kind else query).all())


def test_a_grade_change_issues_one_notice(session, settings, assess, make_subject, make_record):
    steady, falling = make_subject(name="稳定代理所"), make_subject(name="下滑代理所")
    assess(days_before(3))
    make_record(falling, "PA-PENALTY", days_before(2))  # 100 -> 80: A -> B
    assess(days_before(2), days_before(1), days_before(0))

    assert triggers.issue_grade_change_notices(session, settings, NIGHT) == 3  # two first grades, one change
    assert triggers.issue_grade_change_notices(session, settings, NIGHT) == 0
    session.commit()

    issued = notices(session, "grade_change")
    assert [(n.subject_id, n.event_key) for n in issued] == [
        (steady.id, f"grade-change:{steady.id}:{days_before(3)}:A"),
        (falling.id, f"grade-change:{falling.id}:{days_before(3)}:A"),
        (falling.id, f"grade-change:{falling.id}:{days_before(2)}:B"),
    ]
    text = pdfcheck.text(settings.files.path(issued[-1].sha256).read_bytes())
    for phrase in ("下滑代理所", "信用等级由A级调整为B级", "评分为80分", "警告或罚款", "一般"):
        assert phrase in text, phrase
    first = pdfcheck.text(settings.files.path(issued[0].sha256).read_bytes())
    assert "信用等级评定为A级" in first and "评价期内无计入评价的记录" in first


def test_a_change_during_the_day_is_told_the_next_night(session, settings, ctx, clock, assess, make_subject, make_record):
    subject = make_subject()
    assess(days_before(1), days_before(0))
    assert triggers.issue_grade_change_notices(session, settings, NIGHT) == 1  # its first grade, A

    # 10:00: a record is confirmed and today's assessment recomputed (after tonight's run saw it).
    make_record(subject, "PA-PENALTY", days_before(0))
    recompute_subject(session, ctx.catalog, subject.id, DAY, clock.now())
    session.commit()
    assess(DAY + dt.timedelta(days=1))  # 01:00 the next night

    assert triggers.issue_grade_change_notices(session, settings, NIGHT + dt.timedelta(days=1)) == 1
    assert notices(session)[-1].event_key == f"grade-change:{subject.id}:{DAY}:B"


def test_changes_older_than_the_look_back_are_left_alone(session, settings, assess, make_subject):
    make_subject()
    assess(days_before(triggers.LOOKBACK_DAYS + 1))
    assert triggers.issue_grade_change_notices(session, settings, NIGHT) == 0


def test_an_expired_list_entry_gets_its_removal_decision(session, settings, make_subject):
    subject = make_subject(name="期满代理所")
    session.add(ListEntry(id="SD-2023-000001", subject_id=subject.id, status="removed", reason="挂证",
                          legal_basis="《市场监督管理严重违法失信名单管理办法》", authority="淮南市市场监督管理局",
                          decision_no="淮市监失〔2023〕1号", listed_on=dt.date(2023, 11, 25),
                          planned_removal_on=days_before(1), removed_on=days_before(1), removal_reason="列入期限已届满。"))
    session.commit()

    assert triggers.issue_removal_notices(session, settings, NIGHT) == 1
    assert triggers.issue_removal_notices(session, settings, NIGHT) == 0
    notice = notices(session, "removal_decision")[0]
    text = pdfcheck.text(settings.files.path(notice.sha256).read_bytes())
    assert "SD-2023-000001" in text and "移出严重失信主体名单" in text and "期满代理所" in text


def test_the_credit_report_is_issued_once_per_assessment(session, settings, ctx, clock, make_subject, make_record):
    subject = make_subject(name="报告企业", kind="firm")
    make_record(subject, "FM-INFRINGE", dt.date(2026, 5, 1))
    staff = Actor(None, "test-inspector")

    first = triggers.issue_credit_report(session, settings, ctx.catalog, subject, staff, clock.now())
    again = triggers.issue_credit_report(session, settings, ctx.catalog, subject, staff, clock.now())
    session.commit()

    assert first.id == again.id and first.kind == "credit_report"
    text = pdfcheck.text(settings.files.path(first.sha256).read_bytes())
    for phrase in ("知识产权信用报告", "报告企业", "故意侵犯知识产权受行政处罚", "未被列入严重失信主体名单"):
        assert phrase in text, phrase
    # The next day the same stored result is reported again, dated that day.
    clock.advance(days=1)
    later = triggers.issue_credit_report(session, settings, ctx.catalog, subject, staff, clock.now())
    session.commit()
    assert later.id != first.id and later.issued_on == dt.date(2026, 11, 27)


def test_the_monthly_report_counts_and_charts_the_month(session, settings, ctx, assess, make_subject, make_record, tmp_path):
    subjects = [make_subject() for _ in range(3)]
    make_record(subjects[0], "PA-STOP-NEW", dt.date(2026, 10, 5))
    assess(dt.date(2026, 9, 30), dt.date(2026, 10, 31))
    session.add(ListEntry(id="SD-2026-000001", subject_id=subjects[0].id, status="listed", reason="停止承接新业务",
                          legal_basis="《市场监督管理严重违法失信名单管理办法》", authority="淮南市市场监督管理局",
                          decision_no="淮市监失〔2026〕1号", listed_on=dt.date(2026, 10, 20),
                          planned_removal_on=dt.date(2029, 10, 20)))
    session.commit()

    report = triggers.monthly_report(session, ctx.catalog, dt.date(2026, 10, 1))
    assert report.grade_distribution == {"A": 2, "D": 1}  # 100 - 60, and listed
    assert report.months[0] == "2025-11" and report.months[-1] == "2026-10"
    assert report.list_added[-1] == 1 and sum(report.list_added) == 1 and sum(report.list_removed) == 0
    assert report.grade_trend["A"][-2:] == [3, 2]
    assert ("本月决定的失信记录（条）", "1") in report.key_figures
    # The packages' own sections (credit/cases/__init__.py: the case pipeline).
    assert [section.heading for section in report.sections] == ["“蓝天”专项整治行动案件办理情况"]

    notice = triggers.issue_monthly_report(session, settings, ctx.catalog, dt.datetime(2026, 11, 1, 6, tzinfo=LOCAL_TZ))
    assert notice.event_key == "monthly-report:2026-10" and notice.subject_id is None
    pdf = settings.files.path(notice.sha256).read_bytes()
    text = pdfcheck.text(pdf)
    for phrase in ("知识产权信用监管月度报告", "2026年10月", "信用等级分布", "近十二个月列入与移出", "各信用等级主体数"):
        assert phrase in text, phrase
    assert "案件进度" not in text
    assert all(pdfcheck.font_report(pdf).values())
    assert pdfcheck.ink_share(pdfcheck.first_page_png(pdf, tmp_path)) > 0.01


def test_the_monthly_report_counts_dishonesty_only_and_subjects_by_their_registration_date(
        session, ctx, make_subject, make_record):
    # All three rows are written today (2026-11-26); the data says when two of them were registered.
    early, recent, _undated = make_subject(), make_subject(), make_subject()
    early.registered_on, recent.registered_on = dt.date(2019, 5, 6), dt.date(2026, 11, 3)
    session.commit()
    make_record(early, "PA-PENALTY", dt.date(2026, 10, 9))
    make_record(early, "ANY-HONOUR", dt.date(2026, 10, 12), category="general")  # an honour is no dishonesty
    make_record(recent, "PA-SOLICIT", dt.date(2026, 9, 30))  # the month before

    october = dict(triggers.monthly_report(session, ctx.catalog, dt.date(2026, 10, 1)).key_figures)
    november = dict(triggers.monthly_report(session, ctx.catalog, dt.date(2026, 11, 1)).key_figures)

    assert october["在册主体（户）"] == "1" and november["在册主体（户）"] == "3"
    assert october["本月决定的失信记录（条）"] == "1"
