"""Every kind of document, read back: its Chinese text, embedded fonts only, a page that is not blank,
and the GB/T 9704-2012 form measured on the page: text block, page numbers, signature, seal area,
版记, type sizes, fonts, line breaking."""
from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from credit.i18n import chinese
from credit.clock import LOCAL_TZ
from credit.notices import layout
from credit.notices.kinds import KINDS
from tests.notices import pdfcheck
from tests.notices.samples import SAMPLES

AUTHORITY = "淮南市市场监督管理局（知识产权局）"
OFFICE = "淮南市市场监督管理局办公室"
ISSUED = dt.datetime(2026, 11, 26, 10, 0, tzinfo=LOCAL_TZ)
# The text block on A4 (GB/T 9704-2012 5.2), in points from the page's lower left.
LEFT, RIGHT = 28 * mm, (28 + 156) * mm
TOP, BOTTOM = (297 - 37) * mm, (297 - 37 - 225) * mm
PAGE_NUMBER = re.compile(r"— \d+ —")


@pytest.fixture(autouse=True)
def _in_app(app):
    # A kind's title is a Babel label, rendered in Chinese for the PDF as the archive does.
    with app.app_context():
        yield


def document(sample, code: str = "ABCDEFGHJKMN", **changes) -> layout.Document:
    kind = KINDS[sample.kind]
    return replace(layout.Document(
        authority=AUTHORITY, title=chinese(kind.title), number=f"{kind.number_prefix}〔2026〕27号", issued_at=ISSUED,
        verification_code=code, verify_url=f"https://credit.example.cn/verify/{code}", recipient=sample.recipient,
        blocks=sample.blocks(), copy_to=sample.copy_to, issuing_office=OFFICE,
    ), **changes)


def render(sample, fonts: layout.FontFiles | None = None, **changes) -> bytes:
    return layout.render(document(sample, **changes), fonts or layout.FontFiles())


def long_notice():
    sample, _ = SAMPLES["grade_change"]
    return replace(sample, records=sample.records * 40)


@functools.cache
def long_pdf() -> bytes:
    """A notice of several pages (rendered once: several tests measure it)."""
    return render(long_notice())


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_document_reads_back_with_embedded_fonts_and_ink(kind, tmp_path):
    document, expected = SAMPLES[kind]
    pdf = render(document)

    text = pdfcheck.text(pdf)
    for phrase in [AUTHORITY, "2026年11月26日", "核验码", "ABCD-EFGH-JKMN", *expected]:
        assert phrase in text, phrase
    fonts = pdfcheck.font_report(pdf)
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name or "STSong" in name for name in fonts), fonts
    png = pdfcheck.first_page_png(pdf, tmp_path)
    assert pdfcheck.ink_share(png) > 0.01
    assert pdfcheck.red_share(png) > 0.0005  # the red header


def test_the_creation_date_is_the_issue_time_and_the_same_notice_gives_the_same_bytes():
    sample, _ = SAMPLES["grade_change"]
    pdf = render(sample)
    assert pdf == render(sample)
    assert PdfReader(io.BytesIO(pdf)).metadata.creation_date == ISSUED
    later = ISSUED + dt.timedelta(days=1, hours=3)
    assert PdfReader(io.BytesIO(render(sample, issued_at=later))).metadata.creation_date == later


def test_long_body_breaks_lines_and_pages():
    pdf = long_pdf()
    assert pdfcheck.text(pdf).count("代理非正常专利申请") == 40
    assert b"/Count 1" not in pdf  # more than one page, numbered
    assert "—2—" in pdfcheck.text(pdf)


@pytest.mark.parametrize("day, words", [
    (dt.date(2026, 11, 27), "2026年11月27日"),
    (dt.date(2020, 1, 1), "2020年1月1日"),
    (dt.date(2027, 10, 10), "2027年10月10日"),
    (dt.date(2028, 2, 29), "2028年2月29日"),
])
def test_dates_are_written_in_arabic_numerals_without_leading_zeros(day, words):
    assert layout.chinese_date(day) == words


# ---------------------------------------------------------------------------------------------
# The page


def test_the_text_stays_in_a_156_by_225_mm_block_37_mm_from_the_top_and_28_mm_from_the_left():
    pdf = long_pdf()
    page = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(page.width / mm), round(page.height / mm)) == (210, 297)
    lines = [f for f in pdfcheck.fragments(pdf) if not PAGE_NUMBER.fullmatch(f.text)]

    assert min(f.x for f in lines) == pytest.approx(LEFT, abs=0.01)  # the recipient, at the block's left edge
    assert max(f.right for f in lines) <= RIGHT + 0.01
    assert all(BOTTOM <= f.y and f.y + f.size <= TOP + 0.01 for f in lines)
    header = lines[0]
    assert header.text == AUTHORITY and TOP - (header.y + header.size) < header.size / 2  # the first line, at the top
    # Full lines of body text reach to within a character of the right edge.
    body = [f for f in lines if f.size == layout.BODY_SIZE and f.x == pytest.approx(LEFT)]
    assert max(f.right for f in body) > RIGHT - layout.BODY_SIZE
    # The block goes down to 35 mm: the 版记's last line sits just above it.
    assert min(f.y for f in lines) < BOTTOM + 10 * mm


