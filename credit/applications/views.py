"""Objections, repair and early-removal applications: the firm applies, a reviewer decides from the queue."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from credit.accounts.authz import APPLICATION_DECIDE, APPLICATION_SUBMIT, APPLICATION_VIEW, require, requires
from credit.applications.forms import DecideForm, ObjectionForm, RepairForm, decide_form
from credit.applications.models import KINDS, OBJECTION, REMOVAL, REPAIR, STATUS_LABELS, Application, Attachment
from credit.applications.services import (
    Uploads, apply_for_removal, apply_for_repair, attachments, decide as decide_application, object_to_entry,
    object_to_record, repair_opens_on, review_queue,
)
from credit.audit.actor import Actor
from credit.context import current, db
from credit.listing.models import ListEntry
from credit.listing.services import early_removal_opens_on
from credit.listing.terms import current_terms
from credit.records.models import Record
from credit.records.views import send_stored
from credit.web.forms import submit

bp = Blueprint("applications", __name__)


@bp.app_template_filter("application_status")
def application_status(application: Application) -> str:
    return str(STATUS_LABELS[(application.kind, application.status)])


@bp.app_context_processor
def _labels():
    return {"APPLICATION_KINDS": KINDS}


@bp.route("/records/<int:record_id>/<any(objection, repair):kind>", methods=["GET", "POST"])
@requires(APPLICATION_SUBMIT)
def new(record_id: int, kind: str):
    record = require(APPLICATION_SUBMIT, db().get(Record, record_id))
    ctx = current()
    form = ObjectionForm() if kind == OBJECTION else RepairForm()

    def save():
        common = dict(catalog=ctx.catalog, calendar=ctx.calendar, store=Uploads.configured(), now=ctx.clock.now())
        if kind == OBJECTION:
            return object_to_record(db(), record, form.reasons.data, form.attachments.data or [],
                                    Actor.of(current_user), **common)
        return apply_for_repair(db(), record, form.reasons.data, form.obligations_performed.data,
                                form.attachments.data or [], Actor.of(current_user), **common)

    application, status = submit(form, save)
    if application:
        return _received(application)
    opens_on = repair_opens_on(ctx.catalog, record) if kind == REPAIR else None
    return render_template("applications/new.html", form=form, record=record, kind=kind,
                           rule=ctx.catalog.any_rule(record.rule_code), opens_on=opens_on), status


def _received(application: Application):
    flash(_("Your application was received; the bureau decides by %(date)s.", date=application.due_on.isoformat()),
          "success")
    return redirect(url_for("applications.show", application_id=application.id))


@bp.route("/firm/list-entries/<entry_id>/<any(objection, removal):kind>", methods=["GET", "POST"])
@requires(APPLICATION_SUBMIT)
def new_for_entry(entry_id: str, kind: str):
    """对列入名单提出异议 / 申请提前移出: on the firm's own list entry (another's answers 404)."""
    entry = require(APPLICATION_SUBMIT, db().get(ListEntry, entry_id))
    ctx, terms = current(), current_terms()
    form = ObjectionForm() if kind == OBJECTION else RepairForm()

    def save():
        common = dict(store=Uploads.configured(), now=ctx.clock.now())
        if kind == OBJECTION:
            return object_to_entry(db(), terms, entry, form.reasons.data, form.attachments.data or [],
                                   Actor.of(current_user), **common)
        return apply_for_removal(db(), terms, entry, form.reasons.data, form.obligations_performed.data,
                                 form.attachments.data or [], Actor.of(current_user), **common)

    application, status = submit(form, save)
    if application:
        return _received(application)
    opens_on = early_removal_opens_on(terms.rules, entry) if kind == REMOVAL else None
    return render_template("applications/new.html", form=form, entry=entry, kind=kind, opens_on=opens_on), status


def _render(application: Application, form: DecideForm | None = None, status: int = 200):
    return render_template("applications/show.html", application=application,
                           record=db().get(Record, application.record_id) if application.record_id else None,
                           entry=db().get(ListEntry, application.list_entry_id) if application.list_entry_id else None,
                           files=attachments(db(), application.id), form=form or decide_form(application.kind)), status


@bp.route("/applications/<int:application_id>")
@requires(APPLICATION_VIEW)
def show(application_id: int):
    return _render(require(APPLICATION_VIEW, db().get(Application, application_id)))


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@requires(APPLICATION_DECIDE)
def decide(application_id: int):
    application = require(APPLICATION_DECIDE, db().get(Application, application_id))
    form, ctx = decide_form(application.kind), current()
    decided, status = submit(form, lambda: decide_application(
        db(), application, form.decision.data == "grant", form.reasons.data, Actor.of(current_user),
        terms=current_terms(), now=ctx.clock.now()))
    if decided:
        flash(_("Decided; the reply notice was issued."), "success")
        return redirect(url_for("applications.show", application_id=application_id))
    return _render(db().get(Application, application_id), form, status)


@bp.route("/applications/review")
@requires(APPLICATION_DECIDE)
def review():
    return render_template("applications/review.html", rows=review_queue(db(), current().clock.today()), today=current().clock.today())


@bp.route("/applications/files/<int:attachment_id>")
@requires(APPLICATION_VIEW)
def download(attachment_id: int):
    attachment = require(APPLICATION_VIEW, db().get(Attachment, attachment_id))
    return send_stored(attachment.sha256, attachment.content_type, attachment.filename, f"attachment-{attachment.id}")
