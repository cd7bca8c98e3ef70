"""The list's pages: public (the current version, every version, downloads) and the staff's
(candidates, work queue, the procedure's steps, entries, early removal, publication)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from credit.accounts.authz import (
    LIST_CONSENT, LIST_DECIDE, LIST_ENTRY_ADD, LIST_PROPOSE, LIST_PUBLISH, LIST_REMOVAL_APPLY, LIST_SERVE, LIST_WORK,
    public, require, requires,
)
from credit.applications.models import OBJECTION, SUBMITTED
from credit.applications.services import Uploads, apply_for_removal, entry_applications
from credit.audit.actor import Actor
from credit.context import current, db
from credit.errors import DomainError, NotFound
from credit.listing import procedure as steps
from credit.listing import publication
from credit.listing.candidates import candidates as find_candidates
from credit.listing.forms import (
    STATEMENT_LABELS, ConfirmForm, ConsentForm, EntryForm, ProposeForm, PublishForm, RemovalApplicationForm,
    ServeForm, StatementForm,
)
from credit.listing.imports import add_entry
from credit.listing.models import ListEntry, ListingProcedure
from credit.listing.terms import current_terms
from credit.records.models import PENALTY_KINDS, Record
from credit.subjects.models import Subject
from credit.web.forms import submit
from credit.web.i18n import domain_message

bp = Blueprint("listing", __name__)
STATUS_LABELS = {
    "proposed": _l("proposed"), "notified": _l("prior notice served"), "heard": _l("party heard"),
    "consented": _l("upper level consented"), "decided": _l("decided"), "withdrawn": _l("withdrawn"),
}
STEP_LABELS = {
    "serve": _l("Serve the prior notice"), "statement": _l("Statement window open"),
    "consent": _l("Record the upper level's consent"), "decide": _l("Decide the listing"),
    "publish": _l("Publish"), "removal": _l("Decide the early-removal application"),
    "objection": _l("Answer the objection to the entry"),
}
ENTRY_STATUS = {"listed": _l("on the list"), "removed": _l("removed from the list")}
FILES = ("index.json", *publication.FILE_ORDER)
MEDIA = {".json": "application/json", ".csv": "text/csv; charset=utf-8", ".pdf": "application/pdf"}


@bp.app_context_processor
def _labels():
    return {"PENALTY_KINDS": PENALTY_KINDS, "LIST_STATUS_LABELS": STATUS_LABELS, "STEP_LABELS": STEP_LABELS,
            "STATEMENT_LABELS": STATEMENT_LABELS, "ENTRY_STATUS": ENTRY_STATUS}


def _actor() -> Actor:
    return Actor.of(current_user)


# ---------------------------------------------------------------------------------------------
# Public


def _version_or_404(number: int):
    try:
        return publication.get_version(db(), number)
    except NotFound:
        abort(404)


@bp.route("/list")
@public
def public_list():
    version = publication.latest_version(db())
    rows = publication.version_rows(current_terms(), version)
    query = (request.args.get("q") or "").strip()
    if query:
        rows = [r for r in rows if query in r["name"] or query.upper() in r["uscc"]]
    return render_template("listing/public_list.html", version=version, rows=rows, query=query)


@bp.route("/list/versions")
@public
def public_versions():
    return render_template("listing/public_versions.html", versions=publication.versions(db()))


@bp.route("/list/versions/<int:number>")
@public
def public_version(number: int):
    version = _version_or_404(number)
    delta = json.loads(publication.read_file(current_terms(), version, "delta.json"))
    return render_template("listing/public_version.html", version=version, delta=delta,
                           files=publication.version_files(version))


@bp.route("/list/versions/<int:number>/<name>")
@public
def download(number: int, name: str):
    if name not in FILES:
        abort(404)
    data = publication.read_file(current_terms(), _version_or_404(number), name)
    suffix = name[name.rindex("."):]
    return data, 200, {"Content-Type": MEDIA[suffix],
                       "Content-Disposition": f'attachment; filename="v{number}-{name}"'}


# ---------------------------------------------------------------------------------------------
# Candidates, work queue, publication


@bp.route("/list/candidates")
@requires(LIST_WORK)
def candidates():
    today = current().clock.today()
    return render_template("listing/candidates.html", candidates=find_candidates(db(), current_terms(), today),
                           today=today, form=ProposeForm())


@bp.route("/list/queue")
@requires(LIST_WORK)
def queue():
    today = current().clock.today()
    return render_template("listing/queue.html", items=steps.work_queue(db(), current_terms(), today),
                           publish_form=PublishForm(), pending=publication.pending_decisions(db()))


@bp.route("/list/publish", methods=["POST"])
@requires(LIST_PUBLISH)
def publish():
    form, ctx = PublishForm(), current()
    try:
        if not form.validate():
            abort(400)
        version = publication.publish(db(), current_terms(), _actor(), ctx.clock.now(),
                                      form.as_of.data or ctx.clock.today())
        db().commit()
    except DomainError as err:
        db().rollback()
        flash(domain_message(err), "error")
        return redirect(url_for("listing.queue"))
    if version is None:
        flash(_("Nothing changed since the last version: nothing was published."), "info")
        return redirect(url_for("listing.queue"))
    flash(_("List version %(number)d was published.", number=version.number), "success")
    return redirect(url_for("listing.public_version", number=version.number))


# ---------------------------------------------------------------------------------------------
# The procedure


@bp.route("/list/procedures/new", methods=["POST"])
@requires(LIST_PROPOSE)
def propose():
    form, ctx = ProposeForm(), current()
    procedure, _status = submit(form, lambda: steps.propose(
        db(), current_terms(), int(form.record_id.data) if (form.record_id.data or "").isdigit() else 0,
        form.facts.data, _actor(), ctx.clock.now()))
    if procedure:
        flash(_("The listing was proposed: serve the prior notice next."), "success")
        return redirect(url_for("listing.procedure", procedure_id=procedure.id))
    for error in [*form.form_errors, *(e for f in form for e in f.errors)]:
        flash(error, "error")
    return redirect(url_for("listing.candidates"))


def _render_procedure(procedure: ListingProcedure, status: int = 200, failed: dict | None = None):
    session = db()
    forms = {"serve": ServeForm(prefix="serve"), "statement": StatementForm(prefix="statement"),
             "consent": ConsentForm(prefix="consent"), "decide": ConfirmForm(prefix="decide")}
    forms.update(failed or {})
    record = session.get(Record, procedure.record_id) if procedure.record_id else None
    entry = session.get(ListEntry, procedure.entry_id) if procedure.entry_id else None
    return render_template("listing/procedure.html", procedure=procedure, forms=forms, record=record, entry=entry,
                           subject=session.get(Subject, procedure.subject_id),
                           consent_required=current_terms().consent_required), status


def _procedure(procedure_id: int, permission: str) -> ListingProcedure:
    return require(permission, db().get(ListingProcedure, procedure_id))


@bp.route("/list/procedures/<int:procedure_id>")
@requires(LIST_WORK)
def procedure(procedure_id: int):
    return _render_procedure(_procedure(procedure_id, LIST_WORK))


def _step(procedure_id: int, permission: str, name: str, form, action, done: str):
    procedure = _procedure(procedure_id, permission)
    result, status = submit(form, lambda: action(procedure))
    if result is not None:
        flash(done, "success")
        return redirect(url_for("listing.procedure", procedure_id=procedure_id))
    return _render_procedure(db().get(ListingProcedure, procedure_id), status, {name: form})


@bp.route("/list/procedures/<int:procedure_id>/serve", methods=["POST"])
@requires(LIST_SERVE)
def serve(procedure_id: int):
    form, ctx = ServeForm(prefix="serve"), current()
    return _step(procedure_id, LIST_SERVE, "serve", form, lambda p: steps.serve(
        db(), current_terms(), p, form.served_on.data, _actor(), ctx.clock.now()),
        _("The prior notice was issued and its service recorded."))


@bp.route("/list/procedures/<int:procedure_id>/statement", methods=["POST"])
@requires(LIST_SERVE)
def statement(procedure_id: int):
    form, ctx = StatementForm(prefix="statement"), current()
    return _step(procedure_id, LIST_SERVE, "statement", form, lambda p: steps.record_statement(
        db(), p, form.kind.data, form.on.data, form.text.data, _actor(), ctx.clock.now()),
        _("The party's statement was recorded."))


@bp.route("/list/procedures/<int:procedure_id>/consent", methods=["POST"])
@requires(LIST_CONSENT)
def consent(procedure_id: int):
    form, ctx = ConsentForm(prefix="consent"), current()
    return _step(procedure_id, LIST_CONSENT, "consent", form, lambda p: steps.record_consent(
        db(), p, form.on.data, form.reference.data, _actor(), ctx.clock.now()),
        _("The upper level's consent was recorded."))


@bp.route("/list/procedures/<int:procedure_id>/decide", methods=["POST"])
@requires(LIST_DECIDE)
def decide(procedure_id: int):
    form, ctx = ConfirmForm(prefix="decide"), current()
    return _step(procedure_id, LIST_DECIDE, "decide", form, lambda p: steps.decide(
        db(), current_terms(), p, _actor(), ctx.clock.now()),
        _("The listing was decided and its decision issued; it is published with the next version."))


# ---------------------------------------------------------------------------------------------
# Entries, entries decided elsewhere, early removal


def _render_entry(entry: ListEntry, status: int = 200, form: RemovalApplicationForm | None = None):
    session = db()
    applications = entry_applications(session, entry.id)
    objection = next((a for a in applications if a.kind == OBJECTION and a.status == SUBMITTED), None)
    return render_template("listing/entry.html", entry=entry, subject=session.get(Subject, entry.subject_id),
                           applications=applications, objection=objection,
                           form=form or RemovalApplicationForm(prefix="apply")), status


def _entry(entry_id: str) -> ListEntry:
    return require(LIST_WORK, db().get(ListEntry, entry_id))


@bp.route("/list/entries/<entry_id>")
@requires(LIST_WORK)
def entry(entry_id: str):
    return _render_entry(_entry(entry_id))


@bp.route("/list/entries/new", methods=["GET", "POST"])
@requires(LIST_ENTRY_ADD)
def new_entry():
    form, ctx = EntryForm(), current()
    created, status = submit(form, lambda: add_entry(
        db(), current_terms(), {name: f.data for name, f in form._fields.items() if name != "csrf_token"},
        _actor(), ctx.clock.now(), ctx.clock.today()))
    if created:
        flash(_("The entry was recorded; it is published with the next version."), "success")
        return redirect(url_for("listing.entry", entry_id=created.id))
    return render_template("listing/entry_form.html", form=form), status


@bp.route("/list/entries/<entry_id>/removal", methods=["POST"])
@requires(LIST_REMOVAL_APPLY)
def apply_removal(entry_id: str):
    """An early-removal application received on paper: the same application as the firm's online
    one, decided from the reviewer's queue (/applications/<id>)."""
    entry, form, ctx = _entry(entry_id), RemovalApplicationForm(prefix="apply"), current()
    done, status = submit(form, lambda: apply_for_removal(
        db(), current_terms(), entry, form.reasons.data, form.obligations_performed.data, form.attachments.data or [],
        _actor(), store=Uploads.configured(), now=ctx.clock.now(), received_on=form.received_on.data,
        channel="paper"))
    if done:
        flash(_("The application was recorded: a reviewer decides it by %(due)s.", due=done.due_on.isoformat()),
              "success")
        return redirect(url_for("listing.entry", entry_id=entry_id))
    return _render_entry(db().get(ListEntry, entry_id), status, form)
