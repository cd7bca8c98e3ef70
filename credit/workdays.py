"""Chinese working days for deadlines (objection windows, verification periods, publication).

The official calendar (weekends, public holidays, adjusted working days 调休) comes from the
``chinese-calendar`` library for the years it knows. The State Council announces each next
year around November, before a library release may have it, so an admin can add a year as data
in ``rules/calendar/<year>.yaml``; that data wins over the library. For a year known to
neither, weekends alone are counted and the deadline is marked provisional, to be shown as such
on every page and notice. Computing a deadline never fails for want of a calendar.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
from pydantic import Field, model_validator

from credit.catalog.loader import CatalogProblem, Strict, load_all


class YearCalendar(Strict):
    """One year's official calendar as announced (国务院办公厅关于放假安排的通知)."""

    year: int = Field(ge=2000, le=2100)
    source: str = Field(min_length=1)
    holidays: list[dt.date] = Field(default_factory=list)
    workdays: list[dt.date] = Field(default_factory=list)  # adjusted working days on weekends

    @model_validator(mode="after")
    def dates_in_year(self):
        wrong = [d for d in (*self.holidays, *self.workdays) if d.year != self.year]
        if wrong:
            raise ValueError(f"dates outside {self.year}: {', '.join(map(str, wrong))} / 日期不在该年度内")
        both = set(self.holidays) & set(self.workdays)
        if both:
            raise ValueError(f"dates both holiday and working day: {', '.join(map(str, sorted(both)))} / 日期既是假日又是工作日")
        return self


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    # True when a year on the way was known to neither the library nor the admin's data.
    provisional: bool


class WorkingCalendar:
    def __init__(self, years: dict[int, YearCalendar] | None = None):
        self.years = years or {}

    @classmethod
    def load(cls, folder: Path) -> "WorkingCalendar":
        years, problems = {}, []
        for file, calendar, _lines in load_all(YearCalendar, sorted(Path(folder).glob("*.yaml"))):
            if calendar.year in years:
                problems.append((str(file), None, f"year {calendar.year} is defined twice / 年度重复"))
            years[calendar.year] = calendar
        if problems:
            raise CatalogProblem(problems)
        return cls(years)

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, is the year's official calendar known)."""
        calendar = self.years.get(day.year)
        if calendar is not None:
            if day in calendar.holidays:
                return False, True
            return (day in calendar.workdays or day.weekday() < 5), True
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            return day.weekday() < 5, False

    def add_working_days(self, start: dt.date, count: int) -> Deadline:
        """The ``count``-th working day after ``start`` (the day of service itself not counted)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day, left, known = start, count, True
        while left:
            day += dt.timedelta(days=1)
            working, year_known = self.is_working_day(day)
            known = known and year_known
            left -= working
        return Deadline(day, not known)
