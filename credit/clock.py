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
