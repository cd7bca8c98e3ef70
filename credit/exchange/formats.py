"""The exchange files: JSON Lines, CSV (UTF-8 with BOM, for Excel) and XLSX.

One reader and one writer over the three formats, chosen by the file's suffix, so the services
never see a format. Readers stream row by row (XLSX in openpyxl's read-only mode) and report a
row they cannot parse as a problem with its line number instead of stopping; writers append.

The input is bounded before it is parsed (a line, a CSV field, a workbook's unpacked parts), so
a broken or hostile file costs a message naming its line, not memory or a traceback. A file that
cannot be read as a whole (not UTF-8, a CSV field past the bound, an oversized workbook) raises
InvalidInput naming the line: the import then writes nothing.
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
# Bounds on what is read before it is parsed. A row of the exchange formats is well under 2 KB.
MAX_LINE_BYTES = 64 * 1024  # one JSONL or CSV line
MAX_COLUMNS = 64  # cells read from one CSV or sheet row
MAX_XLSX_BYTES = 256 * 1024 * 1024  # a workbook's parts unpacked, all together
MAX_XLSX_PART_BYTES = 64 * 1024 * 1024  # one part unpacked (openpyxl reads the shared strings whole)


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
    check_workbook(path)
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


def _lines(file: IO[bytes]) -> Iterator[tuple[int, str | None]]:
    """(line number, text) for each line, decoded one at a time so that a byte that is not UTF-8
    is reported by its line; the text is None for a line longer than MAX_LINE_BYTES (skipped
    unread)."""
    line = 0
    while True:
        data = file.readline(MAX_LINE_BYTES + 1)
        if not data:
            return
        line += 1
        if len(data) > MAX_LINE_BYTES:
            while data and not data.endswith(b"\n"):  # skip the rest of the line, a bounded piece at a time
                data = file.readline(MAX_LINE_BYTES)
            yield line, None
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InvalidInput(
                f"第 {line} 行不是 UTF-8 文本（第 {error.start + 1} 个字节）：CSV 与 JSONL 文件须为 UTF-8 编码",
                f"line {line} is not UTF-8 text (byte {error.start + 1} of the line): CSV and JSONL files must be UTF-8",
                "file") from None
        yield line, text.removeprefix(BOM) if line == 1 else text


def _too_long(line: int) -> InvalidInput:
    return InvalidInput(f"第 {line} 行超过 {MAX_LINE_BYTES} 字节", f"line {line} is longer than {MAX_LINE_BYTES} bytes",
                        "(row)")


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON value")  # Python's json would read NaN and Infinity


# One decoder for every line (json.loads with an option builds a new one per call).
_JSON_LINE = json.JSONDecoder(parse_constant=_no_constant)


def _read_jsonl(path: Path) -> Iterator[SourceRow]:
    with path.open("rb") as file:
        yield from read_jsonl(file)


def read_jsonl(file: IO[bytes]) -> Iterator[SourceRow]:
    """The rows of JSON Lines read from a binary stream (a file, or a request's body)."""
    for line, text in _lines(file):
        if text is None:
            yield SourceRow(line, {"raw": ""}, _too_long(line))
            continue
        text = text.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            data = _JSON_LINE.decode(text)
        except ValueError as exc:
            yield SourceRow(line, {"raw": text}, InvalidInput(
                f"不是有效的 JSON：{exc.args[0]}", f"malformed JSON: {exc.args[0]}", "(row)"))
            continue
        except RecursionError:
            yield SourceRow(line, {"raw": text[:200]}, InvalidInput(
                "JSON 嵌套层数过多", "the JSON is nested too deeply", "(row)"))
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
    with path.open("rb") as file:
        def texts() -> Iterator[str]:
            for line, text in _lines(file):
                if text is None:
                    raise _unreadable_csv(line, _too_long(line))
                yield text

        reader = csv.reader(texts())
        start = 1
        try:
            header = _header(next(reader, [])[:MAX_COLUMNS])
            start = reader.line_num + 1
            for values in reader:
                # line_num is where the row ends; a quoted value with line breaks starts it earlier.
                row = _tabular(header, [restore_text(v) for v in values[:MAX_COLUMNS]], start)
                start = reader.line_num + 1
                if row is not None:
                    yield row
        except csv.Error as error:  # e.g. a field past the csv module's 131,072 characters
            raise _unreadable_csv(start, InvalidInput(str(error), str(error))) from None


def _unreadable_csv(line: int, error: InvalidInput) -> InvalidInput:
    """A CSV that cannot be read on from ``line`` (a quote left open swallows what follows)."""
    return InvalidInput(f"第 {line} 行起无法按 CSV 读取：{error.zh}", f"cannot read the CSV from line {line}: {error.en}",
                        "file")


def check_workbook(path: Path) -> None:
    """Refuse a workbook whose parts unpack past the bounds, before openpyxl reads any of them."""
    with zipfile.ZipFile(path) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    if sum(sizes) > MAX_XLSX_BYTES or max(sizes, default=0) > MAX_XLSX_PART_BYTES:
        raise InvalidInput(
            f"工作簿解压后过大（共 {sum(sizes)} 字节，上限 {MAX_XLSX_BYTES}，单个部件上限 {MAX_XLSX_PART_BYTES}）："
            "请拆分文件或改用 CSV/JSONL",
            f"the workbook unpacks to too much ({sum(sizes)} bytes; at most {MAX_XLSX_BYTES}, "
            f"{MAX_XLSX_PART_BYTES} per part): split it or use CSV/JSONL", "file")


def _read_xlsx(path: Path) -> Iterator[SourceRow]:
    workbook = _open_workbook(path)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
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
