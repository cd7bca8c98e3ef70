"""Logging in and out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from credit.accounts.authz import SIGNED_IN, public, requires
from credit.accounts.forms import LoginForm
from credit.accounts.services import LoginRefused, authenticate
from credit.accounts.sessions import start_session
from credit.accounts.web import sign_in, sign_out
from credit.context import current, db
from credit.web.i18n import domain_message

bp = Blueprint("accounts", __name__)
MAX_NEXT_LENGTH = 2000  # a longer address is no page of this system


def safe_next(target: str | None, default: str) -> str:
    """A path on this site, or ``default``: never another site (an open redirect), never a control
    character (a CR/LF would split the Location header), never anything that fails to parse."""
    if not target or len(target) > MAX_NEXT_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    try:
        parts = urlsplit(target)
    except ValueError:
        return default
    return default if parts.scheme or parts.netloc else target


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        now = current().clock.now()
        try:
            user = authenticate(db(), form.username.data, form.password.data, now)
        except LoginRefused as err:
            db().commit()  # the failure and any lock-out are audit events
            form.password.errors.append(domain_message(err))
            return render_template("accounts/login.html", form=form), 200
        token = start_session(db(), user, now)
        db().commit()
        sign_in(user, token)
        return redirect(safe_next(request.args.get("next"), url_for("web.home")))
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@requires(SIGNED_IN)
def logout():
    sign_out()
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))

