"""Chinese first, English on request; the Chinese catalog is complete and compiled."""
from __future__ import annotations

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
