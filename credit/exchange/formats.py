"""The exchange files: JSON Lines, CSV (UTF-8 with BOM, for Excel) and XLSX.

One reader and one writer over the three formats, chosen by the file's suffix, so the services
never see a format. Readers stream row by row (XLSX in openpyxl's read-only mode) and report a
row they cannot parse as a problem with its line number instead of stopping; writers append.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import json
import re
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

from credit.errors import InvalidInput

FORMATS = ("jsonl", "csv", "xlsx")
_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
BOM = "\ufeff"
# Values past the header's columns (CSV and XLSX) are kept under this key, never dropped.
EXTRA = "_extra"
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); so does a
# text cell written to XLSX as a plain string starting with "=".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALISED = re.compile("^'*[" + re.escape("".join(FORMULA_START)) + "]")


@dataclass(frozen=True)
class SourceRow:
    line: int  # line of the file (JSONL, CSV) or row of the sheet (XLSX), from 1
    data: dict[str, Any]  # the row as read; {"raw": text} when it could not be parsed
    problem: InvalidInput | None = None


def format_of(path: Path) -> str:
    try:
        return _SUFFIXES[path.suffix.lower()]
    except KeyError:
        raise InvalidInput(
            f"不支持的文件类型 {path.suffix or '（无扩展名）'}，请使用 .jsonl、.csv 或 .xlsx",
            f"unsupported file type {path.suffix or '(none)'}: use .jsonl, .csv or .xlsx", "file",
        ) from None


def read_rows(path: Path) -> Iterator[SourceRow]:
    return _READERS[format_of(path)](path)


def _open_workbook(path: Path):
    """The workbook read-only; a zip that is no workbook raises BadZipFile like any other non-workbook."""
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (KeyError, InvalidFileException) as error:  # e.g. no [Content_Types].xml in the archive
        raise zipfile.BadZipFile(f"not an Excel workbook: {error}") from None


def estimate_rows(path: Path) -> int | None:
    """Roughly how many rows a file has (for a progress bar), without parsing it."""
    if format_of(path) == "xlsx":
        workbook = _open_workbook(path)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
        return rows - 1 if rows else None
    with path.open("rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def _read_jsonl(path: Path) -> Iterator[SourceRow]:
    with path.open(encoding="utf-8-sig") as file:
        for line, text in enumerate(file, 1):
            text = text.rstrip("\r\n")
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except ValueError as exc:
                yield SourceRow(line, {"raw": text}, InvalidInput(
                    f"不是有效的 JSON：{exc.args[0]}", f"malformed JSON: {exc.args[0]}", "(row)"))
                continue
            if not isinstance(data, dict):
                yield SourceRow(line, {"raw": text}, InvalidInput(
                    "每行须是一个 JSON 对象", "each line must be a JSON object", "(row)"))
                continue
            yield SourceRow(line, data)


def _tabular(header: list, values: Iterable, line: int) -> SourceRow | None:
    """A CSV or sheet row as a dict by header; None for an empty row."""
    values = list(values)
    if all(v is None or str(v).strip() == "" for v in values):
        return None
    data = dict(zip(header, values))
    extra = [v for v in values[len(header):] if v not in (None, "")]
    if not extra:
        return SourceRow(line, data)
    data[EXTRA] = extra
    return SourceRow(line, data, InvalidInput(
        f"该行有 {len(header) + len(extra)} 个值，多于表头的 {len(header)} 列",
        f"the row has more values than the {len(header)} header columns", "(row)"))


def _header(values) -> list[str]:
    """Column names; a sheet's empty cells right of the last name are not columns."""
    names = [str(v).strip() if v is not None else "" for v in values]
    while names and not names[-1]:
        names.pop()
    return names


def _read_csv(path: Path) -> Iterator[SourceRow]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = _header(next(reader, []))
        start = reader.line_num + 1
        for values in reader:
            # line_num is where the row ends; a quoted value with line breaks starts it earlier.
            row = _tabular(header, [restore_text(v) for v in values], start)
            start = reader.line_num + 1
            if row is not None:
                yield row


def _read_xlsx(path: Path) -> Iterator[SourceRow]:
    workbook = _open_workbook(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = _header(next(rows, ()))
        for line, values in enumerate(rows, 2):
            row = _tabular(header, values, line)
            if row is not None:
                yield row
    finally:
        workbook.close()


_READERS: dict[str, Callable[[Path], Iterator[SourceRow]]] = {
    "jsonl": _read_jsonl, "csv": _read_csv, "xlsx": _read_xlsx,
}


# ---------------------------------------------------------------------------------------------
# Writing


def _flat(value: Any) -> Any:
    """A cell value for CSV and XLSX: nested data as JSON text, dates as ISO text."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@contextlib.contextmanager
def open_writer(fmt: str, columns: tuple[str, ...], output: Path | None = None) -> Iterator[Callable[[dict], None]]:
    """A function that appends one row; the file (or stdout when no path) is complete on exit."""
    if fmt == "xlsx":
        if output is None:
            raise InvalidInput("XLSX 格式须用 --output 指定文件", "XLSX needs --output FILE", "output")
        with _xlsx_writer(columns, output) as write:
            yield write
        return
    with contextlib.ExitStack() as stack:
        stream = (stack.enter_context(output.open("w", encoding="utf-8", newline=""))
                  if output is not None else sys.stdout)
        yield _csv_writer(stream, columns) if fmt == "csv" else _jsonl_writer(stream)
        stream.flush()


def _jsonl_writer(stream: IO[str]) -> Callable[[dict], None]:
    def write(row: dict) -> None:
        stream.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")

    return write


def neutralise(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, behind an apostrophe (Excel's own "this is text"
    mark). Text that starts with apostrophes before such a character gets one more, so that
    ``restore_text`` gives back exactly what was written."""
    return "'" + value if isinstance(value, str) and _NEUTRALISED.match(value) else value


def restore_text(value: str) -> str:
    """The value ``neutralise`` was given (a CSV cell as read)."""
    return value[1:] if value[:1] == "'" and _NEUTRALISED.match(value) else value


def csv_writer(stream: IO[str], header: Iterable[str]) -> Callable[[Iterable], None]:
    """The one CSV writer (the exchange files and the web exports): UTF-8 with a BOM so that
    Excel reads it, CRLF lines, the header, then a function that writes one row of cells with
    every formula-like text neutralised."""
    stream.write(BOM)
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    return lambda cells: writer.writerow([neutralise(cell) for cell in cells])


def xlsx_cell(sheet, value: Any):
    """A cell value for a write-only sheet: text starting with "=" stays text (openpyxl would store
    it as a formula); anything else as it is."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    text = WriteOnlyCell(sheet, value)
    text.data_type = "s"
    return text


def _csv_writer(stream: IO[str], columns: tuple[str, ...]) -> Callable[[dict], None]:
    write = csv_writer(stream, columns)
    return lambda row: write(["" if row.get(c) is None else _flat(row.get(c)) for c in columns])


@contextlib.contextmanager
def _xlsx_writer(columns: tuple[str, ...], output: Path) -> Iterator[Callable[[dict], None]]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(output.stem[:31] or "data")
    sheet.append(columns)

    yield lambda row: sheet.append([xlsx_cell(sheet, _flat(row.get(c))) for c in columns])
    workbook.save(output)