def test_page_numbers_stand_right_on_odd_pages_and_left_on_even_ones():
    pdf = long_pdf()
    numbers = [f for f in pdfcheck.fragments(pdf) if PAGE_NUMBER.fullmatch(f.text)]
    pages = len(PdfReader(io.BytesIO(pdf)).pages)

    assert pages >= 3 and [(f.page, f.text) for f in numbers] == [(p, f"— {p} —") for p in range(1, pages + 1)]
    for f in numbers:
        assert f.size == 14 and BOTTOM - 7 * mm - f.size < f.y < BOTTOM - 7 * mm  # 4号, 7 mm under the block
        if f.page % 2:
            assert f.right == pytest.approx(RIGHT - f.size, abs=0.5)  # one character in from the right
        else:
            assert f.x == pytest.approx(LEFT + f.size, abs=0.5)


@pytest.mark.parametrize("authority", ["淮南市市场监督管理局", AUTHORITY])
def test_the_date_of_issue_stands_under_the_authority_and_nothing_is_printed_in_the_seal_area(authority):
    sample, _ = SAMPLES["grade_change"]
    lines = pdfcheck.fragments(render(sample, authority=authority))
    name = [f for f in lines if f.text == authority][-1]  # the first one is the red header
    date = next(f for f in lines if f.text == "2026年11月26日")

    assert date.page == name.page and name.y - date.y == pytest.approx(layout.LINE)
    assert date.right == pytest.approx(RIGHT - 4 * layout.BODY_SIZE, abs=0.5)  # four characters in from the right
    assert name.right <= RIGHT + 0.01
    if name.right < RIGHT - 0.5:  # centred over the date unless that would leave the text block
        assert (name.x + name.right) / 2 == pytest.approx((date.x + date.right) / 2, abs=0.5)
    # The 42 mm seal presses on both lines with them a little below its centre: nothing else is in it.
    centre = ((name.x + name.right) / 2, name.y + layout.SIGNATURE_BELOW_SEAL_CENTRE)
    inside = [f.text for f in lines if f.page == name.page and _meets_circle(f, centre, layout.SEAL_RADIUS)]
    assert sorted(inside) == sorted([authority, "2026年11月26日"])
    assert "盖章" not in pdfcheck.text(render(sample))


def _meets_circle(f: pdfcheck.Fragment, centre: tuple[float, float], radius: float) -> bool:
    """Whether the box of a line of text reaches into a circle."""
    nearest_x = min(max(centre[0], f.x), f.right)
    nearest_y = min(max(centre[1], f.y), f.y + f.size)
    return math.dist((nearest_x, nearest_y), centre) < radius


@pytest.mark.parametrize("long", [False, True])
def test_the_colophon_closes_the_last_page_with_copy_to_issuing_office_and_print_date(long):
    pdf = long_pdf() if long else render(SAMPLES["grade_change"][0])
    lines = pdfcheck.fragments(pdf)
    last_page = max(f.page for f in lines)
    copy_to = [f for f in lines if f.text == "抄送：田家庵区市场监督管理局。"]
    office = [f for f in lines if f.text == OFFICE]
    printed = [f for f in lines if f.text == "2026年11月26日印发"]

    assert len(copy_to) == len(office) == len(printed) == 1
    copy_to, office, printed = copy_to[0], office[0], printed[0]
    assert copy_to.page == office.page == printed.page == last_page
    assert office.y == printed.y < copy_to.y
    assert office.x == pytest.approx(LEFT + 14, abs=0.5) and printed.right == pytest.approx(RIGHT - 14, abs=0.5)
    # At the foot of the page: below everything else there but the page number.
    text = [f for f in lines if f.page == last_page and not PAGE_NUMBER.fullmatch(f.text)]
    assert min(f.y for f in text) == office.y and office.y < BOTTOM + 10 * mm


def test_the_monthly_report_copies_the_district_bureaus():
    sample, _ = SAMPLES["monthly_report"]
    assert "抄送：各县区市场监督管理局。" in [f.text for f in pdfcheck.fragments(render(sample))]


# ---------------------------------------------------------------------------------------------
# Fonts


def test_the_title_is_22_pt_and_the_body_16_pt():
    sample, _ = SAMPLES["grade_change"]
    lines = pdfcheck.fragments(render(sample))
    title = next(f for f in lines if f.text == "信用等级告知书")
    body = [f for f in lines if "你单位" in f.text]
    assert title.size == 22 and body and all(f.size == 16 for f in body)


