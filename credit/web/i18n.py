"""Language and dates: Chinese first, English on request (stored in the session)."""
from __future__ import annotations

import datetime as dt

from flask import Flask, has_request_context, session
from flask_babel import Babel, format_date, get_locale

from credit.clock import to_local
from credit.errors import DomainError
from credit.i18n import DEFAULT_LANGUAGE, LANGUAGES

babel = Babel()


def select_locale() -> str:
    # Outside a request (a command, a job) there is no user to ask: the default, Chinese.
    language = session.get("language") if has_request_context() else None
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def current_language() -> str:
    """The key of LANGUAGES in force ("zh_CN" or "en")."""
    return DEFAULT_LANGUAGE if get_locale().language == "zh" else "en"


def is_chinese() -> bool:
    return current_language() == DEFAULT_LANGUAGE


def domain_message(err: DomainError) -> str:
    """A DomainError's message in the page's language."""
    return err.zh if is_chinese() else err.en


def local_date(value: dt.date | None) -> str:
    """2026年11月26日 in Chinese, November 26, 2026 in English."""
    return format_date(value, "long") if value else ""


def local_datetime(value: dt.datetime | None) -> str:
    """A stored (UTC) instant in Huainan time, to the minute."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{local_date(local.date())} {local:%H:%M}"


def init_i18n(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters["date"] = local_date
    app.jinja_env.filters["datetime"] = local_datetime
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_language=current_language)
