"""Free-text search: one bound on what may be typed into a search field, and one way to match it.

Every free-text filter goes through ``contains``: the text is matched as typed (``%`` and ``_``
are no wildcards), in any case, and refused beyond ``MAX_SEARCH_TEXT`` characters (SQLite fails
on a LIKE pattern over 50,000 bytes, and no name, number or code is that long).
"""
from __future__ import annotations

import sqlalchemy as sa

from credit.errors import InvalidInput

MAX_SEARCH_TEXT = 200
_ESCAPE = "\\"


def search_text(text: str | None, field: str) -> str:
    """``text`` stripped, or InvalidInput when it is longer than anything worth searching for."""
    text = (text or "").strip()
    if len(text) > MAX_SEARCH_TEXT:
        raise InvalidInput(f"搜索内容至多 {MAX_SEARCH_TEXT} 个字符", f"search text has at most {MAX_SEARCH_TEXT} characters",
                           field)
    return text


def escape_like(text: str) -> str:
    return text.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")


def contains(column, text: str, field: str) -> sa.ColumnElement[bool]:
    """``column`` contains ``text`` as typed, in any case."""
    return column.ilike(f"%{escape_like(search_text(text, field))}%", escape=_ESCAPE)
