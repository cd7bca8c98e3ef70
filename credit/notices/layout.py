"""The one layout of the bureau's PDF documents (红头文件) after GB/T 9704-2012, with ReportLab platypus.

Every notice and report goes through ``render``. A4 paper, the text block 156 x 225 mm at 37 mm
from the top and 28 mm from the left edge, 22 lines of 16 pt body text a page (GB/T 9704-2012
5.2). Top to bottom: the authority's name in red (发文机关标志), the document number (发文字号)
and a red line, the title at 22 pt, the recipient (主送机关), the body blocks, the authority and
the date of issue in Arabic numerals under a blank seal area, the verification code with its QR
code, and the 版记 (copy-to, issuing office, print date) at the foot of the last page. Page
numbers "— 1 —" stand under the text block, at the right of odd pages and the left of even ones.

Fonts: only embedded TrueType. ReportLab embeds TrueType outlines only (not CFF/OTF such as Noto
CJK), and its CID font STSong-Light is never embedded, so we register TrueType files and set the
font of the canvas, of every paragraph style, table and chart label ourselves: a canvas or a
drawing left to its defaults would put a non-embedded Helvetica in the file. The standard's
faces (方正小标宋 for titles, 仿宋_GB2312 for the body) are commercial: the bureau points
``CREDIT_FONT_TITLE`` and ``CREDIT_FONT_BODY`` at its licensed files; otherwise the free Debian
faces stand in.

Line breaking follows the Chinese rules (GB/T 15834-2011 4.x, kinsoku): no opening bracket or
quotation mark ends a line, no closing one or stop starts a line, a dash or an ellipsis is never
cut, and a run of Latin letters or digits stays whole. ReportLab's own CJK wrapping only lets one
closing mark hang past the margin.

The body blocks are plain data (``Text``, ``Heading``, ``Facts``, ``Table``, ``BarChart``,
``LineChart``), so the kinds of notice know nothing of ReportLab.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, HRFlowable, KeepTogether, PageTemplate, Paragraph, Spacer,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.paragraph import FragLine, ParaLines
from reportlab.rl_config import _FUZZ

from credit.clock import to_local

# ---------------------------------------------------------------------------------------------
# Page geometry (GB/T 9704-2012 5.2) and type sizes (7.2, 7.3)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP, MARGIN_LEFT = 37 * mm, 28 * mm
TEXT_WIDTH, TEXT_HEIGHT = 156 * mm, 225 * mm
MARGIN_BOTTOM = PAGE_HEIGHT - MARGIN_TOP - TEXT_HEIGHT
TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
CHAR = BODY_SIZE  # "一字", the unit the standard indents by
LINE = TEXT_HEIGHT / 22  # 22 lines a page
PAGE_NUMBER_SIZE = 14  # 四号
COLOPHON_SIZE = 14  # 四号
CELL_SIZE = 10.5  # 五号, tables and charts
SEAL_RADIUS = 21 * mm  # a 42 mm official seal
# The signature sits a little below the seal's centre (居印章中心偏下): its first baseline this far down.
SIGNATURE_BELOW_SEAL_CENTRE = 2 * mm
RED = colors.HexColor("#C8102E")
SERIES_COLOURS = [colors.HexColor(c) for c in ("#1F4E79", "#C8102E", "#548235", "#BF8F00", "#7030A0", "#7F7F7F")]

# ---------------------------------------------------------------------------------------------
# Fonts

# The shipped substitutes: a Ming (Song-like) face and a Hei (sans) face, TrueType collections.
SONG_FONT = "UMing"
HEI_FONT = "WQYZenHei"
# name -> (file, face index in the collection, Debian package that installs it)
SHIPPED_FONTS = {
    SONG_FONT: (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "fonts-arphic-uming"),
    HEI_FONT: (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "fonts-wqy-zenhei"),
}
# The setting that points at each licensed face, as the operator writes it in the environment.
FONT_SETTINGS = {"title": "CREDIT_FONT_TITLE", "body": "CREDIT_FONT_BODY"}


class FontProblem(RuntimeError):
    """A font the PDFs embed is missing or cannot be embedded: say what to install or which setting is wrong."""


@dataclass(frozen=True)
class FontFiles:
    """The bureau's licensed faces where it has set them: 方正小标宋 for titles, 仿宋_GB2312 for the body."""

    title: Path | None = None
    body: Path | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> "FontFiles":
        return cls(*(Path(config[key]) if config.get(key) else None for key in ("FONT_TITLE", "FONT_BODY")))


