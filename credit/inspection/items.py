"""The inspection items (检查事项) of a random check, by subject kind: data in rules/inspection/,
read by the catalog's strict loader (unknown keys, a missing kind or an empty list refused with
file and line)."""
from __future__ import annotations

from pathlib import Path

from pydantic import Field

from credit.catalog.loader import Strict, load_cached, read_yaml, validate

ITEMS_FILE = "items.yaml"


class InspectionItems(Strict):
    patent_agency: list[str] = Field(min_length=1)
    trademark_agency: list[str] = Field(min_length=1)
    firm: list[str] = Field(min_length=1)

    def for_kind(self, kind: str) -> list[str]:
        return list(getattr(self, kind))


def _load(folder: Path) -> InspectionItems:
    path = folder / ITEMS_FILE
    data, lines = read_yaml(path)
    return validate(InspectionItems, data, lines, path)


def load_items(rules_dir: Path) -> InspectionItems:
    """The items in ``rules_dir/inspection/items.yaml`` (cached until the file changes)."""
    return load_cached(Path(rules_dir) / "inspection", _load)
