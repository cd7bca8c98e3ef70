"""Working-day deadlines follow the official calendar and never fail for an unknown year."""
from __future__ import annotations

import datetime as dt

import pytest

from credit.catalog.loader import CatalogProblem
from credit.workdays import Deadline, WorkingCalendar

D = dt.date


def test_library_year_skips_holidays_and_counts_adjusted_working_days():
    calendar = WorkingCalendar()
    # 2026: Fri 25 Sep is the Mid-Autumn holiday, Sun 20 Sep an adjusted working day.
    assert calendar.is_working_day(D(2026, 9, 25)) == (False, True)
    assert calendar.is_working_day(D(2026, 9, 20)) == (True, True)
    # Served Thu 17 Sep: Fri 18, Sun 20 (调休), Mon 21, Tue 22, Wed 23.
    assert calendar.add_working_days(D(2026, 9, 17), 5) == Deadline(D(2026, 9, 23), False)
    # Served Wed 30 Sep: the National Day week is off.
    assert calendar.add_working_days(D(2026, 9, 30), 1).due > D(2026, 10, 7)


def test_unknown_year_counts_weekends_only_and_is_provisional():
    deadline = WorkingCalendar().add_working_days(D(2026, 12, 29), 5)
    # Wed 30, Thu 31 Dec; Fri 1 Jan 2027 counted as a working day (no 2027 data), Mon 4, Tue 5.
    assert deadline == Deadline(D(2027, 1, 5), True)


def test_admin_year_data_wins_and_removes_the_provisional_mark(tmp_path):
    (tmp_path / "2027.yaml").write_text(
        "year: 2027\nsource: 国务院办公厅通知（测试）\nholidays: [2027-01-01]\nworkdays: []\n", encoding="utf-8"
    )
    deadline = WorkingCalendar.load(tmp_path).add_working_days(D(2026, 12, 29), 5)
    assert deadline == Deadline(D(2027, 1, 6), False)


def test_bad_year_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text("year: 2027\nsource: 测试\nholidays: [2026-01-01]\n", encoding="utf-8")
    with pytest.raises(CatalogProblem, match="outside 2027") as info:
        WorkingCalendar.load(tmp_path)
    assert info.value.problems[0][0] == str(path)


def test_the_project_calendar_folder_loads():
    from config import PROJECT_ROOT

    assert isinstance(WorkingCalendar.load(PROJECT_ROOT / "rules" / "calendar"), WorkingCalendar)