@dataclass(frozen=True)
class Faces:
    """Registered font names by role."""

    title: str
    body: str
    heading: str  # 黑体 for first-level headings (GB/T 9704-2012 7.3.3)
    song: str  # 宋体 for page numbers (7.5)


def _register(name: str, path: Path, index: int) -> None:
    font = TTFont(name, str(path), subfontIndex=index)
    # Every subset copies its tables out of the file (20 MB of glyphs for UMing); the tables never
    # change, so copy each once per process. Makes a notice 3-4 times faster.
    font.face.get_table = functools.cache(font.face.get_table)
    pdfmetrics.registerFont(font)


def _shipped(name: str) -> str:
    path, index, package = SHIPPED_FONTS[name]
    if not path.is_file():
        raise FontProblem(
            f"缺少 PDF 所需字体 {path}：请运行 `make install`（或 `sudo apt-get install {package}`）后重试 / "
            f"font {path} is missing: run `make install` (or `sudo apt-get install {package}`) and retry"
        )
    _register(name, path, index)
    return name


def _licensed(path: Path, setting: str) -> str:
    if not path.is_file():
        raise FontProblem(f"{setting} 指向的字体文件 {path} 不存在 / {setting}: there is no font file at {path}")
    name = f"{setting}:{path}"
    try:
        _register(name, path, 0)
    except Exception as error:  # ReportLab's TTFError, or struct/index errors from a damaged file
        raise FontProblem(
            f"{setting} 指向的 {path} 不是可嵌入的 TrueType 字体（{error}）/ "
            f"{setting}: {path} is not a TrueType font that can be embedded ({error})"
        ) from None
    return name


def check_fonts(files: FontFiles) -> None:
    """Refuse, naming the setting, a licensed face that is missing or not TrueType (at start)."""
    for role, setting in FONT_SETTINGS.items():
        path = getattr(files, role)
        if path is not None:
            _licensed(path, setting)


@functools.cache
def faces(files: FontFiles = FontFiles()) -> Faces:
    """Register the faces once per process (or fail with the way to install them)."""
    song, hei = _shipped(SONG_FONT), _shipped(HEI_FONT)
    return Faces(
        title=_licensed(files.title, FONT_SETTINGS["title"]) if files.title else hei,
        body=_licensed(files.body, FONT_SETTINGS["body"]) if files.body else song,
        heading=hei, song=song,
    )


# ---------------------------------------------------------------------------------------------
# What a document is made of


@dataclass
class Text:
    text: str
    indent: bool = True  # first-line indent of two characters, as in official prose


@dataclass
class Heading:
    text: str


@dataclass
class Facts:
    """Label / value pairs, e.g. a subject's name, USCC and district."""

    rows: list[tuple[str, str]]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # fractions of the text width


@dataclass
class BarChart:
    title: str
    categories: list[str]
    series: dict[str, list[float]]


@dataclass
class LineChart:
    title: str
    categories: list[str]
    series: dict[str, list[float]]


Block = Text | Heading | Facts | Table | BarChart | LineChart


@dataclass
class Document:
    authority: str
    title: str
    number: str
    issued_at: dt.datetime  # aware; the PDF's creation date, and in Asia/Shanghai the date of issue
    verification_code: str
    verify_url: str
    recipient: str | None = None
    blocks: list[Block] = field(default_factory=list)
    copy_to: list[str] = field(default_factory=list)  # 抄送 in the 版记
    issuing_office: str = ""  # 印发机关 in the 版记

    @property
    def issued_on(self) -> dt.date:
        return to_local(self.issued_at).date()


# ---------------------------------------------------------------------------------------------
# Dates and codes as printed


def chinese_date(day: dt.date) -> str:
    """2026年11月27日: Arabic numerals, no leading zeros (GB/T 9704-2012 7.3.5)."""
    return f"{day.year}年{day.month}月{day.day}日"


