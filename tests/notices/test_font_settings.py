"""A bad licensed-font setting stops the app and the CLI at start (outside any app context, as a
deployment meets it)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from credit import create_app
from credit.cli import main
from credit.notices import layout


def test_the_app_and_the_cli_refuse_to_start_with_a_bad_font_setting(app_config, tmp_path, monkeypatch):
    app_config.FONT_BODY = str(tmp_path / "fangsong.ttf")
    with pytest.raises(layout.FontProblem, match="CREDIT_FONT_BODY"):
        create_app(app_config)

    monkeypatch.setenv("CREDIT_FONT_TITLE", str(tmp_path / "xiaobiaosong.ttf"))
    result = CliRunner().invoke(main, ["jobs", "list"])
    assert result.exit_code == 1 and "CREDIT_FONT_TITLE" in result.output and "Traceback" not in result.output
