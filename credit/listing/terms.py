"""What the list's services need from the configuration, gathered once per request, command or job."""
from __future__ import annotations

from dataclasses import dataclass

from credit.catalog.loader import Catalog
from credit.dates import WorkingCalendar
from credit.listing.grounds import ListingRules, load_rules
from credit.notices.services import NoticeSettings


@dataclass(frozen=True)
class Terms:
    rules: ListingRules
    catalog: Catalog
    calendar: WorkingCalendar
    notices: NoticeSettings
    # The decision needs the upper level's consent first (Order 44; CREDIT_LISTING_UPPER_CONSENT).
    consent_required: bool

    @property
    def authority(self) -> str:
        return self.notices.authority

    @property
    def period_years(self) -> int:
        return self.notices.listing_years

    def is_local(self, authority: str) -> bool:
        return self.rules.is_local(authority, self.authority)


def current_terms() -> Terms:
    from flask import current_app

    from credit.context import current

    ctx = current()
    return Terms(load_rules(ctx.rules_dir), ctx.catalog, ctx.calendar, NoticeSettings.from_config(current_app.config),
                 bool(current_app.config.get("LISTING_UPPER_CONSENT", True)))
