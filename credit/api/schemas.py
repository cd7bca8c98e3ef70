"""The API's request and response models (pydantic): they validate what comes in, and the OpenAPI
document is generated from them, so the document and the checks cannot drift apart.

Rows of an import are objects whose fields are checked row by row by the import pipeline, as the
command line does (a bad row is a reject with its line, field and reason, never a refused request),
so their fields here describe the exchange shapes of DESIGN section 11 without refusing anything.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel

from credit.query.services import MAX_QUERY_LENGTH
from credit.web import MAX_ID

MAX_PAGE = 100_000
MAX_LIMIT = 1000


class ApiError(BaseModel):
    """Every error under /api, whatever its status."""

    code: str = Field(description="machine-readable kind, e.g. not_found, validation_error, invalid_input")
    message_zh: str = Field(description="说明（中文）")
    message_en: str = Field(description="the message in English")
    details: Any = Field(None, description="what went wrong where: pydantic's errors (422), the field of an "
                                           "invalid input, the seconds to wait (429)")


# -- public ------------------------------------------------------------------------------------

class SubjectQuery(BaseModel):
    q: str = Field(max_length=MAX_QUERY_LENGTH,
                   description="a full USCC, or at least 2 characters of the name (统一社会信用代码或名称中的至少 2 个字)")
    page: int = Field(1, ge=1, le=MAX_PAGE)


class PublicSubject(BaseModel):
    """Published facts only: no records, drafts, evidence, officers or internal ids."""

    name: str
    uscc: str
    kind: str = Field(description="patent_agency, trademark_agency or firm")
    district: str = Field(description="the district's code, e.g. 340403")
    grade: str | None = Field(description="A+, A, B, C or D; null when not assessed yet")
    tier: str | None = Field(description="the supervision tier's label, e.g. 关注")
    listed: bool = Field(description="on the published serious-dishonesty list")
    assessed_on: dt.date | None = Field(description="the day the grade took effect")


class SubjectPage(BaseModel):
    items: list[PublicSubject]
    page: int
    per_page: int
    total: int
    pages: int


class UsccPath(BaseModel):
    uscc: str = Field(description="统一社会信用代码 (18 characters)")


class ListFile(BaseModel):
    name: str
    sha256: str
    size: int
    url: str = Field(description="where the file is downloaded")


class ListVersion(BaseModel):
    version: int
    as_of: dt.date
    generated_at: dt.datetime
    count: int
    added: int
    removed: int
    changed: int
    files: list[ListFile]


class ListVersions(BaseModel):
    versions: list[ListVersion] = Field(description="the newest first")


class VersionPath(BaseModel):
    number: int = Field(ge=1, le=MAX_ID)


class _Entry(BaseModel):
    """What a list entry says, published or exchanged."""

    id: str
    uscc: str
    reason: str
    legal_basis: str
    authority: str
    decision_no: str
    listed_on: dt.date
    planned_removal_on: dt.date


class PublishedEntry(_Entry):
    id: str = Field(description="stable id, never reused, e.g. SD-2026-000123")
    name: str
    legal_representative: str


class VersionEntries(BaseModel):
    version: int
    as_of: dt.date
    count: int
    entries: list[PublishedEntry]


class CodePath(BaseModel):
    code: str = Field(description="the verification code printed beside the document's QR code")


class Document(BaseModel):
    """A notice or report this office issued, as the public verification page confirms it."""

    kind: str
    title: str = Field(description="the kind of document, in Chinese")
    document_no: str
    issued_on: dt.date
    recipient: str
    sha256: str = Field(description="SHA-256 of the PDF file: a copy whose digest differs is not valid")
    authority: str


# -- department integrations --------------------------------------------------------------------

class ExportQuery(BaseModel):
    cursor: str | None = Field(None, max_length=2000, description="next_cursor of the previous page; none for the first")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class AssessmentQuery(ExportQuery):
    as_of: dt.date | None = Field(None, description="the day (default today); a cursor keeps its page's day")


class _Row(BaseModel):
    # Any value reaches the pipeline, which rejects the row (not the request) when a field is wrong.
    model_config = ConfigDict(extra="allow")


class SubjectRow(_Row):
    uscc: Any = Field(None, description="统一社会信用代码")
    name: Any = Field(None)
    kind: Any = Field(None, description="patent_agency, trademark_agency or firm")
    district: Any = Field(None, description="the district's code, e.g. 340403")
    legal_representative: Any = Field(None)
    licence_no: Any = Field(None, description="an agency's licence or filing number (optional)")
    registered_on: Any = Field(None, description="YYYY-MM-DD (optional: left out, the stored date stays)")


class Penalty(BaseModel):
    kind: str = Field(description="warning, fine, confiscation, stop_new_business, licence_revoked, "
                                  "qualification_lowered, business_restricted, closure, practice_restricted, none")
    amount: int | float | None = Field(description="yuan")


class RecordRow(_Row):
    id: Any = Field(None, description="the sender's stable id: a re-import updates, never duplicates")
    uscc: Any = Field(None)
    type: Any = Field(None, description="the record type's code in the rules catalog")
    category: Any = Field(None)
    decision_date: Any = Field(None, description="YYYY-MM-DD")
    document_no: Any = Field(None)
    authority: Any = Field(None)
    status: Any = Field(None, description="confirmed or revoked")
    penalty: Any = Field(None, description='optional {"kind", "amount"}')


class ListEntryRow(_Row):
    id: Any = Field(None, description="the deciding authority's id of the entry")
    uscc: Any = Field(None)
    reason: Any = Field(None)
    legal_basis: Any = Field(None)
    authority: Any = Field(None, description="the deciding authority (not this bureau)")
    decision_no: Any = Field(None)
    listed_on: Any = Field(None, description="YYYY-MM-DD")
    planned_removal_on: Any = Field(None, description="YYYY-MM-DD")
    removed_on: Any = Field(None, description="YYYY-MM-DD, or empty")


_BODY = {"description": "A JSON array of rows (Content-Type: application/json), or JSON Lines, one row a line "
                        "(Content-Type: application/x-ndjson). Line numbers count the array's rows from 1, or the "
                        "body's lines."}


class SubjectRows(RootModel[list[SubjectRow]]):
    model_config = ConfigDict(openapi_extra=_BODY)


class RecordRows(RootModel[list[RecordRow]]):
    model_config = ConfigDict(openapi_extra=_BODY)


class ListEntryRows(RootModel[list[ListEntryRow]]):
    model_config = ConfigDict(openapi_extra=_BODY)


class Reject(BaseModel):
    line: int
    field: str
    reason_zh: str
    reason_en: str
    row: dict[str, Any] = Field(description="the row as sent")


class ImportResult(BaseModel):
    """The good rows are written (all at once); each bad one is reported and nothing of it written."""

    imported: int
    updated: int
    unchanged: int
    rejected: int
    rejects: list[Reject]


class ExportedSubject(BaseModel):
    uscc: str
    name: str
    kind: str
    district: str
    legal_representative: str
    licence_no: str | None
    registered_on: dt.date | None


class ExportedRecord(BaseModel):
    id: str
    uscc: str
    type: str
    category: str
    decision_date: dt.date
    document_no: str
    authority: str
    status: str = Field(description="confirmed or revoked")
    penalty: Penalty | None = Field(None, description="present when the record carries one")


class ExportedEntry(_Entry):
    id: str = Field(description="the deciding authority's id of an entry decided elsewhere, else its SD-... id")
    removed_on: dt.date | None


class Contribution(BaseModel):
    record_id: str | int
    type: str
    points: int


class ExportedAssessment(BaseModel):
    uscc: str
    as_of: dt.date
    score: int
    grade: str
    tier: str
    listed: bool
    contributions: list[Contribution]


class _Page(BaseModel):
    next_cursor: str | None = Field(description="pass it as cursor for the next page; null on the last page")


class SubjectExport(_Page):
    items: list[ExportedSubject]


class RecordExport(_Page):
    items: list[ExportedRecord]


class ListEntryExport(_Page):
    items: list[ExportedEntry]


class AssessmentExport(_Page):
    items: list[ExportedAssessment]
