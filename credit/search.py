"""Free-text search: one way to match what was typed (``%`` and ``_`` are no wildcards).

A stand-in with the same names as the secure branch's ``credit/search.py``, which replaces it at
merge time (it also bounds the text's length).
"""
from __future__ import annotations

import sqlalchemy as sa

_ESCAPE = "\\"


def escape_like(text: str) -> str:
    return text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")


def contains(column, text: str, field: str) -> sa.ColumnElement[bool]:
    """``column`` contains ``text`` as typed, in any case."""
    return column.ilike(f"%{escape_like(text.strip())}%", escape=_ESCAPE)
