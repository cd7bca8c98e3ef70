"""CSV (UTF-8 with BOM, for Excel) and XLSX exports of a subject result list, written by the
exchange files' writers (one place neutralises formula-like cells)."""
from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import sqlalchemy as sa

from flask_babel import gettext as _
from openpyxl import Workbook

from credit.exchange.formats import csv_writer, xlsx_cell
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS


def headers() -> list[str]:
    return [_("USCC"), _("Name"), _("Kind"), _("District"), _("Legal representative"),
            _("Licence or filing number"), _("Score"), _("Grade"), _("In force since")]


def cells(row: sa.Row) -> list:
    s, a = row.subject, row.assessment
    return [
        s.uscc, s.name, str(SUBJECT_KINDS[s.kind]), str(DISTRICTS.get(s.district, s.district)),
        s.legal_representative, s.licence_no or "",
        a.score if a else "", a.grade if a else "", a.valid_from.isoformat() if a else "",
    ]


def csv_chunks(rows: Iterable[sa.Row]) -> Iterator[str]:
    """The CSV text in pieces (a BOM first, so Excel reads UTF-8), for a streamed response."""
    buffer = io.StringIO()
    write = csv_writer(buffer, headers())
    for row in rows:
        write(cells(row))
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
        sheet.append([xlsx_cell(sheet, value) for value in cells(row)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
