"""What the list's services need: the shared service environment, the listing grounds and whether
the upper level's consent comes first. Gathered once per request, command or job."""
from __future__ import annotations

from dataclasses import dataclass

from credit.env import ServiceEnv, current_env
from credit.listing.grounds import ListingRules, load_rules


@dataclass(frozen=True)
class Terms(ServiceEnv):
    rules: ListingRules
    # The decision needs the upper level's consent first (Order 44; CREDIT_LISTING_UPPER_CONSENT).
    consent_required: bool

    @property
    def period_years(self) -> int:
        return self.notices.listing_years

    def is_local(self, authority: str) -> bool:
        return self.rules.is_local(authority, self.authority)


def current_terms() -> Terms:
    from flask import current_app

    from credit.context import current

    env = current_env()
    return Terms(env.catalog, env.calendar, env.notices, load_rules(current().rules_dir),
                 bool(current_app.config.get("LISTING_UPPER_CONSENT", True)))
