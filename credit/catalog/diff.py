"""What differs between two catalog versions: rules added and removed, and every field changed.

`credit rules diff V1 V2` shows it; ``register_version`` uses it to tell an erratum (a corrected
citation, or what a record of a type may be entered with) from a change of what makes a score.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit.catalog.loader import CatalogVersionSpec, RuleSpec

# Rule fields that enter no score: a version used for assessments may still correct them in place.
ERRATA_FIELDS = frozenset({"reference", "category", "categories", "evidence_required"})


@dataclass(frozen=True)
class FieldChange:
    rule: str | None  # the rule's code; None for a setting of the version itself
    field: str
    old: Any
    new: Any

    @property
    def is_erratum(self) -> bool:
        return self.rule is not None and self.field in ERRATA_FIELDS

    def as_json(self) -> dict:
        return {"rule": self.rule, "field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class VersionDiff:
    old: CatalogVersionSpec
    new: CatalogVersionSpec
    added: tuple[RuleSpec, ...]
    removed: tuple[RuleSpec, ...]
    changed: tuple[FieldChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def score_changes(self) -> list[str]:
        """Everything but errata, as ``rule.field`` (or ``field`` for a setting, ``+CODE``/``-CODE``)."""
        return ([f"+{r.code}" for r in self.added] + [f"-{r.code}" for r in self.removed]
                + [f"{c.rule}.{c.field}" if c.rule else c.field for c in self.changed if not c.is_erratum])

    def as_json(self) -> dict:
        def side(version: CatalogVersionSpec) -> dict:
            return {"version": version.version, "title": version.title,
                    "effective_from": version.effective_from.isoformat(),
                    "effective_to": version.effective_to.isoformat() if version.effective_to else None}

        return {
            "from": side(self.old), "to": side(self.new),
            "added": [r.model_dump(mode="json") for r in self.added],
            "removed": [r.model_dump(mode="json") for r in self.removed],
            "changed": [c.as_json() for c in self.changed],
        }


def diff_versions(old: CatalogVersionSpec, new: CatalogVersionSpec) -> VersionDiff:
    """Settings first, in schema order; then rules in the new version's order."""
    before, after = old.model_dump(mode="json"), new.model_dump(mode="json")
    changed = [FieldChange(None, key, before[key], after[key])
               for key in CatalogVersionSpec.model_fields if key != "rules" and before[key] != after[key]]
    old_rules = {r["code"]: r for r in before["rules"]}
    new_codes = {r["code"] for r in after["rules"]}
    for rule in after["rules"]:
        was = old_rules.get(rule["code"])
        if was is not None:
            changed += [FieldChange(rule["code"], key, was[key], rule[key])
                        for key in RuleSpec.model_fields if was[key] != rule[key]]
    return VersionDiff(
        old, new,
        added=tuple(r for r in new.rules if r.code not in old_rules),
        removed=tuple(r for r in old.rules if r.code not in new_codes),
        changed=tuple(changed),
    )
