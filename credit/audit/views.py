"""The audit log for administrators: browse and filter events, verify the hash chain."""
from __future__ import annotations

from flask import Blueprint, render_template, request

from credit.accounts.authz import AUDIT_VIEW, requires
from credit.audit.forms import EventFilterForm
from credit.audit.models import AuditEvent
from credit.audit.queries import EventFilter, distinct_values, search_events
from credit.audit.services import chain_head, verify_chain
from credit.context import db

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
MAX_BREAKS_SHOWN = 200  # a rewritten table breaks everywhere; `credit audit verify` lists them all


@bp.route("/")
@requires(AUDIT_VIEW)
def events():
    session = db()
    form = EventFilterForm(request.args).with_choices(
        distinct_values(session, AuditEvent.action), distinct_values(session, AuditEvent.object_type))
    # A bad date shows its message beside the field and the unfiltered log below.
    criteria = form.to_filter() if form.validate() else EventFilter()
    page = search_events(session, criteria, request.args.get("page", 1, type=int))
    # Only the filter fields: any other name (endpoint, _external...) would reach url_for as an argument.
    query = {k: v for k, v in request.args.items() if k in form._fields and v}
    return render_template("audit/events.html", form=form, page=page, query=query)


@bp.route("/verify")
@requires(AUDIT_VIEW)
def verify():
    session = db()
    return render_template("audit/verify.html", report=verify_chain(session), head=chain_head(session),
                           shown=MAX_BREAKS_SHOWN)
