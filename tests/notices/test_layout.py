"""Every kind of document, read back: its Chinese text, embedded fonts only, a page that is not blank."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from credit.i18n import chinese
from credit.notices import layout
from credit.notices.kinds import KINDS
from tests.notices import pdfcheck
from tests.notices.samples import SAMPLES

AUTHORITY = "淮南市市场监督管理局（知识产权局）"


@pytest.fixture(autouse=True)
def _in_app(app):
    # A kind's title is a Babel label, rendered in Chinese for the PDF as the archive does.
    with app.app_context():
        yield


def render(document, code: str = "ABCDEFGHJKMN") -> bytes:
    kind = KINDS[document.kind]
    return layout.render(layout.Document(
        authority=AUTHORITY, title=chinese(kind.title), number=f"{kind.number_prefix}〔2026〕第0001号",
        issued_on=dt.date(2026, 11, 26), verification_code=code, verify_url=f"https://credit.example.cn/verify/{code}",
        recipient=document.recipient, blocks=document.blocks(),
    ))


def test_every_kind_has_a_sample():
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_document_reads_back_with_embedded_fonts_and_ink(kind, tmp_path):
    document, expected = SAMPLES[kind]
    pdf = render(document)

    text = pdfcheck.text(pdf)
    for phrase in [AUTHORITY, "二〇二六年十一月二十六日", "核验码", "ABCD-EFGH-JKMN", *expected]:
        assert phrase in text, phrase
    fonts = pdfcheck.font_report(pdf)
    assert fonts and all(fonts.values()), fonts
    assert not any("Helvetica" in name or "STSong" in name for name in fonts), fonts
    png = pdfcheck.first_page_png(pdf, tmp_path)
    assert pdfcheck.ink_share(png) > 0.01
    assert pdfcheck.red_share(png) > 0.0005  # the red header


def test_same_document_gives_the_same_bytes():
    document, _ = SAMPLES["grade_change"]
    assert render(document) == render(document)


def test_long_body_breaks_lines_and_pages():
    sample, _ = SAMPLES["grade_change"]
    document = replace(sample, records=sample.records * 40)
    pdf = render(document)
    assert pdfcheck.text(pdf).count("代理非正常专利申请") == 40
    assert b"/Count 1" not in pdf  # more than one page, numbered
    assert "—2—" in pdfcheck.text(pdf)


@pytest.mark.parametrize("day, words", [
    (dt.date(2026, 11, 26), "二〇二六年十一月二十六日"),
    (dt.date(2020, 1, 1), "二〇二〇年一月一日"),
    (dt.date(2027, 10, 10), "二〇二七年十月十日"),
    (dt.date(2028, 2, 29), "二〇二八年二月二十九日"),
    (dt.date(2026, 12, 31), "二〇二六年十二月三十一日"),
    (dt.date(2026, 5, 20), "二〇二六年五月二十日"),
])
def test_chinese_date(day, words):
    assert layout.chinese_date(day) == words


def test_missing_font_fails_loudly_with_the_package_to_install(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.ttc"
    monkeypatch.setitem(layout.FONTS, layout.BODY_FONT, (missing, 0, "fonts-arphic-uming"))
    layout.register_fonts.cache_clear()
    try:
        with pytest.raises(layout.FontMissing, match="fonts-arphic-uming") as raised:
            render(SAMPLES["grade_change"][0])
        assert "make install" in str(raised.value) and str(missing) in str(raised.value)
    finally:
        layout.register_fonts.cache_clear()
