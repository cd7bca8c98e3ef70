"""The case ledger (台账): one row per case with what an inspector reports upward, and its workbook.

The statistics page and the monthly report count these same rows (credit/cases/statistics.py), so
the ledger and the statistics cannot disagree.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlmodel import Session, select

from credit.cases.models import Case, CaseDisposition, CaseEvent
from credit.cases.services import CLOSED_STAGES, MISCONDUCT, SOURCES, STAGES, penalty_text
from credit.i18n import chinese
from credit.records.models import Record
from credit.subjects.models import DISTRICTS, Subject

# The stages whose first date the ledger shows, in the order a case passes them.
DATED_STAGES = ("verification", "not_opened", "rectification", "opened", "prior_notice", "hearing", "decided",
                "execution", "closed")


@dataclass
class LedgerRow:
    number: str
    registered_on: dt.date
    source: str
    party: str
    identifier: str  # USCC, or the ID number of a party with no registration
    phone: str
    address: str
    district: str
    misconduct: str
    stage: str
    stage_dates: dict[str, dt.date]
    rectification_due: dt.date | None
    decision_due: dt.date | None
    disposition: str
    fine: Decimal
    confiscation: Decimal
    records: str
    listing: str
    status: str
    # For the statistics (not columns): the codes behind the labels.
    codes: dict[str, str] = field(default_factory=dict)
    disposition_kinds: list[str] = field(default_factory=list)


def ledger(session: Session, first: dt.date, last: dt.date, today: dt.date) -> list[LedgerRow]:
    """The cases registered from ``first`` to ``last``, by number."""
    cases = list(session.exec(select(Case).where(Case.registered_on >= first, Case.registered_on <= last)
                              .order_by(Case.year, Case.serial)))
    ids = [c.id for c in cases]
    dates: dict[int, dict[str, dt.date]] = {}
    dispositions: dict[int, list[CaseDisposition]] = {}
    subjects: dict[int, Subject] = {}
    records: dict[int, Record] = {}
    if ids:
        for event in session.exec(select(CaseEvent).where(CaseEvent.case_id.in_(ids), CaseEvent.action == "step")
                                  .order_by(CaseEvent.id)):
            dates.setdefault(event.case_id, {}).setdefault(event.to_stage, event.day)
        for d in session.exec(select(CaseDisposition).where(CaseDisposition.case_id.in_(ids))
                              .order_by(CaseDisposition.id)):
            dispositions.setdefault(d.case_id, []).append(d)
        subject_ids = {c.subject_id for c in cases} - {None}
        subjects = {s.id: s for s in session.exec(select(Subject).where(Subject.id.in_(subject_ids)))}
        record_ids = {d.record_id for ds in dispositions.values() for d in ds} - {None}
        records = {r.id: r for r in session.exec(select(Record).where(Record.id.in_(record_ids)))}
    return [_row(c, dates.get(c.id, {}), dispositions.get(c.id, []), subjects.get(c.subject_id), records, today)
            for c in cases]


def _row(case: Case, dates: dict, dispositions: list[CaseDisposition], subject: Subject | None,
         records: dict[int, Record], today: dt.date) -> LedgerRow:
    decided = [d for d in dispositions if d.decided_on is not None]
    status = "已办结" if case.stage in CLOSED_STAGES else "办理中"
    if case.due_on is not None and case.due_on < today:
        status += "（逾期）"
    linked = sorted({d.record_id for d in decided} - {None})
    return LedgerRow(
        number=case.number, registered_on=case.registered_on, source=chinese(SOURCES[case.source]),
        party=case.party_name, identifier=subject.uscc if subject else case.party_id_number,
        phone=case.party_phone, address=case.party_address,
        district=chinese(DISTRICTS.get(case.district, case.district)), misconduct=chinese(MISCONDUCT[case.misconduct]),
        stage=chinese(STAGES[case.stage]), stage_dates=dates, rectification_due=case.rectification_due,
        decision_due=case.decision_due, disposition="；".join(penalty_text(d) for d in decided),
        fine=sum((d.amount for d in decided if d.kind == "fine"), Decimal("0")),
        confiscation=sum((d.amount for d in decided if d.kind == "confiscation"), Decimal("0")),
        records="、".join(f"#{i} {records[i].rule_code}" for i in linked if i in records),
        listing="；".join(filter(None, ["拟列入" if case.listing_proposal else "", case.listing_outcome])),
        status=status,
        codes={"misconduct": case.misconduct, "stage": case.stage, "district": case.district, "source": case.source,
               "month": f"{case.registered_on:%Y-%m}"},
        disposition_kinds=[d.kind for d in decided],
    )


def _stage_date(stage: str):
    return lambda r: r.stage_dates.get(stage)


def columns() -> list[tuple[str, object, str]]:
    """(Chinese header, value of a row, type: text, date or amount), in the ledger's order."""
    return [
        ("案件编号", lambda r: r.number, "text"),
        ("登记日期", lambda r: r.registered_on, "date"),
        ("线索来源", lambda r: r.source, "text"),
        ("当事人", lambda r: r.party, "text"),
        ("统一社会信用代码/身份证号", lambda r: r.identifier, "text"),
        ("联系电话", lambda r: r.phone, "text"),
        ("地址", lambda r: r.address, "text"),
        ("区县", lambda r: r.district, "text"),
        ("违法行为类型", lambda r: r.misconduct, "text"),
        ("当前阶段", lambda r: r.stage, "text"),
        *[(f"{chinese(STAGES[s])}日期", _stage_date(s), "date") for s in DATED_STAGES],
        ("整改期限", lambda r: r.rectification_due, "date"),
        ("办案期限", lambda r: r.decision_due, "date"),
        ("处理结果", lambda r: r.disposition, "text"),
        ("罚款金额（元）", lambda r: r.fine, "amount"),
        ("没收金额（元）", lambda r: r.confiscation, "amount"),
        ("信用记录", lambda r: r.records, "text"),
        ("严重失信名单", lambda r: r.listing, "text"),
        ("状态", lambda r: r.status, "text"),
    ]


FORMATS = {"date": "yyyy-mm-dd", "amount": "#,##0.00"}


def _width(value) -> int:
    """Characters a cell needs: a CJK character is two."""
    text = value.isoformat() if isinstance(value, dt.date) else (f"{value:,.2f}" if isinstance(value, Decimal)
                                                                 else str(value or ""))
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def write_workbook(rows: list[LedgerRow], title: str, out: BinaryIO) -> None:
    """The ledger as an .xlsx: Chinese headers, dates as dates, amounts as numbers, the header
    frozen, each column as wide as its longest cell."""
    book, cols = Workbook(), columns()
    sheet = book.active
    sheet.title = title
    sheet.append([header for header, _value, _kind in cols])
    for cell in sheet[1]:
        cell.font, cell.alignment = Font(bold=True), Alignment(vertical="center")
    for row in rows:
        sheet.append([value(row) for _header, value, _kind in cols])
    for index, (header, value, kind) in enumerate(cols, 1):
        if kind in FORMATS:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = FORMATS[kind]
        widest = max([_width(header), *(_width(value(r)) for r in rows)])
        sheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, 60)
    sheet.freeze_panes = "A2"
    book.save(out)
