"""Error pages: a short explanation in the page's language, the status code, never a traceback.

Under /api the same errors are JSON. A DomainError raised by a service in a view shows its own
message with its own status; a missing or tampered CSRF token is a 400 that says so.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from credit.context import db
from credit.db import import_models, unique_clash
from credit.errors import Conflict, DomainError
from credit.web.i18n import domain_message

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    401: (_l("Login required"), _l("Please log in to open this page.")),
    403: (_l("Access denied"), _l("Your account is not allowed to open this page or perform this action.")),
    404: (_l("Page not found"), _l("The page or record you asked for does not exist. Check the address or go back to the home page.")),
    405: (_l("Method not allowed"), _l("This page cannot be used this way. Please use the buttons and links of the system.")),
    409: (_l("Conflict"), _l("The request conflicts with data already in the system.")),
    413: (_l("Upload too large"), _l("The data sent is larger than the system accepts. Please send a smaller file.")),
    500: (_l("Server error"), _l("Something went wrong on our side. The error has been logged; please try again later.")),
}
DUPLICATE_MESSAGE = _l("Someone else saved the same thing a moment before you (it must be unique), so nothing "
                       "of yours was saved. Open the existing one, or go back and check.")
# The page of a stored object a 409 links to, by object type (the table name): endpoint, argument.
OBJECT_PAGES = {
    "subject": ("subjects.show", "subject_id"),
    "record": ("records.show", "record_id"),
    "notice": ("notices.download", "notice_id"),
}
CSRF_MESSAGE = _l("The form has expired or did not come from this system (missing or invalid security token). "
                  "Please reload the page and submit it again.")


def object_url(existing: tuple[str, int] | None) -> str | None:
    """The page of a stored object (object type, id), if it has one."""
    page = OBJECT_PAGES.get(existing[0]) if existing else None
    return url_for(page[0], **{page[1]: existing[1]}) if page else None


def render_error(status: int, detail: str | None = None, link: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), message=detail or str(message), existing=link), status
    return render_template("errors/error.html", status=status, title=title, message=detail or message,
                           link=link), status


def _rollback() -> None:
    # Nothing a failed request started may be committed by a later one on the same session.
    db().rollback()


def _http_error(err: HTTPException):
    return render_error(err.code or 500)


def _csrf_error(err: CSRFError):
    return render_error(400, str(CSRF_MESSAGE))


def _domain_error(err: DomainError):
    _rollback()
    return render_error(err.status, domain_message(err),
                        object_url(err.existing) if isinstance(err, Conflict) else None)


def _integrity_error(err: IntegrityError):
    """A unique violation the services' checks did not prevent: a 409 that links the stored one."""
    _rollback()
    current_app.logger.warning("integrity error answered 409: %s", err.orig)
    clash = unique_clash(err)
    table = import_models().tables.get(clash[0]) if clash else None
    for values in clash[1] if table is not None and "id" in table.c else []:
        existing = db().execute(sa.select(table.c.id).filter_by(**values).limit(1)).scalar()
        if existing is not None:
            return render_error(409, str(DUPLICATE_MESSAGE), object_url((table.name, existing)))
    return render_error(409, str(DUPLICATE_MESSAGE))


def _server_error(err: InternalServerError):
    _rollback()
    return render_error(500)


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(IntegrityError, _integrity_error)
    app.register_error_handler(InternalServerError, _server_error)
    for status in (400, 401, 403, 404, 405, 413):
        app.register_error_handler(status, _http_error)