def test_the_licensed_faces_are_embedded_where_the_settings_point():
    sample, _ = SAMPLES["grade_change"]
    # Swapped on purpose, so each role shows which file it took.
    song, hei = (layout.SHIPPED_FONTS[name][0] for name in (layout.SONG_FONT, layout.HEI_FONT))
    pdf = render(sample, layout.FontFiles(title=song, body=hei))
    lines = pdfcheck.fragments(pdf)

    assert "UMing" in next(f for f in lines if f.text == "信用等级告知书").font
    assert all("WenQuanYi" in f.font for f in lines if "你单位" in f.text)
    assert all(pdfcheck.font_report(pdf).values())


@pytest.mark.parametrize("setting", ["title", "body"])
@pytest.mark.parametrize("content", [None, b"not a font at all", b"OTTO" + bytes(60)], ids=["missing", "text", "cff"])
def test_a_missing_or_non_truetype_font_file_is_refused_naming_its_setting(tmp_path, setting, content):
    path = tmp_path / "licensed.ttf"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(layout.FontProblem) as raised:
        layout.check_fonts(layout.FontFiles(**{setting: path}))
    assert layout.FONT_SETTINGS[setting] in str(raised.value) and str(path) in str(raised.value)


def test_a_missing_shipped_font_fails_loudly_with_the_package_to_install(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.ttc"
    monkeypatch.setitem(layout.SHIPPED_FONTS, layout.SONG_FONT, (missing, 0, "fonts-arphic-uming"))
    layout.faces.cache_clear()
    try:
        with pytest.raises(layout.FontProblem, match="fonts-arphic-uming") as raised:
            render(SAMPLES["grade_change"][0])
        assert "make install" in str(raised.value) and str(missing) in str(raised.value)
    finally:
        layout.faces.cache_clear()


# ---------------------------------------------------------------------------------------------
# Line breaking

OPENING = "（《“〔"
CLOSING = "）》”〕，。、；：？！"
PUNCTUATED = "依据《专利代理条例》（2018年修订）第二十五条，对“以不正当手段招揽业务”的行为，责令改正——并予警告……"


def body_lines(pdf: bytes) -> list[str]:
    return [f.text for f in pdfcheck.fragments(pdf) if f.size == layout.BODY_SIZE]


def test_no_line_ends_with_an_opening_mark_or_starts_with_a_closing_one():
    # The same sentence shifted one character at a time puts every mark at every place in a line.
    blocks = [layout.Text("测" * shift + PUNCTUATED * 2, indent=False) for shift in range(27)]
    lines = body_lines(render(SAMPLES["grade_change"][0], blocks=blocks))

    assert len(lines) > 27 * 3
    for before, after in zip(lines, lines[1:]):
        assert before[-1] not in OPENING, before
        assert after[0] not in CLOSING, after
        for mark in "—…":  # a dash or an ellipsis is one mark two characters long
            assert not (before.endswith(mark) and after.startswith(mark)), (before, after)
        assert not (before[-1].isascii() and after[0].isascii()), (before, after)  # 2018 stays whole


def test_dates_and_document_numbers_never_wrap_inside_a_table_cell():
    values = ["2026-03-02", "淮市监知责改〔2026〕1234号", "2026年12月31日", "-10"]
    table = layout.Table(["行为", "决定日期", "决定文号", "期限", "分值"],
                         [[f"以不正当手段招揽业务{i}", *values] for i in range(3)], [0.6, 0.1, 0.1, 0.1, 0.1])
    lines = pdfcheck.fragments(render(SAMPLES["grade_change"][0], blocks=[table]))
    texts = [f.text for f in lines]

    for value in values:
        assert texts.count(value) == 3, value
    assert max(f.right for f in lines) <= RIGHT + 0.01
    records = [f.text for f in pdfcheck.fragments(long_pdf())]
    assert records.count("2026-03-02") == records.count("淮市监罚〔2026〕12号") == 40


FOLLOWERS = {
    "text": layout.Text("本局将依法对你单位采取相应监管措施。" * 8),
    "table": layout.Table(["行为", "决定日期"], [["代理非正常专利申请", "2026-03-02"]] * 15),
    "chart": layout.BarChart("各等级主体数", ["A", "B"], {"主体数": [3, 1]}),
}


@pytest.mark.parametrize("follower", sorted(FOLLOWERS))
def test_a_heading_is_never_the_last_line_of_a_page(follower):
    after = FOLLOWERS[follower]
    sample = SAMPLES["grade_change"][0]
    seen_pages = set()
    for lines_before in range(0, 23):  # the heading at every line of the page
        blocks = [layout.Text("测" * 27 * lines_before, indent=False), layout.Heading("一、标题"), after,
                  layout.Text("特此告知。")]
        lines = [f for f in pdfcheck.fragments(render(sample, blocks=blocks)) if not PAGE_NUMBER.fullmatch(f.text)]
        heading = next(i for i, f in enumerate(lines) if f.text == "一、标题")
        following = lines[heading + 1]
        assert following.page == lines[heading].page, (lines_before, following)
        seen_pages.add(lines[heading].page)
    assert seen_pages == {1, 2}  # some headings fell where a page ends
