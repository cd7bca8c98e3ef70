"""The firm's credit page (where a firm user lands after login) and its credit report button."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from credit.accounts.authz import FIRM_PORTAL, requires, subject_scope
from credit.audit.actor import Actor
from credit.context import current, db
from credit.listing.terms import current_terms
from credit.notices.services import current_settings
from credit.notices.triggers import issue_credit_report
from credit.portal.services import firm_overview
from credit.subjects.models import Subject

bp = Blueprint("portal", __name__, url_prefix="/firm")


def _own_subject() -> Subject:
    scope = subject_scope(current_user)
    subject = db().get(Subject, scope.subject_id) if scope.subject_id is not None else None
    if subject is None:
        abort(404)  # an account not (or no longer) bound to a subject has no page
    return subject


@bp.route("/")
@requires(FIRM_PORTAL)
def credit():
    ctx = current()
    overview = firm_overview(db(), ctx.catalog, current_terms().rules, _own_subject(), ctx.clock.today())
    return render_template("portal/credit.html", o=overview, subject=overview.subject, profile=overview.profile,
                           chart=overview.chart, today=ctx.clock.today())


@bp.route("/credit-report", methods=["POST"])
@requires(FIRM_PORTAL)
def credit_report():
    ctx = current()
    notice = issue_credit_report(db(), current_settings(), ctx.catalog, _own_subject(), Actor.of(current_user),
                                 ctx.clock.now())
    db().commit()
    flash(_("Your credit report %(number)s was issued; it is listed under Notices below.", number=notice.document_no),
          "success")
    return redirect(url_for("portal.credit", _anchor="notices"))
