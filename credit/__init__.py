"""淮南知识产权信用监管系统: the Flask application factory."""
from __future__ import annotations

import importlib
import pkgutil

from flask import Flask
from flask_openapi3 import OpenAPI

from config import PROJECT_ROOT, Config
from credit.clock import Clock, configured_clock
from credit.context import CreditContext, close_db
from credit.notices.layout import FontFiles, check_fonts


def create_app(config: Config | None = None, clock: Clock | None = None) -> Flask:
    config = config or Config()
    # Refuse a licensed font setting that names a missing or non-TrueType file now, not at the
    # first notice in the night.
    check_fonts(FontFiles.from_config(config.as_dict()))
    from credit.api import openapi_options

    # flask-openapi3's Flask: the routes of credit/api add themselves to its OpenAPI document.
    app = OpenAPI(
        __name__,
        instance_path=str(config.INSTANCE_DIR),
        template_folder=str(PROJECT_ROOT / "templates"),
        **openapi_options(),
    )
    app.cli.commands.pop("openapi", None)  # the library's command; `credit --help` lists the project's own
    app.config.update(config.as_dict())
    app.extensions["credit"] = CreditContext.build(config, clock or configured_clock(config.CLOCK_AT))
    app.teardown_appcontext(close_db)
    _import_packages()
    from credit.web import init_web

    init_web(app)
    return app


def _import_packages() -> None:
    """Import every package, so that each connects its receivers to ``credit.signals`` (in its
    ``__init__.py``) whether or not anything else has imported it yet."""
    for package in pkgutil.iter_modules(__path__):
        if package.ispkg:
            importlib.import_module(f"{__name__}.{package.name}")
