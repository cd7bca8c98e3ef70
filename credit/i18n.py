"""Chinese first: the languages, and text rendered outside a page (command line, jobs, PDFs).

Every label is a Flask-Babel string with an English msgid and its Chinese in
``credit/translations``. A page shows it in the user's language; outside a request the app's
default (Chinese) applies, and these helpers say which language explicitly. They need an app
context, as every command, job and request has.
"""
from __future__ import annotations

from typing import NoReturn

import click
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from credit.errors import DomainError

LANGUAGES = {"zh_CN": "中文", "en": "English"}
DEFAULT_LANGUAGE = "zh_CN"


def in_language(text, language: str) -> str:
    """A (lazy) string rendered in ``language`` ("zh_CN" or "en")."""
    with force_locale(language):
        return str(text)


def chinese(text) -> str:
    """For what is Chinese whatever the page: the PDF documents, data written for Chinese readers."""
    return in_language(text, DEFAULT_LANGUAGE)


def both(text) -> tuple[str, str]:
    """(Chinese, English), e.g. to build a DomainError's two messages from labels."""
    return chinese(text), in_language(text, "en")


def bilingual(text) -> str:
    """How the command line and the job history speak: "中文 / English" (once if both are the same)."""
    zh, en = both(text)
    return zh if zh == en else f"{zh} / {en}"


def fail(message) -> NoReturn:
    """End a command: the message on stderr in both languages, exit status 1.

    ``message`` is a (lazy) string or a DomainError; ``credit.cli`` calls this for every
    DomainError a command lets through.
    """
    text = str(message) if isinstance(message, DomainError) else bilingual(message)
    click.echo(bilingual(_l("error")) + ": " + text, err=True)
    raise SystemExit(1)