def grouped_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud and type than twelve characters in a row."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def _pdf_date(moment: dt.datetime) -> str:
    """D:20261127100000+08'00', the PDF date of an instant in Asia/Shanghai."""
    local = to_local(moment)
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"D:{local:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


# ---------------------------------------------------------------------------------------------
# Line breaking (kinsoku)

OPENING = "([{‘“（〔［｛〈《「『【〖"  # never the last character of a line
CLOSING = ")]}’”）〕］｝〉》」』】〗,.;:?!、。，．；：？！"  # never the first
UNCUT = "—…"  # 破折号 and 省略号 take two characters that stay together


def may_break(before: str, after: str) -> bool:
    """Whether a line may end between these two characters."""
    if before in OPENING or after in CLOSING or (before == after and before in UNCUT):
        return False
    # Latin letters, digits and their punctuation (2020.1, SD-2026-000123, a URL) stay whole.
    return not (before.isascii() and after.isascii() and not before.isspace() and not after.isspace())


@functools.cache
def _char_width(char: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(char, font, size)


def _line(runs: list[tuple[object, str]], width: float, used: float, forced_break: bool) -> FragLine:
    """A line as ReportLab draws it: the runs of text of each fragment, and its extent."""
    frags = [frag for frag, _text in runs]
    bounds = [pdfmetrics.getAscentDescent(f.fontName, f.fontSize) for f in frags]
    return FragLine(kind=1, extraSpace=width - used, wordCount=1, words=[f.clone(text=t) for f, t in runs],
                    fontSize=max(f.fontSize for f in frags), ascent=max(a for a, _d in bounds),
                    descent=min(d for _a, d in bounds), maxWidth=width, currentWidth=used, lineBreak=forced_break)


def _kinsoku_lines(frags, max_widths: list[float]) -> ParaLines:
    """Fill each line, then move its end back to the nearest place the rules allow a break."""
    chars: list[tuple[str, object]] = []
    for frag in frags:
        # An empty fragment still counts: it may be an explicit line break (<br/>).
        chars.extend((c, frag) for c in frag.text or [""])
    widths = [_char_width(c, f.fontName, f.fontSize) for c, f in chars]
    lines, start, count = [], 0, len(chars)

    def add(end: int, forced_break: bool) -> None:
        runs: list[tuple[object, str]] = []
        for frag, group in itertools.groupby(chars[start:end], key=lambda pair: pair[1]):
            runs.append((frag, "".join(c for c, _f in group)))
        width = max_widths[min(len(lines), len(max_widths) - 1)]
        lines.append(_line(runs, width, sum(widths[start:end]), forced_break))

    while start < count:
        width, used, end = max_widths[min(len(lines), len(max_widths) - 1)], 0.0, start
        while end < count and not hasattr(chars[end][1], "lineBreak"):
            used += widths[end]
            if used > width + _FUZZ and end > start:
                break
            end += 1
        else:
            if end < count:  # an explicit <br/>
                add(end + 1, True)
                start = end + 1
            else:
                add(end, False)
                start = end
            continue
        cut = end
        while cut > start + 1 and not may_break(chars[cut - 1][0], chars[cut][0]):
            cut -= 1
        if cut == start + 1 and not may_break(chars[start][0], chars[start + 1][0]):
            cut = end  # nowhere allowed (a word longer than the line): cut where it is full
        add(cut, False)
        start = cut
        while start < count and chars[start][0] == " ":  # a line never starts with a space
            start += 1
    return ParaLines(kind=1, lines=lines)


class _Paragraph(Paragraph):
    """A paragraph broken by the Chinese line-breaking rules."""

    def breakLinesCJK(self, maxWidths):
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):  # the second part of a split
            return self.blPara
        self.height = 0
        widths = tuple(maxWidths) if isinstance(maxWidths, (list, tuple)) else (maxWidths,)
        # Tables and keep-together groups wrap a paragraph several times at the same width.
        if getattr(self, "_kinsoku", (None,))[0] != widths:
            self._kinsoku = widths, _kinsoku_lines(self.frags, list(widths))
        return self._kinsoku[1]


# ---------------------------------------------------------------------------------------------
# Styles


