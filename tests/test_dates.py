"""The date module: years with the 29 February rule, months and quarters, and working-day
deadlines that follow the official calendar and never fail for a year it does not know yet."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credit.catalog.loader import CatalogProblem
from credit.dates import Deadline, Period, WorkingCalendar, add_months, add_years, load_calendar

D = dt.date
YEAR_2027 = "year: 2027\nsource: 国务院办公厅关于2027年部分节假日安排的通知（测试）\n"


# -- years and months -----------------------------------------------------------------------------


@pytest.mark.parametrize("day, years, expected", [
    (D(2024, 2, 29), 1, D(2025, 2, 28)),   # a window ending on 29 February ends on the 28th
    (D(2024, 2, 29), 3, D(2027, 2, 28)),
    (D(2024, 2, 29), 4, D(2028, 2, 29)),   # a leap year keeps it
    (D(2024, 2, 29), -1, D(2023, 2, 28)),
    (D(2026, 3, 1), 3, D(2029, 3, 1)),
    (D(2026, 11, 26), -3, D(2023, 11, 26)),
])
def test_add_years_moves_29_february_to_the_28th(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize("day, months, expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),   # the target month is shorter: its last day
    (D(2028, 1, 31), 1, D(2028, 2, 29)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 5, 31), 1, D(2026, 6, 30)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),  # across the year
    (D(2026, 1, 10), -13, D(2024, 12, 10)),
])
def test_add_months_keeps_the_day_or_takes_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


# -- periods --------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, first, last, months", [
    ("2026Q4", D(2026, 10, 1), D(2026, 12, 31), 3),
    ("2026Q1", D(2026, 1, 1), D(2026, 3, 31), 3),
    ("2026-02", D(2026, 2, 1), D(2026, 2, 28), 1),
    ("2028-02", D(2028, 2, 1), D(2028, 2, 29), 1),
    ("2026-11", D(2026, 11, 1), D(2026, 11, 30), 1),
    ("2026", D(2026, 1, 1), D(2026, 12, 31), 12),
])
def test_a_period_parses_and_knows_its_first_and_last_day(text, first, last, months):
    period = Period.parse(text)
    assert (period.first, period.last, period.months, str(period)) == (first, last, months, text)
    assert first in period and last in period
    assert first - dt.timedelta(days=1) not in period and last + dt.timedelta(days=1) not in period


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "2026-13", "2026-00", "26Q1", "2026-1", "Q4", "", "0000"])
def test_a_malformed_period_is_refused_in_both_languages(text):
    with pytest.raises(ValueError, match="不是有效的期间.*not a period"):
        Period.parse(text)


def test_periods_step_by_their_own_unit():
    assert Period.of("quarter", D(2026, 11, 26)) == Period.parse("2026Q4")
    assert Period.parse("2026Q4").offset(1) == Period.parse("2027Q1")
    assert Period.month(D(2026, 1, 15)).offset(-1) == Period.parse("2025-12")
    assert Period.of("year", D(2026, 11, 26)).offset(-2) == Period.parse("2024")
    assert [str(p) for p in Period.parse("2026-02").last_n(4)] == ["2025-11", "2025-12", "2026-01", "2026-02"]


# -- working days ---------------------------------------------------------------------------------


def test_library_year_skips_holidays_and_counts_adjusted_working_days():
    calendar = WorkingCalendar()
    # 2026: Fri 25 Sep is the Mid-Autumn holiday, Sun 20 Sep an adjusted working day.
    assert calendar.is_working_day(D(2026, 9, 25)) == (False, True)
    assert calendar.is_working_day(D(2026, 9, 20)) == (True, True)
    # Served Thu 17 Sep: Fri 18, Sun 20 (调休), Mon 21, Tue 22, Wed 23.
    assert calendar.add_working_days(D(2026, 9, 17), 5) == Deadline(D(2026, 9, 23), False)


def test_a_deadline_across_the_2026_national_day_holiday():
    calendar = WorkingCalendar()
    # Served Wed 30 Sep: 1-7 October are off, so the first working day is Thu 8 October.
    assert calendar.add_working_days(D(2026, 9, 30), 1) == Deadline(D(2026, 10, 8), False)
    # Sat 10 October is an adjusted working day.
    assert calendar.add_working_days(D(2026, 10, 9), 1) == Deadline(D(2026, 10, 10), False)


def test_a_deadline_across_the_2026_spring_festival():
    calendar = WorkingCalendar()
    # Sat 14 Feb is worked; 15-23 February are off.
    assert calendar.add_working_days(D(2026, 2, 13), 1) == Deadline(D(2026, 2, 14), False)
    assert calendar.add_working_days(D(2026, 2, 13), 2) == Deadline(D(2026, 2, 24), False)


def test_a_year_nobody_announced_yet_counts_statutory_holidays_and_is_provisional():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(D(2027, 1, 1)) == (False, False)
    # Served Tue 29 Dec 2026: Wed 30, Thu 31; Fri 1 January 2027 is 元旦; Mon 4, Tue 5, Wed 6.
    assert calendar.add_working_days(D(2026, 12, 29), 5) == Deadline(D(2027, 1, 6), True)
    # Served Thu 4 Feb 2027: New Year's Eve Fri 5 Feb to Wed 10 Feb (a weekend day of the festival
    # is made up on a weekday, as the law says), so the first working day is Thu 11 February.
    assert calendar.add_working_days(D(2027, 2, 4), 1) == Deadline(D(2027, 2, 11), True)
    # A deadline that stays in known years is not provisional.
    assert calendar.add_working_days(D(2026, 12, 1), 5).provisional is False


def test_an_admin_added_year_wins_and_removes_the_provisional_mark(tmp_path):
    (tmp_path / "2027.yaml").write_text(
        YEAR_2027 + "holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]\n"
        "workdays: [2027-02-13]\n", encoding="utf-8")
    calendar = WorkingCalendar.load(tmp_path)
    assert calendar.add_working_days(D(2026, 12, 29), 5) == Deadline(D(2027, 1, 6), False)
    # As announced (in this test): off to Thu 11 February, Sat 13 February worked.
    assert calendar.add_working_days(D(2027, 2, 4), 2) == Deadline(D(2027, 2, 13), False)


def test_a_year_added_while_running_is_read_at_once(tmp_path):
    assert load_calendar(tmp_path).add_working_days(D(2026, 12, 29), 5).provisional is True
    (tmp_path / "2027.yaml").write_text(YEAR_2027 + "holidays: [2027-01-01]\n", encoding="utf-8")
    assert load_calendar(tmp_path).add_working_days(D(2026, 12, 29), 5) == Deadline(D(2027, 1, 6), False)


def test_services_get_the_project_calendar_from_the_app_context(ctx):
    assert ctx.calendar.add_working_days(D(2026, 9, 30), 1) == Deadline(D(2026, 10, 8), False)
    assert ctx.calendar is ctx.calendar  # read once, until a file changes


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=D(1995, 1, 1), max_value=D(2099, 12, 1)), count=st.integers(1, 40))
def test_a_deadline_never_fails_and_counts_exactly_its_working_days(start, count):
    calendar = WorkingCalendar()
    deadline = calendar.add_working_days(start, count)
    days = [start + dt.timedelta(days=i) for i in range(1, (deadline.due - start).days + 1)]
    flags = [calendar.is_working_day(day) for day in days]
    assert flags[-1][0] and sum(working for working, _known in flags) == count
    assert deadline.provisional == (not all(known for _working, known in flags))


def test_bad_year_file_is_refused_with_its_line(tmp_path):
    path = tmp_path / "2027.yaml"
    path.write_text("year: 2027\nsource: 测试\nholidays: [2026-01-01]\n", encoding="utf-8")
    with pytest.raises(CatalogProblem, match="outside 2027") as info:
        WorkingCalendar.load(tmp_path)
    assert info.value.problems[0][0] == str(path)


def test_the_project_calendar_folder_loads():
    from config import PROJECT_ROOT

    assert isinstance(WorkingCalendar.load(PROJECT_ROOT / "rules" / "calendar"), WorkingCalendar)
