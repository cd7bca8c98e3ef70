"""Firm account activation (public) and issuing activation codes (staff)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from credit.activation.services import ActivationRefused, activate as activate_account, issue_code
from credit.accounts.authz import ACTIVATION_ISSUE, public, require, requires
from credit.activation.forms import ActivationForm
from credit.audit.actor import Actor
from credit.clock import to_local
from credit.context import current, db
from credit.errors import DomainError
from credit.subjects.models import Subject
from credit.web.forms import show_domain_error
from credit.web.i18n import domain_message

bp = Blueprint("activation", __name__)


@bp.route("/activate", methods=["GET", "POST"])
@public
def activate():
    form = ActivationForm()
    if not form.validate_on_submit():
        return render_template("activation/activate.html", form=form), 400 if form.is_submitted() else 200
    try:
        user = activate_account(db(), form.uscc.data, form.code.data, form.username.data, form.password.data,
                                current().clock.now())
    except ActivationRefused as err:
        db().commit()  # the wrong code counts towards the lock, and is an audit event
        form.code.errors.append(domain_message(err))
        return render_template("activation/activate.html", form=form), err.status
    except DomainError as err:
        return render_template("activation/activate.html", form=form), show_domain_error(form, err)
    db().commit()
    flash(_("Your account %(username)s is open. Please log in.", username=user.username), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/subjects/<int:subject_id>/activation-code", methods=["POST"])
@requires(ACTIVATION_ISSUE)
def issue(subject_id: int):
    subject = require(ACTIVATION_ISSUE, db().get(Subject, subject_id))
    row, code = issue_code(db(), subject, Actor.of(current_user), current().clock.now())
    db().commit()
    # Shown once, never stored in the clear: the page is the only place it appears.
    return render_template("activation/code.html", subject=subject, code=code,
                           expires_on=to_local(row.expires_at).date())
