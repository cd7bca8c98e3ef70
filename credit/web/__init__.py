"""Web layer wiring: blueprints, i18n, login and error pages are registered here."""
from __future__ import annotations

from flask import Flask


def init_web(app: Flask) -> None:
    # Each concept package contributes its blueprint; this is the one place that lists them.
    pass
