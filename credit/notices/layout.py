"""The one layout of the bureau's PDF documents (红头文件), with ReportLab platypus.

Every notice and report goes through ``render``: a red header with the authority's name and
the document number, the title, the recipient, the body blocks, the authority and the date in
Chinese numerals over a seal area, page numbers, and the verification code with its QR code.

Fonts: only embedded TrueType. ReportLab embeds TrueType outlines only (not CFF/OTF such as Noto
CJK), and its CID font STSong-Light is never embedded, so we register the Debian TTCs and set
the font of the canvas, of every paragraph style, table and chart label ourselves: a canvas or a
drawing left to its defaults would put a non-embedded Helvetica in the file.

The body blocks are plain data (``Text``, ``Heading``, ``Facts``, ``Table``, ``BarChart``,
``LineChart``), so the kinds of notice know nothing of ReportLab.
"""
from __future__ import annotations

import datetime as dt
import functools
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable, HRFlowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus import TableStyle
from xml.sax.saxutils import escape

# Body in a Ming (Song-like) face as official documents use; headings in a Hei (sans) face.
BODY_FONT = "UMing"
HEADING_FONT = "WQYZenHei"
# name -> (file, face index in the collection, Debian package that installs it)
FONTS = {
    BODY_FONT: (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0, "fonts-arphic-uming"),
    HEADING_FONT: (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0, "fonts-wqy-zenhei"),
}
RED = colors.HexColor("#C8102E")
SERIES_COLOURS = [colors.HexColor(c) for c in ("#1F4E79", "#C8102E", "#548235", "#BF8F00", "#7030A0", "#7F7F7F")]
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 26 * mm, 25 * mm, 28 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X


class FontMissing(RuntimeError):
    """A font the PDFs embed is not installed: say which package installs it, never print boxes."""


@functools.cache
def register_fonts() -> None:
    """Register the embedded fonts once per process, or fail with the way to install them."""
    for name, (path, index, package) in FONTS.items():
        if not path.is_file():
            raise FontMissing(
                f"缺少 PDF 所需字体 {path}：请运行 `make install`（或 `sudo apt-get install {package}`）后重试 / "
                f"font {path} is missing: run `make install` (or `sudo apt-get install {package}`) and retry"
            )
        font = TTFont(name, str(path), subfontIndex=index)
        # Every subset copies its tables out of the collection (20 MB of glyphs for UMing); the
        # tables never change, so copy each once per process. Makes a notice 3-4 times faster.
        font.face.get_table = functools.cache(font.face.get_table)
        pdfmetrics.registerFont(font)


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
    issued_on: dt.date
    verification_code: str
    verify_url: str
    recipient: str | None = None
    blocks: list[Block] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Chinese numerals

_DIGITS = "〇一二三四五六七八九"


def _small_number(n: int) -> str:
    """1..31 as written in dates: 十, 十一, 二十, 二十六, 三十一."""
    tens, units = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十"))
    return text + (_DIGITS[units] if units else "") if n else _DIGITS[0]


def chinese_date(day: dt.date) -> str:
    """二〇二六年十一月二十六日: the year digit by digit, month and day as numbers."""
    year = "".join(_DIGITS[int(c)] for c in str(day.year))
    return f"{year}年{_small_number(day.month)}月{_small_number(day.day)}日"


