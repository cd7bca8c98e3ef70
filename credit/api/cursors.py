"""Opaque cursors of the paged exports: the key a page ended on, signed with the app's secret so
that a client can neither forge one nor use one export's cursor for another (it would reach the
database as a value of the wrong kind)."""
from __future__ import annotations

from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from credit.errors import InvalidInput
from credit.exchange.services import Key

SALT = "credit.api.cursor"


def encode(secret_key: str, export: str, key: Key, **context: Any) -> str:
    """The cursor of the page after ``key`` of ``export`` (``context``: what else fixes the export, e.g. its date)."""
    return URLSafeSerializer(secret_key, SALT).dumps({"export": export, "after": list(key), "context": context})


def decode(secret_key: str, export: str, cursor: str, **context: Any) -> tuple[Key, dict[str, Any]]:
    """The key a cursor made by ``encode`` for ``export`` carries, and its context: a value of
    ``context`` left None is the cursor's, any other must be the cursor's. InvalidInput otherwise."""
    try:
        data = URLSafeSerializer(secret_key, SALT).loads(cursor)
    except BadSignature:
        data = None
    carried = data.get("context") if isinstance(data, dict) and data.get("export") == export else None
    if not isinstance(carried, dict) or set(carried) != set(context) or any(
            value is not None and carried[name] != value for name, value in context.items()):
        raise InvalidInput("游标无效：请使用上一页响应中的 next_cursor（不能更换导出内容或日期）",
                           "invalid cursor: use the next_cursor of the previous page (of the same export and date)",
                           "cursor")
    return tuple(data["after"]), carried
