"""Which events issue which notice, and the data each document needs.

Triggers that exist today: grade changes (from assessments), removals from the list when their
period ends (the expiry sweep), the credit report on demand and the monthly report. The listing
procedure, Blue Sky cases, objections and repairs attach their own events when they land, with
the kinds already in ``kinds.py`` and the event-key scheme below.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from credit.audit.actor import SCHEDULER, Actor
from credit.catalog.loader import Catalog, CatalogVersionSpec
from credit.catalog.services import stored_version
from credit.clock import LOCAL_TZ, FixedClock, to_local
from credit.dates import Period
from credit.db import write_lock
from credit.i18n import chinese
from credit.listing.models import ListEntry
from credit.notices.kinds import (
    CountedRecord, CreditReport, GradeChange, ListStatus, MonthlyReport, RemovalDecision, SubjectInfo,
)
from credit.notices.models import Notice
from credit.notices.services import NoticeSettings, issue
from credit.scoring.engine import contributions
from credit.scoring.models import Assessment
from credit.scoring.queries import assessment_in_force, in_force
from credit.scoring.services import reassess
from credit.signals import grade_notice_activation, monthly_report_sections
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS, Subject
from credit.records.models import Record

# How far back the daily run looks for events it has not issued yet: a week of downtime.
LOOKBACK_DAYS = 7
LIST_STATUS_LABELS = {"listed": _l("on the list"), "removed": _l("removed from the list")}


def subject_info(subject: Subject) -> SubjectInfo:
    return SubjectInfo(subject.name, subject.uscc, chinese(SUBJECT_KINDS[subject.kind]),
                       chinese(DISTRICTS.get(subject.district, subject.district)), subject.legal_representative)


class _Versions(dict):
    """The catalog versions assessments were computed with, parsed once per run."""

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def __missing__(self, name: str) -> CatalogVersionSpec:
        self[name] = stored_version(self.session, name)
        return self[name]


def counted_records(session: Session, assessment: Assessment, version: CatalogVersionSpec) -> list[CountedRecord]:
    return [CountedRecord(version.rule(c.rule_code).behaviour, c.record.decision_date, c.record.document_no, c.points,
                          c.counted_points, version.rule(c.rule_code).reference)
            for c in contributions(session, [assessment])[assessment.id]]


# ---------------------------------------------------------------------------------------------
# Grade changes


def grade_change_key(subject_id: int, as_of: dt.date, grade: str) -> str:
    return f"grade-change:{subject_id}:{as_of.isoformat()}:{grade}"


def grade_changes(session: Session, today: dt.date) -> list[tuple[Assessment, str | None]]:
    """Results that took effect in the look-back whose grade differs from the one in force the day before.

    The look-back is scanned again every night because a record confirmed during a day
    recomputes that day's assessment after the 02:00 run has seen it; with the grade in the
    event key, the day's final grade is still told once. A subject's first assessment counts
    as a change (from no grade), so every subject is told its grade once. A result stored for a
    later date is told on its day.
    """
    previous = sa.orm.aliased(Assessment)
    previous_grade = (
        select(previous.grade)
        .where(previous.subject_id == Assessment.subject_id, in_force(Assessment.valid_from, previous, before=True))
        .scalar_subquery()
    )
    rows = session.exec(
        select(Assessment, previous_grade)
        .where(Assessment.valid_from >= today - dt.timedelta(days=LOOKBACK_DAYS), Assessment.valid_from <= today)
        .order_by(Assessment.valid_from, Assessment.subject_id)
    ).all()
    return [(a, before) for a, before in rows if a.grade != before]


def grade_change_notice(session: Session, settings: NoticeSettings, assessment: Assessment,
                        previous_grade: str | None, versions: _Versions, now: dt.datetime) -> GradeChange:
    version = versions[assessment.catalog_version]
    tier = version.tier_for(assessment.grade)
    activation = next((code for _receiver, code in grade_notice_activation.send(
        session, subject_id=assessment.subject_id, now=now, actor=SCHEDULER) if code), None)
    return GradeChange(
        subject=subject_info(session.get(Subject, assessment.subject_id)), as_of=assessment.valid_from,
        previous_grade=previous_grade, grade=assessment.grade, score=assessment.score, tier_label=tier.label,
        measures=tier.measures, catalog_version=version.version,
        records=counted_records(session, assessment, version), objection_working_days=settings.objection_working_days,
        activation=activation,
    )


def _issued_keys(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    return set(session.exec(select(Notice.event_key).where(Notice.event_key.in_(keys))).all())


def issue_grade_change_notices(session: Session, settings: NoticeSettings, now: dt.datetime) -> int:
    changes = grade_changes(session, to_local(now).date())
    done = _issued_keys(session, [grade_change_key(a.subject_id, a.valid_from, a.grade) for a, _ in changes])
    versions, issued = _Versions(session), 0
    for assessment, before in changes:
        key = grade_change_key(assessment.subject_id, assessment.valid_from, assessment.grade)
        if key in done:
            continue
        issue(session, settings, grade_change_notice(session, settings, assessment, before, versions, now), event_key=key,
              subject_id=assessment.subject_id, actor=SCHEDULER, now=now)
        issued += 1
    return issued


# ---------------------------------------------------------------------------------------------
# Removals from the list


def removal_key(entry_id: str) -> str:
    # The listing feature's early-removal decisions use the same key, so no entry gets two.
    return f"list-removal:{entry_id}"


def issue_removal_notices(session: Session, settings: NoticeSettings, now: dt.datetime) -> int:
    today = to_local(now).date()
    entries = session.exec(
        # An entry decided elsewhere is removed by its own authority, which serves the decision.
        select(ListEntry).where(ListEntry.status == "removed", ListEntry.source == "local", ListEntry.removed_on <= today,
                                ListEntry.removed_on >= today - dt.timedelta(days=LOOKBACK_DAYS))
        .order_by(ListEntry.removed_on, ListEntry.id)
    ).all()
    done = _issued_keys(session, [removal_key(e.id) for e in entries])
    issued = 0
    for entry in entries:
        if removal_key(entry.id) in done:
            continue
        document = RemovalDecision(
            subject=subject_info(session.get(Subject, entry.subject_id)), entry_id=entry.id, listed_on=entry.listed_on,
            removed_on=entry.removed_on, reason=entry.removal_reason or "",
        )
        issue(session, settings, document, event_key=removal_key(entry.id), subject_id=entry.subject_id,
              actor=SCHEDULER, now=now)
        issued += 1
    return issued


# ---------------------------------------------------------------------------------------------
# Credit report on demand


def issue_credit_report(session: Session, settings: NoticeSettings, catalog: Catalog, subject: Subject, actor: Actor,
                        now: dt.datetime) -> Notice:
    """Today's credit report of a subject: one per assessment and day, so asking twice gives the same report.

    The write lock comes first: of two requests at once, the second waits and then finds the
    first's result and report instead of writing its own. The subject is reassessed (a row is
    stored only if its result changed), so the report is today's result even before tonight's
    run; the day is in the key because a stored result holds for many days and the report
    states its date.
    """
    write_lock(session)
    today = to_local(now).date()
    reassess(session, FixedClock(now), catalog=catalog, subject_ids=[subject.id], as_of=today, reason="credit report")
    assessment = assessment_in_force(session, subject.id, today)
    version = stored_version(session, assessment.catalog_version)
    entries = session.exec(select(ListEntry).where(ListEntry.subject_id == subject.id).order_by(ListEntry.listed_on)).all()
    document = CreditReport(
        subject=subject_info(subject), as_of=today, score=assessment.score, grade=assessment.grade,
        tier_label=version.tier_for(assessment.grade).label, catalog_version=version.version,
        records=counted_records(session, assessment, version),
        list_entries=[ListStatus(e.id, chinese(LIST_STATUS_LABELS.get(e.status, e.status)), e.listed_on,
                                 e.planned_removal_on, e.removed_on) for e in entries],
    )
    notice, _new = issue(session, settings, document, event_key=f"credit-report:{subject.id}:{assessment.id}:{today:%Y%m%d}",
                         subject_id=subject.id, actor=actor, now=now)
    return notice


# ---------------------------------------------------------------------------------------------
# Monthly supervision report


def grade_counts(session: Session, day: dt.date) -> Counter:
    """Subjects by the grade of their assessment in force on ``day``."""
    rows = session.exec(select(Assessment.grade, sa.func.count()).where(in_force(day)).group_by(Assessment.grade)).all()
    return Counter(dict(rows))


def _count(session: Session, query) -> int:
    return session.exec(select(sa.func.count()).select_from(query.subquery())).one()


def monthly_report(session: Session, catalog: Catalog, month: dt.date) -> MonthlyReport:
    period = Period.month(month)
    first, last = period.first, period.last
    months = period.last_n(12)
    version = catalog.in_force(last)
    grades = [band.grade for band in version.grades]
    trend = [grade_counts(session, m.last) for m in months]
    entry = ListEntry.__table__.c

    def list_count(column, m: Period) -> int:
        return _count(session, select(entry.id).where(column >= m.first, column <= m.last))

    listed_now = _count(session, select(entry.id).where(
        entry.listed_on <= last, sa.or_(entry.removed_on.is_(None), entry.removed_on > last)))
    record = Record.__table__.c
    end_utc = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), LOCAL_TZ).astimezone(dt.timezone.utc)
    # Registered by the month's end by the date in the data; a subject without one counts from
    # when it was entered here.
    registered = sa.or_(Subject.registered_on <= last,
                        sa.and_(Subject.registered_on.is_(None), Subject.created_at < end_utc))
    # Dishonesty is what deducts points; honours (bonus rules) are findings but no dishonesty.
    deductions = sorted({rule.code for v in catalog.versions for rule in v.rules if not rule.is_bonus})
    key_figures = [
        ("在册主体（户）", str(_count(session, select(Subject.id).where(registered)))),
        ("本月决定的失信记录（条）", str(_count(session, select(record.id).where(
            record.decision_date >= first, record.decision_date <= last, record.rule_code.in_(deductions),
            record.status.in_(("confirmed", "disputed", "repaired")))))),
        ("月末信用等级为D级的主体（户）", str(trend[-1].get("D", 0))),
        ("月末严重失信主体名单在列（户）", str(listed_now)),
        ("本月签发告知书、决定书及报告（份）", str(_count(session, select(Notice.id).where(
            Notice.issued_on >= first, Notice.issued_on <= last)))),
    ]
    sections = [section for _receiver, section in monthly_report_sections.send(session, first=first, last=last)
                if section]
    return MonthlyReport(
        month=first, key_figures=key_figures, grades=grades, grade_distribution=dict(trend[-1]),
        months=[str(m) for m in months],
        grade_trend={g: [counts.get(g, 0) for counts in trend] for g in grades},
        list_added=[list_count(entry.listed_on, m) for m in months],
        list_removed=[list_count(entry.removed_on, m) for m in months], sections=sections,
    )


def issue_monthly_report(session: Session, settings: NoticeSettings, catalog: Catalog, now: dt.datetime) -> Notice:
    """The report on the month before ``now`` (the job runs on the 1st)."""
    previous = Period.month(to_local(now).date()).offset(-1)
    report = monthly_report(session, catalog, previous.first)
    notice, _new = issue(session, settings, report, event_key=f"monthly-report:{previous}", subject_id=None,
                         actor=SCHEDULER, now=now)
    return notice
