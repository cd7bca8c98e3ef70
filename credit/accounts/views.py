"""Logging in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from credit.accounts.authz import SIGNED_IN, public, requires
from credit.accounts.forms import LoginForm
from credit.accounts.services import LoginRefused, authenticate, record_logout
from credit.context import current, db
from credit.web.i18n import domain_message

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site: an absolute or scheme-relative URL would be an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate(db(), form.username.data, form.password.data, current().clock.now())
        except LoginRefused as err:
            db().commit()  # the failure and any lock-out are audit events
            form.password.errors.append(domain_message(err))
            return render_template("accounts/login.html", form=form), 200
        db().commit()
        language = session.get("language")
        session.clear()  # nothing from before the login carries over (session fixation)
        if language:
            session["language"] = language
        login_user(user)
        return redirect(safe_next(request.args.get("next"), url_for("web.home")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(SIGNED_IN)
def logout():
    record_logout(db(), current_user, current().clock.now())
    db().commit()
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))
