"""Without Chromium the browser tests skip with a reason, except in CI (REQUIRE_BROWSER=1), where they fail."""
from __future__ import annotations

import pytest

from tests.browser.conftest import chromium


def test_a_missing_browser_skips_and_says_why(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.delenv("REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium is missing"):
        chromium()


def test_a_missing_browser_fails_when_required(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "no-chromium"))
    monkeypatch.setenv("REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="REQUIRE_BROWSER=1"):
        chromium()
