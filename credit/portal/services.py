"""What a firm's credit page shows: its assessment (the subject page's own profile), its records
and list entries with what it may apply for, its notices and applications."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from credit.applications.models import SUBMITTED, Application
from credit.applications.services import repair_opens_on, subject_applications
from credit.catalog.loader import Catalog
from credit.listing.grounds import ListingRules
from credit.listing.models import ListEntry
from credit.listing.services import early_removal_opens_on
from credit.notices.models import Notice
from credit.notices.services import NoticeFilter, search
from credit.records.models import Record
from credit.records.queries import subject_records
from credit.scoring.explain import HistoryChart, Profile, history_chart, subject_profile
from credit.subjects.models import Subject

# Statuses a firm sees among its records: what was decided about it, not staff drafts.
FIRM_VISIBLE = ("confirmed", "disputed", "repaired", "revoked")
NOTICES_SHOWN = 50


@dataclass(frozen=True)
class FirmRecord:
    record: Record
    open_application: Application | None
    repair_opens_on: dt.date

    @property
    def may_object(self) -> bool:
        return self.record.status == "confirmed" and self.open_application is None

    def may_apply_for_repair(self, today: dt.date) -> bool:
        return self.may_object and today >= self.repair_opens_on


@dataclass(frozen=True)
class FirmEntry:
    entry: ListEntry
    open_application: Application | None  # an objection shows 异议处理中
    removal_opens_on: dt.date

    @property
    def may_object(self) -> bool:
        # An entry decided by another authority is contested there.
        return self.entry.status == "listed" and self.entry.source == "local" and self.open_application is None

    def may_apply_for_removal(self, today: dt.date) -> bool:
        return self.may_object and today >= self.removal_opens_on


@dataclass(frozen=True)
class FirmOverview:
    subject: Subject
    profile: Profile
    chart: HistoryChart | None
    records: list[FirmRecord]
    list_entries: list[FirmEntry]
    notices: list[Notice]
    notices_total: int
    applications: list[Application]


def firm_overview(session: Session, catalog: Catalog, rules: ListingRules, subject: Subject,
                  today: dt.date) -> FirmOverview:
    profile = subject_profile(session, subject.id, today)
    chart = history_chart(profile.history, profile.version, profile.as_of) if profile.assessment else None
    applications = subject_applications(session, subject.id)
    open_by_record = {a.record_id: a for a in applications if a.status == SUBMITTED and a.record_id}
    open_by_entry = {a.list_entry_id: a for a in applications if a.status == SUBMITTED and a.list_entry_id}
    records = [FirmRecord(r, open_by_record.get(r.id), repair_opens_on(catalog, r))
               for r in subject_records(session, subject.id) if r.status in FIRM_VISIBLE]
    entries = [FirmEntry(e, open_by_entry.get(e.id), early_removal_opens_on(rules, e))
               for e in session.exec(select(ListEntry).where(ListEntry.subject_id == subject.id)
                                     .order_by(ListEntry.listed_on.desc()))]
    notices = search(session, NoticeFilter(subject_id=subject.id), 1, NOTICES_SHOWN)
    return FirmOverview(subject, profile, chart, records, entries, notices.items, notices.total, applications)
