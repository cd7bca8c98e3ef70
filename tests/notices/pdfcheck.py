"""Reading a PDF back: its text, where each line of it stands, its fonts (each must be embedded) and page 1 as pixels."""
from __future__ import annotations

import io
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


def text(pdf: bytes) -> str:
    """All pages' text without whitespace: a table cell or a line may break anywhere in a phrase."""
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@dataclass(frozen=True)
class Fragment:
    """One piece of text as drawn: a line of a paragraph or cell, a page number; points from the page's lower left."""

    page: int  # from 1
    x: float
    y: float  # the baseline
    text: str
    font: str  # the PDF's base font name, e.g. AAAAAA+UMingCN-0
    size: float

    @property
    def right(self) -> float:
        """Where the text ends, measured with the registered font that has this face name."""
        for name in pdfmetrics.getRegisteredFontNames():
            font = pdfmetrics.getFont(name)
            if isinstance(font, TTFont) and f"+{font.face.name.decode()}" in self.font:
                return self.x + pdfmetrics.stringWidth(self.text, name, self.size)
        raise LookupError(self.font)


def fragments(pdf: bytes) -> list[Fragment]:
    """Every line of text with its position, page by page in drawing order.

    ReportLab switches between subsets of a font inside a line (256 glyphs each) and pypdf reports
    each piece at the line's start, so pieces at the same place are one line.
    """
    found: list[Fragment] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, 1):
        def visit(text, cm, tm, font, size, number=number):
            if not text.strip():
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            last = found[-1] if found else None
            if last and (last.page, round(last.x, 2), round(last.y, 2)) == (number, round(x, 2), round(y, 2)):
                found[-1] = Fragment(number, last.x, last.y, last.text + text.strip("\n"), last.font, last.size)
            else:
                found.append(Fragment(number, x, y, text.strip("\n"), str(font.get("/BaseFont")), size))
        page.extract_text(visitor_text=visit)
    return [Fragment(f.page, f.x, f.y, f.text.strip(), f.font, f.size) for f in found]


def _fonts(resources, seen: set) -> dict:
    """Every font in a resource dictionary and the forms it draws, by object identity."""
    found = {}
    if not resources:
        return found
    resources = resources.get_object()
    for name, ref in (resources.get("/Font") or {}).items():
        font = ref.get_object()
        found[f"{name}:{font.get('/BaseFont')}:{id(font)}"] = font
    for ref in (resources.get("/XObject") or {}).values():
        form = ref.get_object()
        if form.get("/Subtype") == "/Form" and id(form) not in seen:
            seen.add(id(form))
            found.update(_fonts(form.get("/Resources"), seen))
    return found


def font_report(pdf: bytes) -> dict[str, bool]:
    """Base font name -> whether its outlines are in the file (a Type0 font through its descendant)."""
    report = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in _fonts(page.get("/Resources"), set()).values():
            described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile2", "/FontFile", "/FontFile3"))
            report[str(font.get("/BaseFont"))] = report.get(str(font.get("/BaseFont")), True) and embedded
    return report


def first_page_png(pdf: bytes, folder: Path, dpi: int = 50) -> Path:
    source = folder / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(folder / "page1")], check=True, capture_output=True)
    return folder / "page1.png"


def ink_share(png: Path) -> float:
    """The share of pixels that are not (nearly) white."""
    image = Image.open(png).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[240:]) / (image.width * image.height)


def red_share(png: Path) -> float:
    """The share of clearly red pixels (the header, the seal area)."""
    data = Image.open(png).convert("RGB").tobytes()
    pixels = len(data) // 3
    return sum(1 for i in range(0, len(data), 3) if data[i] > 150 and data[i + 1] < 90 and data[i + 2] < 90) / pixels