def _style(name: str, font: str, size: float, leading: float | None = None, **kw) -> ParagraphStyle:
    # wordWrap='CJK' breaks lines between any two Chinese characters (our _Paragraph adds the
    # punctuation rules); without it a Chinese paragraph is one unbreakable word.
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.5, wordWrap="CJK", **kw)


@functools.cache
def _styles(f: Faces) -> dict[str, ParagraphStyle]:
    return {
        "number": _style("number", f.body, BODY_SIZE, LINE, alignment=TA_CENTER),
        "title": _style("title", f.title, TITLE_SIZE, TITLE_SIZE * 1.5, alignment=TA_CENTER),
        "recipient": _style("recipient", f.body, BODY_SIZE, LINE),
        "body": _style("body", f.body, BODY_SIZE, LINE, firstLineIndent=2 * CHAR, alignment=TA_LEFT),
        "plain": _style("plain", f.body, BODY_SIZE, LINE),
        "heading": _style("heading", f.heading, BODY_SIZE, LINE, firstLineIndent=2 * CHAR, keepWithNext=1),
        "cell": _style("cell", f.body, CELL_SIZE, 15),
        "head_cell": _style("head_cell", f.heading, CELL_SIZE, 15),
        "signature": _style("signature", f.body, BODY_SIZE, LINE),
        "verify": _style("verify", f.body, 9.5, 14),
        "chart_title": _style("chart_title", f.heading, 11.5, 24),
        "colophon": _style("colophon", f.body, COLOPHON_SIZE, COLOPHON_SIZE * 1.5,
                           leftIndent=4 * COLOPHON_SIZE, firstLineIndent=-3 * COLOPHON_SIZE,
                           rightIndent=COLOPHON_SIZE),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return _Paragraph(escape(text).replace("\n", "<br/>"), style)


# ---------------------------------------------------------------------------------------------
# Flowables


class Signature(Flowable):
    """The authority and the date of issue, with the blank area where the seal goes (GB/T 9704-2012 7.3.5.1).

    The date stands four characters in from the right, the authority centred over it (kept inside
    the text block when it is the longer). The seal, applied by the bureau on paper or
    electronically, presses on both with its top within a line of the body: this flowable holds
    the seal's whole circle and prints nothing in it but those two lines.
    """

    def __init__(self, authority: str, date_text: str, style: ParagraphStyle):
        super().__init__()
        self.authority, self.date_text, self.style = authority, date_text, style
        self.height = LINE / 2 + 2 * SEAL_RADIUS

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return self.width, self.height

    def draw(self):
        font, size = self.style.fontName, self.style.fontSize
        date_width = pdfmetrics.stringWidth(self.date_text, font, size)
        name_width = pdfmetrics.stringWidth(self.authority, font, size)
        date_right = self.width - 4 * CHAR
        centre = min(date_right - date_width / 2, self.width - name_width / 2)
        baseline = self.height - LINE / 2 - SEAL_RADIUS - SIGNATURE_BELOW_SEAL_CENTRE
        canvas = self.canv
        canvas.setFont(font, size)
        canvas.drawCentredString(centre, baseline, self.authority)
        canvas.drawRightString(date_right, baseline - self.style.leading, self.date_text)


class Colophon(Flowable):
    """The 版记 at the foot of the last page (GB/T 9704-2012 7.4): copy-to, issuing office and print date.

    It takes what is left of the frame and draws at its bottom, so its last rule lies on the
    text block's lower edge; when too little is left it moves whole to a new page.
    """

    THICK, THIN = 0.35 * mm, 0.25 * mm

    def __init__(self, copy_to: list[str], office: str, printed_on: dt.date, style: ParagraphStyle):
        super().__init__()
        self.copy_to = _para(f"抄送：{'，'.join(copy_to)}。", style) if copy_to else None
        self.office, self.printed, self.style = office, f"{chinese_date(printed_on)}印发", style

    def _needed(self, width: float) -> float:
        line = self.style.leading + 2 * mm
        copy = self.copy_to.wrap(width, PAGE_HEIGHT)[1] + 2 * mm if self.copy_to else 0
        return copy + line

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = max(self._needed(available_width), available_height)
        return self.width, self.height

    def split(self, _available_width, _available_height):
        return []

    def draw(self):
        canvas, size = self.canv, self.style.fontSize
        canvas.setStrokeColor(colors.black)
        canvas.setLineWidth(self.THICK)
        canvas.line(0, 0, self.width, 0)
        baseline = 1 * mm + (self.style.leading - size) / 2 + 0.2 * size
        canvas.setFont(self.style.fontName, size)
        canvas.drawString(size, baseline, self.office)
        canvas.drawRightString(self.width - size, baseline, self.printed)
        top = self.style.leading + 2 * mm
        if self.copy_to:
            canvas.setLineWidth(self.THIN)
            canvas.line(0, top, self.width, top)
            height = self.copy_to.wrap(self.width, PAGE_HEIGHT)[1]
            self.copy_to.drawOn(canvas, 0, top + 1 * mm)
            top += height + 2 * mm
        canvas.setLineWidth(self.THICK)
        canvas.line(0, top, self.width, top)


class QrCode(Flowable):
    """The verification URL as a QR code, drawn as one filled path.

    ReportLab's QR widget tries all eight mask patterns and draws a shape per module, which took
    half the time of a notice; any mask is valid for readers, so we use pattern 0.
    """

    QUIET = 2  # modules of white border

    def __init__(self, url: str, size: float):
        super().__init__()
        self.url = url
        code = QRCode(None, QRErrorCorrectLevel.M)
        code.addData(url)
        code.version = code.calculate_version()
        code.makeImpl(False, 0)
        self.modules, self.width, self.height = code.modules, size, size

    def draw(self):
        count = len(self.modules)
        cell = self.width / (count + 2 * self.QUIET)
        path = self.canv.beginPath()
        for row, dark in enumerate(self.modules):
            column = 0
            while column < count:
                start = column
                while column < count and dark[column]:
                    column += 1
                if column > start:  # one rectangle per run of dark modules
                    path.rect((start + self.QUIET) * cell, self.height - (row + 1 + self.QUIET) * cell,
                              (column - start) * cell, cell)
                column += 1
        self.canv.drawPath(path, stroke=0, fill=1)


class _KeepHeadingWithNext(KeepTogether):
    """A heading and what follows it (ReportLab's keepWithNext): all of it when it fits; else the
    heading with the first part of what follows (a paragraph's first lines, a table's first rows),
    and only when nothing of it fits does the heading go with it to the next page. So a heading
    never ends a page, and a long table after it leaves no half-empty page behind."""

    def split(self, available_width, available_height):
        if getattr(self, "_wrapInfo", None) != (available_width, available_height):
            self.wrap(available_width, available_height)
        if self._H <= available_height:
            return super().split(available_width, available_height)
        *leading, follower = self._content
        used = sum(f.wrapOn(self.canv, available_width, available_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                   for f in leading)
        room = available_height - used - follower.getSpaceBefore() - 1
        parts = follower.splitOn(self.canv, available_width, room) if room > 0 else []
        if len(parts) > 1 and not isinstance(parts[0], ActionFlowable) \
                and parts[0].wrapOn(self.canv, available_width, room)[1] <= room:
            return [*leading, *parts]
        return super().split(available_width, available_height)


def _verification(document: Document, styles: dict[str, ParagraphStyle]) -> RLTable:
    text = (f"核验码：{grouped_code(document.verification_code)}\n"
            f"扫描左侧二维码或访问 {document.verify_url} 可核验本文书的种类、文号、日期、"
            "接收方和文件摘要（SHA-256）。与核验结果不一致的文本无效。")
    table = RLTable([[QrCode(document.verify_url, 28 * mm), _para(text, styles["verify"])]],
                    colWidths=[32 * mm, TEXT_WIDTH - 32 * mm])
    table.setStyle(_table_style(
        styles,
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
        ("LEFTPADDING", (0, 0), (0, 0), 2),
    ))
    return table


CELL_PADDING = 4
# Dates and document numbers (2026-03-02, 淮市监罚〔2026〕12号) never wrap inside a cell, nor do
# values of a few characters (分值, +10, —).
_WHOLE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|[^\s〔]{1,12}〔\d{4}〕[^\s]{0,8}号")


def keeps_whole(text: str) -> bool:
    return len(text) <= 4 or bool(_WHOLE.fullmatch(text))


def column_widths(cells: list[list[tuple[str, ParagraphStyle]]], fractions: list[float]) -> list[float]:
    """Widths from the fractions, widened where a column holds text that must stay on one line;
    the room is taken from the other columns in proportion to what they can spare."""
    widths = [f * TEXT_WIDTH for f in fractions]
    floors = [max((pdfmetrics.stringWidth(t, s.fontName, s.fontSize) for t, s in column if keeps_whole(t)), default=0)
              + 2 * CELL_PADDING + 1 for column in cells]
    short = sum(max(0.0, floor - width) for floor, width in zip(floors, widths))
    spare = sum(max(0.0, width - floor) for floor, width in zip(floors, widths))
    if short == 0 or spare < short:
        return widths
    return [floor if floor >= width else width - (width - floor) * short / spare for floor, width in zip(floors, widths)]


def _table_style(styles: dict[str, ParagraphStyle], *commands) -> TableStyle:
    # A table sets its cells' font even when they hold paragraphs; Helvetica is its default.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
                       *commands])


