"""Reading a PDF back: its text, its fonts (each must be embedded) and page 1 as pixels."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

from PIL import Image
from pypdf import PdfReader


def text(pdf: bytes) -> str:
    """All pages' text without whitespace: a table cell or a line may break anywhere in a phrase."""
    return "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


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
