"""What the procedure services (cases, the list, applications, inspection results) use besides
the session and the clock: the rules catalog, the working calendar and the notice settings
(file store, authority). Built from the app context once per request, command or job, and
passed in, so the services stay callable with any catalog or calendar (tests, the demo)."""
from __future__ import annotations

from dataclasses import dataclass

from credit.catalog.loader import Catalog
from credit.dates import WorkingCalendar
from credit.files import FileStore
from credit.notices.services import NoticeSettings


@dataclass(frozen=True)
class ServiceEnv:
    catalog: Catalog
    calendar: WorkingCalendar
    notices: NoticeSettings

    @property
    def files(self) -> FileStore:
        return self.notices.files

    @property
    def authority(self) -> str:
        return self.notices.authority


def current_env() -> ServiceEnv:
    from credit.context import current
    from credit.notices.services import current_settings

    ctx = current()
    return ServiceEnv(ctx.catalog, ctx.calendar, current_settings())
