"""Chinese first, English on request; the Chinese catalog is complete and compiled."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "credit" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"


def test_chinese_by_default_and_english_by_the_link(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "<h1>登录</h1>" in page and "淮南市市场监督管理局（知识产权局）" in page
    response = client.get("/language/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "<h1>Log in</h1>" in page
    client.get("/language/zh_CN")
    assert "<h1>登录</h1>" in client.get("/login").get_data(as_text=True)


def test_labels_are_chinese_by_default_and_english_when_switched(client, login_as, make_subject, make_record):
    subject = make_subject("patent_agency", district="340403")
    make_record(subject, "PA-PENALTY", dt.date(2026, 3, 2), status="draft")
    login_as("inspector")
    pages = (f"/subjects/{subject.id}", f"/subjects/{subject.id}/records/new", "/subjects/new")
    chinese = "".join(client.get(url).get_data(as_text=True) for url in pages)
    # Kind, district, status; the categories of the record form; a district in the subject form.
    for label in ("专利代理机构", "田家庵区", "待审核", "地理标志", "凤台县（340421）"):
        assert label in chinese, label
    client.get("/language/en")
    english = "".join(client.get(url).get_data(as_text=True) for url in pages)
    for label in ("Patent agency", "Tianjia'an District", "awaiting review", "Geographical indication",
                  "Fengtai County (340421)"):
        assert label in english, label
    # (The rule catalog is data in Chinese: "列入专利代理机构经营异常名录" stays as it is.)
    assert not any(label in english for label in ("<td>专利代理机构</td>", "田家庵区", "待审核", ">地理标志<"))


def test_job_and_notice_kind_labels_follow_the_language(client, login_as):
    login_as("admin")
    chinese = client.get("/admin/scheduler/").get_data(as_text=True) + client.get("/notices/").get_data(as_text=True)
    for label in ("签发新事件的告知书", "每日 02:00", "每月1日 06:00", "信用等级告知书", "移出严重失信主体名单决定书"):
        assert label in chinese, label
    client.get("/language/en")
    english = client.get("/admin/scheduler/").get_data(as_text=True) + client.get("/notices/").get_data(as_text=True)
    for label in ("Issue notices for new events", "daily 02:00", "1st of the month 06:00", "Credit grade notice",
                  "Decision to remove from the serious-dishonesty list"):
        assert label in english, label
    assert "签发新事件的告知书" not in english and "信用等级告知书" not in english


def test_unknown_language_and_offsite_next_are_ignored(client):
    response = client.get("/language/fr?next=https://evil.example/")
    assert response.headers["Location"] == "/"
    assert "<h1>登录</h1>" in client.get("/login").get_data(as_text=True)


def test_every_message_has_a_chinese_translation(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    subprocess.run([str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-o", str(pot), "."], cwd=PROJECT_ROOT, check=True, capture_output=True)
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with (CATALOG / "messages.po").open("rb") as f:
        translated = {m.id: m.string for m in read_po(f) if m.id}
    missing = sorted(str(m) for m in wanted if not translated.get(m))
    assert not missing, f"add these to {CATALOG / 'messages.po'} (see babel.cfg): {missing}"


def test_compiled_catalog_matches_the_po_file():
    with (CATALOG / "messages.po").open("rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id and m.string}
    with (CATALOG / "messages.mo").open("rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert mo == po, "run `pybabel compile -d credit/translations` (make install does it)"


@pytest.mark.parametrize("target", [
    "/login\r\nSet-Cookie: session=forged",  # a header split: was a 500
    "/login\nLocation: https://evil.example/",
    "http://[::1",  # unparseable: was a 500
    "https://evil.example/login",
    "//evil.example/login",
    "/\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "login",
    "/login\x7f",
    "/" + "x" * 3000,
])
def test_every_next_is_a_local_path_or_dropped(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_local_next_with_its_query_is_kept(client):
    response = client.get("/language/en", query_string={"next": "/subjects/?name=淮南&page=2"})
    assert response.headers["Location"] == "/subjects/?name=%E6%B7%AE%E5%8D%97&page=2"