def _table(block: Table, styles: dict[str, ParagraphStyle]) -> RLTable:
    rows = [[(c, styles["head_cell"]) for c in block.columns]]
    rows += [[(str(v), styles["cell"]) for v in row] for row in block.rows]
    widths = column_widths([list(column) for column in zip(*rows)],
                           block.widths or [1 / len(block.columns)] * len(block.columns))
    table = RLTable([[_para(t, s) for t, s in row] for row in rows], colWidths=widths, repeatRows=1)
    table.setStyle(_table_style(
        styles,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
    ))
    return table


def _facts(rows: list[tuple[str, str]], styles: dict[str, ParagraphStyle]) -> RLTable:
    table = RLTable([[_para(k, styles["head_cell"]), _para(v, styles["cell"])] for k, v in rows],
                    colWidths=[0.28 * TEXT_WIDTH, 0.72 * TEXT_WIDTH])
    table.setStyle(_table_style(
        styles,
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
    ))
    return table


def _step(peak: float) -> float:
    """A round axis step (1, 2 or 5 times a power of ten) giving at most five intervals."""
    magnitude = 10 ** math.floor(math.log10(max(peak, 1) / 5)) if peak > 5 else 1
    return next(m * magnitude for m in (1, 2, 5, 10) if peak / (m * magnitude) <= 5)


