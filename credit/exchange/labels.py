"""`credit export records|assessments --labels zh|en`: the exchange rows as people read them.

The same rows as the exchange shapes (so the figures agree with a plain export), with column
titles in the chosen language and every code replaced by its name: rule codes with their
behaviour, categories, statuses, penalties, tiers. Rendered inside the caller's locale.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from credit.catalog.loader import Catalog, NoCatalogInForce
from credit.records.models import CATEGORIES, PENALTY_KINDS
from credit.records.services import STATUS_LABELS
from credit.subjects.forms import TIER_LABELS

Column = tuple[Any, Callable[[dict], Any]]  # (title, the cell from an exchange row)


def _named(labels: dict, field: str) -> Callable[[dict], str]:
    return lambda row: str(labels.get(row.get(field), row.get(field) or ""))


def _rule(catalog: Catalog) -> Callable[[dict], str]:
    """The code with the behaviour the version a record was entered under gives it."""
    def cell(row: dict) -> str:
        try:
            rule = catalog.version_for_record(dt.date.fromisoformat(row["decision_date"])).rule(row["type"])
        except NoCatalogInForce:
            rule = None
        rule = rule or catalog.any_rule(row["type"])
        return f"{row['type']} {rule.behaviour}" if rule is not None else row["type"]
    return cell


def _penalty(row: dict) -> str:
    penalty = row.get("penalty")
    if not penalty:
        return ""
    label = str(PENALTY_KINDS.get(penalty["kind"], penalty["kind"]))
    return label if penalty.get("amount") is None else _("%(penalty)s (%(amount)s yuan)", penalty=label,
                                                        amount=f"{penalty['amount']:,}")


def _contributions(row: dict) -> str:
    return "; ".join(f"{c['record_id']} {c['type']} {c['points']:+d}" for c in row["contributions"])


def record_columns(catalog: Catalog) -> list[Column]:
    return [
        (_l("Record"), lambda row: row["id"]),
        (_l("USCC"), lambda row: row["uscc"]),
        (_l("Misconduct type"), _rule(catalog)),
        (_l("Category"), _named(CATEGORIES, "category")),
        (_l("Decision date"), lambda row: row["decision_date"]),
        (_l("Decision document number"), lambda row: row["document_no"] or ""),
        (_l("Deciding authority"), lambda row: row["authority"] or ""),
        (_l("Status"), _named(STATUS_LABELS, "status")),
        (_l("Penalty"), _penalty),
    ]


def assessment_columns() -> list[Column]:
    return [
        (_l("USCC"), lambda row: row["uscc"]),
        (_l("As of"), lambda row: row["as_of"]),
        (_l("Score"), lambda row: row["score"]),
        (_l("Grade"), lambda row: row["grade"]),
        (_l("Supervision tier"), _named(TIER_LABELS, "tier")),
        (_l("On the serious-dishonesty list"), lambda row: _("yes") if row["listed"] else _("no")),
        (_l("Deductions (record, type, points)"), _contributions),
    ]


def labelled(columns: list[Column], rows: Iterable[dict]) -> tuple[tuple[str, ...], Iterator[dict]]:
    """Titles and rows keyed by them, for the exchange writers."""
    titles = tuple(str(title) for title, _cell in columns)
    return titles, (dict(zip(titles, (cell(row) for _title, cell in columns))) for row in rows)
