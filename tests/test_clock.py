"""CREDIT_CLOCK_AT: a training or test system's fixed clock, refused when it is no instant."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from config import Config
from credit import create_app
from credit.cli import main
from credit.clock import Clock, FixedClock, configured_clock, fixed_clock_warning


def test_the_setting_fixes_the_clock_of_the_app(monkeypatch, database_url):
    monkeypatch.setenv("CREDIT_CLOCK_AT", "2026-12-01T08:00+08:00")
    app = create_app(Config(DATABASE_URL=database_url, TESTING=True))
    clock = app.extensions["credit"].clock
    assert clock.now() == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.timezone.utc)
    assert clock.today() == dt.date(2026, 12, 1)
    assert "2026-12-01T08:00+08:00" in fixed_clock_warning(app.config["CLOCK_AT"])
    app.extensions["credit"].engine.dispose()


def test_unset_it_is_the_wall_clock_and_nothing_is_said():
    clock = configured_clock(None)
    assert type(clock) is Clock and fixed_clock_warning(None) is None
    # A time without offset is Huainan's.
    assert configured_clock("2026-12-01 08:00").now() == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.timezone.utc)
    assert isinstance(configured_clock("2026-12-01"), FixedClock)


@pytest.mark.parametrize("value", ["tomorrow", "2026-13-01T08:00"])
def test_a_value_that_is_no_instant_stops_the_command_naming_the_setting(monkeypatch, value):
    monkeypatch.setenv("CREDIT_CLOCK_AT", value)
    result = CliRunner().invoke(main, ["jobs", "list"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"CREDIT_CLOCK_AT 不是有效的时间（{value}）" in result.output