def _chart(block: BarChart | LineChart, styles: dict[str, ParagraphStyle]) -> Drawing:
    """A ReportLab chart under its title, with our font on every label (its default is Helvetica,
    not embedded). One drawing, title and all, so a heading before it can keep it (ReportLab keeps
    a heading with the next flowable only when that is no KeepTogether)."""
    font, title = styles["cell"].fontName, styles["chart_title"]
    width, height = TEXT_WIDTH, 62 * mm
    drawing = Drawing(width, height + title.leading, initialFontName=font)
    drawing.add(String(width / 2, height + title.leading - title.fontSize, block.title, fontName=title.fontName,
                       fontSize=title.fontSize, textAnchor="middle"))
    chart = VerticalBarChart() if isinstance(block, BarChart) else HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 16 * mm, width - 50 * mm, height - 22 * mm
    names = list(block.series)
    chart.data = [tuple(block.series[n]) for n in names] or [(0,) * len(block.categories)]
    chart.categoryAxis.categoryNames = block.categories
    chart.valueAxis.valueMin = 0
    peak = max((v for values in chart.data for v in values), default=0)
    chart.valueAxis.valueStep = _step(peak)
    chart.valueAxis.valueMax = max(1, math.ceil(peak * 1.1 / chart.valueAxis.valueStep)) * chart.valueAxis.valueStep
    for labels in (chart.categoryAxis.labels, chart.valueAxis.labels):
        labels.fontName, labels.fontSize = font, 8
    if len(block.categories) > 6:
        chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 30, "ne"
    for i in range(len(names)):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if isinstance(chart, VerticalBarChart):
            chart.bars[i].fillColor = colour
        else:
            chart.lines[i].strokeColor, chart.lines[i].strokeWidth = colour, 1.5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y, legend.alignment = width - 34 * mm, height - 8 * mm, "right"
    legend.fontName, legend.fontSize = font, 8
    legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], n) for i, n in enumerate(names)]
    drawing.add(legend)
    if not block.categories:
        drawing.add(String(width / 2, height / 2, "暂无数据", fontName=font, fontSize=10, textAnchor="middle"))
    return drawing


