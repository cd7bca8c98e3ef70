"""The one clock. Services take a Clock (or an explicit ``as_of``/``now``) so tests fix time."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """Wall clock: ``now`` is aware UTC (what we store), ``today`` is the Huainan calendar date."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def today(self) -> dt.date:
        return self.now().astimezone(LOCAL_TZ).date()


@dataclass
class FixedClock(Clock):
    """A clock stopped at one instant; ``advance`` moves it (tests never sleep)."""

    instant: dt.datetime

    def __post_init__(self):
        if self.instant.tzinfo is None:
            self.instant = self.instant.replace(tzinfo=LOCAL_TZ)

    def now(self) -> dt.datetime:
        return self.instant.astimezone(dt.timezone.utc)

    def advance(self, **delta) -> None:
        self.instant = self.instant + dt.timedelta(**delta)


def to_local(value: dt.datetime) -> dt.datetime:
    """Stored datetimes are UTC; SQLite drops the zone, so a naive value is read as UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(LOCAL_TZ)


class ClockSettingProblem(RuntimeError):
    """CREDIT_CLOCK_AT is not an instant: refused at start, naming the setting."""


def configured_clock(at: str | None) -> Clock:
    """The wall clock, or the FixedClock of CREDIT_CLOCK_AT (a naive time is Asia/Shanghai)."""
    if not at:
        return Clock()
    try:
        return FixedClock(dt.datetime.fromisoformat(at))
    except ValueError:
        raise ClockSettingProblem(
            f"CREDIT_CLOCK_AT 不是有效的时间（{at}），例如 2026-12-01T08:00+08:00 / "
            f"CREDIT_CLOCK_AT is not a valid time ({at}), e.g. 2026-12-01T08:00+08:00") from None


def fixed_clock_warning(at: str | None) -> str | None:
    """The loud start-up line of a process whose clock CREDIT_CLOCK_AT fixes; None when it is unset."""
    if not at:
        return None
    fixed = to_local(configured_clock(at).now()).isoformat(timespec="minutes")
    return (f"!!! 警告：CREDIT_CLOCK_AT 已设置，系统时间固定为 {fixed}，仅供培训和测试环境使用 / "
            f"WARNING: CREDIT_CLOCK_AT is set: the clock is fixed at {fixed}; for training and test environments only !!!")