def grouped_code(code: str) -> str:
    """ABCD-EFGH-JKMN: easier to read aloud and type than twelve characters in a row."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


# ---------------------------------------------------------------------------------------------
# Styles


def _style(name: str, font: str = BODY_FONT, size: float = 13, leading: float | None = None, **kw) -> ParagraphStyle:
    # wordWrap='CJK' breaks lines between any two Chinese characters (and keeps the
    # punctuation rules); without it a Chinese paragraph is one unbreakable word.
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.7,
                          wordWrap="CJK", **kw)


STYLES = {
    "authority": _style("authority", HEADING_FONT, 24, 32, alignment=TA_CENTER, textColor=RED),
    "number": _style("number", BODY_FONT, 13, 20, alignment=TA_CENTER),
    "title": _style("title", HEADING_FONT, 20, 30, alignment=TA_CENTER, spaceBefore=6, spaceAfter=10),
    "recipient": _style("recipient", BODY_FONT, 14, 26, spaceBefore=4),
    "body": _style("body", BODY_FONT, 14, 26, firstLineIndent=28, alignment=TA_LEFT),
    "plain": _style("plain", BODY_FONT, 14, 26),
    "heading": _style("heading", HEADING_FONT, 14, 26, spaceBefore=8, spaceAfter=2, keepWithNext=1),
    "cell": _style("cell", BODY_FONT, 10.5, 15),
    "head_cell": _style("head_cell", HEADING_FONT, 10.5, 15),
    "signature": _style("signature", BODY_FONT, 14, 24, alignment=TA_RIGHT),
    "verify": _style("verify", BODY_FONT, 9.5, 14),
    "chart_title": _style("chart_title", HEADING_FONT, 11.5, 18, alignment=TA_CENTER, spaceBefore=6),
}


def _para(text: str, style: str) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), STYLES[style])


# ---------------------------------------------------------------------------------------------
# Flowables


class SealArea(Flowable):
    """Authority and date right-aligned, with the dashed circle where the seal is applied."""

    RADIUS = 21 * mm  # a 42 mm official seal

    def __init__(self, authority: str, date_text: str):
        super().__init__()
        self.authority, self.date_text = authority, date_text
        self.height = 2 * self.RADIUS + 6 * mm

    def wrap(self, available_width, _available_height):
        self.width = available_width
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        right = self.width - 8 * mm
        style = STYLES["signature"]
        text_width = max(pdfmetrics.stringWidth(t, style.fontName, style.fontSize) for t in (self.authority, self.date_text))
        centre_x, centre_y = right - text_width / 2, self.height / 2
        canvas.saveState()
        canvas.setStrokeColor(RED)
        canvas.setDash(3, 2)
        canvas.circle(centre_x, centre_y, self.RADIUS)
        canvas.setFillColor(colors.Color(0.78, 0.06, 0.18, alpha=0.55))
        canvas.setFont(BODY_FONT, 9)
        canvas.drawCentredString(centre_x, centre_y + self.RADIUS - 7 * mm, "（盖章处）")
        canvas.setFillColor(colors.black)
        canvas.setFont(style.fontName, style.fontSize)
        canvas.drawRightString(right, centre_y + 2 * mm, self.authority)
        canvas.drawRightString(right, centre_y - style.leading + 2 * mm, self.date_text)
        canvas.restoreState()


class QrCode(Flowable):
    """The verification URL as a QR code, drawn as one filled path.

    ReportLab's QR widget tries all eight mask patterns and draws a shape per module, which took
    half the time of a notice; any mask is valid for readers, so we use pattern 0.
    """

    QUIET = 2  # modules of white border

    def __init__(self, url: str, size: float):
        super().__init__()
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


def _verification(document: Document) -> RLTable:
    text = (f"核验码：{grouped_code(document.verification_code)}\n"
            f"扫描左侧二维码或访问 {document.verify_url} 可核验本文书的种类、文号、日期、"
            "接收方和文件摘要（SHA-256）。与核验结果不一致的文本无效。")
    table = RLTable([[QrCode(document.verify_url, 28 * mm), _para(text, "verify")]], colWidths=[32 * mm, FRAME_WIDTH - 32 * mm])
    table.setStyle(_table_style(
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
        ("LEFTPADDING", (0, 0), (0, 0), 2),
    ))
    return table


def _table_style(*commands) -> TableStyle:
    # A table sets its cells' font even when they hold paragraphs; Helvetica is its default.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), BODY_FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"), *commands])


def _table(columns: list[str], rows: list[list[str]], widths: list[float] | None) -> RLTable:
    widths = widths or [1 / len(columns)] * len(columns)
    data = [[_para(c, "head_cell") for c in columns]] + [[_para(str(v), "cell") for v in row] for row in rows]
    table = RLTable(data, colWidths=[w * FRAME_WIDTH for w in widths], repeatRows=1)
    table.setStyle(_table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F2F2F2")),
    ))
    return table


def _facts(rows: list[tuple[str, str]]) -> RLTable:
    table = RLTable([[_para(k, "head_cell"), _para(v, "cell")] for k, v in rows],
                    colWidths=[0.28 * FRAME_WIDTH, 0.72 * FRAME_WIDTH])
    table.setStyle(_table_style(
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2")),
    ))
    return table


def _label_fonts(*label_sets) -> None:
    for labels in label_sets:
        labels.fontName, labels.fontSize = BODY_FONT, 8


def _step(peak: float) -> float:
    """A round axis step (1, 2 or 5 times a power of ten) giving at most five intervals."""
    magnitude = 10 ** math.floor(math.log10(max(peak, 1) / 5)) if peak > 5 else 1
    return next(m * magnitude for m in (1, 2, 5, 10) if peak / (m * magnitude) <= 5)


def _chart(block: BarChart | LineChart) -> list[Flowable]:
    """A ReportLab chart with our font on every label (its default is Helvetica, not embedded)."""
    width, height = FRAME_WIDTH, 62 * mm
    drawing = Drawing(width, height, initialFontName=BODY_FONT)
    chart = VerticalBarChart() if isinstance(block, BarChart) else HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 12 * mm, 16 * mm, width - 50 * mm, height - 22 * mm
    names = list(block.series)
    chart.data = [tuple(block.series[n]) for n in names] or [(0,) * len(block.categories)]
    chart.categoryAxis.categoryNames = block.categories
    chart.valueAxis.valueMin = 0
    peak = max((v for values in chart.data for v in values), default=0)
    chart.valueAxis.valueStep = _step(peak)
    chart.valueAxis.valueMax = max(1, math.ceil(peak * 1.1 / chart.valueAxis.valueStep)) * chart.valueAxis.valueStep
    _label_fonts(chart.categoryAxis.labels, chart.valueAxis.labels)
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
    legend.fontName, legend.fontSize = BODY_FONT, 8
    legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], n) for i, n in enumerate(names)]
    drawing.add(legend)
    if not block.categories:
        drawing.add(String(width / 2, height / 2, "暂无数据", fontName=BODY_FONT, fontSize=10, textAnchor="middle"))
    return [KeepTogether([_para(block.title, "chart_title"), drawing])]


def _flowables(block: Block) -> list[Flowable]:
    if isinstance(block, Text):
        return [_para(block.text, "body" if block.indent else "plain")]
    if isinstance(block, Heading):
        return [_para(block.text, "heading")]
    if isinstance(block, Facts):
        return [_facts(block.rows), Spacer(1, 3 * mm)]
    if isinstance(block, Table):
        return [_table(block.columns, block.rows, block.widths), Spacer(1, 3 * mm)]
    return _chart(block)


# ---------------------------------------------------------------------------------------------
# The document


def _footer(document: Document):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(BODY_FONT, 11)
        canvas.drawCentredString(PAGE_WIDTH / 2, 14 * mm, f"— {doc.page} —")
        canvas.setFont(BODY_FONT, 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(MARGIN_X, 14 * mm, f"{document.number}")
        canvas.drawRightString(PAGE_WIDTH - MARGIN_X, 14 * mm, f"核验码 {grouped_code(document.verification_code)}")
        canvas.restoreState()

    return draw


def story(document: Document) -> list[Flowable]:
    header = [
        _para(document.authority, "authority"),
        Spacer(1, 3 * mm),
        _para(document.number, "number"),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=2 * mm, spaceAfter=5 * mm),
        _para(document.title, "title"),
    ]
    if document.recipient:
        header.append(_para(f"{document.recipient}：", "recipient"))
    body = [f for block in document.blocks for f in _flowables(block)]
    closing = KeepTogether([
        Spacer(1, 6 * mm),
        SealArea(document.authority, chinese_date(document.issued_on)),
        Spacer(1, 4 * mm),
        _verification(document),
    ])
    return header + body + [closing]


def render(document: Document) -> bytes:
    """The PDF bytes of one document; the same document always gives the same bytes."""
    register_fonts()
    out = io.BytesIO()
    pdf = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=f"{document.title} {document.number}", author=document.authority,
        subject=document.title, creator="淮南知识产权信用监管系统",
        # Without these the canvas starts in Helvetica (a non-embedded font) and stamps the
        # current time and a random id, so equal documents would differ.
        initialFontName=BODY_FONT, invariant=True,
    )
    footer = _footer(document)
    pdf.build(story(document), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