def _flowables(block: Block, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    if isinstance(block, Text):
        return [_para(block.text, styles["body" if block.indent else "plain"])]
    if isinstance(block, Heading):
        return [_para(block.text, styles["heading"])]
    if isinstance(block, Facts):
        return [_facts(block.rows, styles), Spacer(1, 3 * mm)]
    if isinstance(block, Table):
        return [_table(block, styles), Spacer(1, 3 * mm)]
    return [_chart(block, styles)]


# ---------------------------------------------------------------------------------------------
# The document


def _authority_style(authority: str, f: Faces) -> ParagraphStyle:
    """The red authority name as large as fits on one line of the text block, at most 32 pt."""
    size = min(32.0, math.floor(TEXT_WIDTH * 0.96 / pdfmetrics.stringWidth(authority, f.title, 1)))
    return _style("authority", f.title, size, size * 1.3, alignment=TA_CENTER, textColor=RED)


def story(document: Document, f: Faces) -> list[Flowable]:
    styles = _styles(f)
    header = [
        _para(document.authority, _authority_style(document.authority, f)),
        Spacer(1, LINE / 2),
        _para(document.number, styles["number"]),
        # The number's line box ends about 4 mm under its characters, where the red line goes.
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=0, spaceAfter=LINE / 2),
        _para(document.title, styles["title"]),
        Spacer(1, LINE / 2),
    ]
    if document.recipient:
        header.append(_para(f"{document.recipient}：", styles["recipient"]))
    body = [flowable for block in document.blocks for flowable in _flowables(block, styles)]
    # The signature never stands on a page without body text (GB/T 9704-2012 7.3.5): it keeps
    # the last block (with its spacer) on its page.
    last = 2 if len(body) > 1 and isinstance(body[-1], Spacer) else 1
    closing = KeepTogether([*body[-last:],
                            Signature(document.authority, chinese_date(document.issued_on), styles["signature"])])
    colophon = Colophon(document.copy_to, document.issuing_office, document.issued_on, styles["colophon"])
    return header + body[:-last] + [closing, Spacer(1, 3 * mm), _verification(document, styles),
                                    Spacer(1, 6 * mm), colophon]


def _page(document: Document, f: Faces):
    created = _pdf_date(document.issued_at)

    def draw(canvas, doc):
        if doc.page == 1:
            canvas.setDateFormatter(lambda *_now: created)
        # 4号 Song digits between dashes, 7 mm under the text block, one character in from its right
        # edge on odd pages and from its left edge on even ones (GB/T 9704-2012 7.5).
        text, size = f"— {doc.page} —", PAGE_NUMBER_SIZE
        baseline = MARGIN_BOTTOM - 7 * mm - 0.4 * size
        canvas.saveState()
        canvas.setFont(f.song, size)
        if doc.page % 2:
            canvas.drawRightString(MARGIN_LEFT + TEXT_WIDTH - size, baseline, text)
        else:
            canvas.drawString(MARGIN_LEFT + size, baseline, text)
        canvas.restoreState()

    return draw


def render(document: Document, fonts: FontFiles = FontFiles()) -> bytes:
    """The PDF bytes of one document; the same document always gives the same bytes."""
    f = faces(fonts)
    out = io.BytesIO()
    pdf = BaseDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=PAGE_WIDTH - MARGIN_LEFT - TEXT_WIDTH,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=f"{document.title} {document.number}",
        author=document.authority, subject=document.title, creator="淮南知识产权信用监管系统",
        # Without these the canvas starts in Helvetica (a non-embedded font) and stamps the
        # current time and a random id, so equal documents would differ; the creation date is
        # set to the issue time on the first page.
        initialFontName=f.body, invariant=True,
    )
    pdf.keepTogetherClass = _KeepHeadingWithNext
    # No frame padding: the text block is exactly 156 x 225 mm.
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, TEXT_WIDTH, TEXT_HEIGHT, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0, id="text")
    pdf.addPageTemplates([PageTemplate("page", [frame], onPage=_page(document, f))])
    pdf.build(story(document, f))
    return out.getvalue()
