"""Submitting a form to a service: validate, call, commit, or show why not beside the field."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup

from credit.context import db
from credit.errors import Conflict, DomainError
from credit.web.errors import object_url
from credit.web.i18n import domain_message

T = TypeVar("T")


def show_domain_error(form: FlaskForm, err: DomainError) -> int:
    """Undo the request's writes, put the message beside its field (or atop the form); return the status."""
    db().rollback()
    field = form._fields.get(err.field) if err.field else None
    target = field.errors if field is not None else form.form_errors
    if isinstance(target, tuple):  # a field that was never validated
        field.errors = target = list(target)
    message = domain_message(err)
    link = object_url(err.existing) if isinstance(err, Conflict) else None
    if link:
        message = Markup('{} <a href="{}" class="existing">{}</a>').format(message, link, _("Open the existing one"))
    target.append(message)
    return err.status


def submit(form: FlaskForm, action: Callable[[], T]) -> tuple[T | None, int]:
    """Run ``action`` (the service call) for a posted, valid form and commit.

    Returns (what the action returned, 200) on success, (None, 200) when nothing was posted,
    (None, 400) for invalid input and (None, the error's status) when the service refused; in
    the last two cases the messages sit on the form and nothing was written.
    """
    if not form.is_submitted():
        return None, 200
    if not form.validate():
        return None, 400
    try:
        result = action()
        db().commit()
    except DomainError as err:
        return None, show_domain_error(form, err)
    return result, 200
