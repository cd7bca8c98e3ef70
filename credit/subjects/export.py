"""CSV (UTF-8 with BOM, for Excel) and XLSX exports of a subject result list."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from flask_babel import gettext as _
from openpyxl import Workbook

from credit.subjects.models import DISTRICTS, SUBJECT_KINDS

BOM = "\ufeff"


def headers() -> list[str]:
    return [_("USCC"), _("Name"), _("Kind"), _("District"), _("Legal representative"),
            _("Licence or filing number"), _("Score"), _("Grade"), _("In force since")]


def _safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheet programs (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def cells(row: sa.Row) -> list:
    s, a = row.subject, row.assessment
    return [
        s.uscc, _safe(s.name), SUBJECT_KINDS[s.kind], DISTRICTS.get(s.district, s.district),
        _safe(s.legal_representative), _safe(s.licence_no or ""),
        a.score if a else "", a.grade if a else "", a.valid_from.isoformat() if a else "",
    ]


def csv_chunks(rows: Iterable[sa.Row]) -> Iterator[str]:
    """The CSV text in pieces (a BOM first, so Excel reads UTF-8), for a streamed response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(headers())
    for row in rows:
        writer.writerow(cells(row))
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_bytes(rows: Iterable[sa.Row]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Subjects"))
    sheet.append(headers())
    for row in rows:
        sheet.append(cells(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
