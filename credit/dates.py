"""Date arithmetic in one place (after OpenFisca's ``periods``): years, months, quarters and
deadlines in working days. Nothing else adds months or years by hand.

Working days follow the official calendar: weekends, public holidays and the adjusted working
days (调休) the State Council announces each year, usually in November for the next year. The
``chinese-calendar`` library knows the years up to its release. An admin can add a year as data
in ``rules/calendar/<year>.yaml`` before a release has it; that data wins over the library. For a
year known to neither, the statutory holidays that the law fixes for any year (元旦, 春节, 清明,
劳动节, 端午, 中秋, 国庆, with a weekday off for one that falls on a weekend) come from the
``holidays`` package, lunar ones included; only the adjusted working days are unknown then, so
such a deadline is marked provisional. Computing a deadline never fails for want of a calendar.
"""
from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import chinese_calendar
import holidays
from pydantic import BaseModel, ConfigDict, Field, model_validator

# ---------------------------------------------------------------------------------------------
# Months and years


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier); a day the target month lacks becomes its last."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes 28 February (DESIGN 4)."""
    return add_months(day, 12 * years)


_UNIT_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|Q(\d))?$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (``2026-11``), quarter (``2026Q4``) or year (``2026``)."""

    first: dt.date
    unit: str

    @classmethod
    def of(cls, unit: str, day: dt.date) -> "Period":
        """The period of ``unit`` that contains ``day``."""
        size = _UNIT_MONTHS[unit]
        return cls(dt.date(day.year, (day.month - 1) // size * size + 1, 1), unit)

    @classmethod
    def month(cls, day: dt.date) -> "Period":
        return cls.of("month", day)

    @classmethod
    def parse(cls, text: str) -> "Period":
        match = _PERIOD.match(text.strip())
        month = quarter = None
        if match:
            year, month, quarter = int(match[1]), match[2] and int(match[2]), match[3] and int(match[3])
        if not match or year < 1 or (month is not None and not 1 <= month <= 12) or (
                quarter is not None and not 1 <= quarter <= 4):
            raise ValueError(f"不是有效的期间（应如 2026、2026Q4 或 2026-11）：{text!r} / "
                             f"not a period (expected e.g. 2026, 2026Q4 or 2026-11): {text!r}")
        if month:
            return cls(dt.date(year, month, 1), "month")
        if quarter:
            return cls(dt.date(year, 3 * quarter - 2, 1), "quarter")
        return cls(dt.date(year, 1, 1), "year")

    @property
    def months(self) -> int:
        return _UNIT_MONTHS[self.unit]

    @property
    def last(self) -> dt.date:
        return add_months(self.first, self.months) - dt.timedelta(days=1)

    def offset(self, count: int) -> "Period":
        """The period ``count`` units later (negative: earlier)."""
        return Period(add_months(self.first, count * self.months), self.unit)

    def last_n(self, count: int) -> list["Period"]:
        """The ``count`` periods ending with this one, oldest first."""
        return [self.offset(i) for i in range(1 - count, 1)]

    def __contains__(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def __str__(self) -> str:
        if self.unit == "month":
            return f"{self.first:%Y-%m}"
        if self.unit == "quarter":
            return f"{self.first.year}Q{(self.first.month + 2) // 3}"
        return str(self.first.year)


# ---------------------------------------------------------------------------------------------
# Working days


class YearCalendar(BaseModel):
    """One year's official calendar as announced (国务院办公厅关于部分节假日安排的通知)."""

    # The catalog's strict schema (unknown keys refused); the catalog loader imports this module.
    model_config = ConfigDict(extra="forbid", frozen=True)

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
    # True when a year on the way had no official calendar yet: its adjusted working days are
    # unknown, so pages and notices show the date as provisional.
    provisional: bool


@functools.lru_cache(maxsize=None)
def _statutory_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.China(years=year))


class WorkingCalendar:
    def __init__(self, years: dict[int, YearCalendar] | None = None):
        self.years = years or {}

    @classmethod
    def load(cls, folder: Path) -> "WorkingCalendar":
        # Imported here: the catalog loader imports this module for its windows.
        from credit.catalog.loader import CatalogProblem, load_all

        years, problems = {}, []
        for file, year, _lines in load_all(YearCalendar, sorted(Path(folder).glob("*.yaml"))):
            if year.year in years:
                problems.append((str(file), None, f"year {year.year} is defined twice / 年度重复"))
            years[year.year] = year
        if problems:
            raise CatalogProblem(problems)
        return cls(years)

    def is_working_day(self, day: dt.date) -> tuple[bool, bool]:
        """(is it a working day, is the year's official calendar known)."""
        official = self.years.get(day.year)
        if official is not None:
            if day in official.holidays:
                return False, True
            return (day in official.workdays or day.weekday() < 5), True
        try:
            return chinese_calendar.is_workday(day), True
        except NotImplementedError:
            return day.weekday() < 5 and day not in _statutory_holidays(day.year), False

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


def load_calendar(folder: Path) -> WorkingCalendar:
    """The calendar of ``rules/calendar``, read again when a file there changes (an admin adds a year)."""
    from credit.catalog.loader import load_cached

    return load_cached(Path(folder), WorkingCalendar.load)
