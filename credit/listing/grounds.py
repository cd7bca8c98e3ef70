"""The list's grounds and terms (``rules/listing/grounds.yaml``) and what follows from them.

Which penalties count as heavier (较重行政处罚, SAMR Order 44 art. 2) is data, like the catalog, but
kept outside the dated catalog versions: it enters no score and applies to penalties already
decided, so it must not be frozen with a version that assessments used.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pydantic import Field, field_validator

from credit.catalog.loader import Strict, load_all, load_cached
from credit.records.models import PENALTY_KINDS

FILE = "grounds.yaml"


class ListingRules(Strict):
    heavier_penalties: frozenset[str]
    fine_threshold: Decimal = Field(gt=0)
    referral_score_below: int
    local_authorities: tuple[str, ...] = ()
    statement_working_days: int = Field(ge=1)
    publication_working_days: int = Field(ge=1)
    removal_decision_working_days: int = Field(ge=1)
    early_removal_after_years: int = Field(ge=1)

    @field_validator("heavier_penalties")
    @classmethod
    def known_kinds(cls, kinds: frozenset[str]) -> frozenset[str]:
        unknown = sorted(kinds - set(PENALTY_KINDS))
        if unknown:
            raise ValueError(f"unknown penalty kinds / 未知的处罚种类: {', '.join(unknown)}")
        return kinds

    def is_heavier(self, kind: str | None, amount: Decimal | None) -> bool:
        """Whether a penalty is a heavier one (较重行政处罚)."""
        if kind in self.heavier_penalties:
            return True
        return kind == "fine" and amount is not None and Decimal(amount) >= self.fine_threshold

    def is_local(self, authority: str, own_name: str) -> bool:
        """Whether ``authority`` is this bureau (the penalty was decided here)."""
        return authority.strip() in {own_name, *self.local_authorities}


def _load(folder: Path) -> ListingRules:
    ((_file, rules, _lines),) = load_all(ListingRules, [Path(folder) / FILE])
    return rules


def load_rules(rules_dir: Path) -> ListingRules:
    """The grounds of ``rules_dir/listing``, read again when the file changes."""
    return load_cached(Path(rules_dir) / "listing", _load)


def current_rules() -> ListingRules:
    from credit.context import current

    return load_rules(current().rules_dir)
