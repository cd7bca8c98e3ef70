"""The subject registry: search, register, edit, export, and the subject page."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session

from credit.accounts.authz import STAFF, roles_required
from credit.audit.actor import Actor
from credit.context import current, db
from credit.scoring.explain import history_chart, subject_profile
from credit.subjects.export import csv_chunks, xlsx_bytes
from credit.subjects.forms import SubjectForm, SubjectSearchForm
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS, Subject
from credit.subjects.search import iter_subjects, search_subjects
from credit.subjects.services import SubjectInput, create_subject, update_subject
from credit.violations.queries import subject_records
from credit.web.forms import submit

bp = Blueprint("subjects", __name__, url_prefix="/subjects")
EDITORS = ("inspector", "admin")
SEARCH_FIELDS = ("name", "uscc", "district", "kind")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SubjectSection:
    """A further section of the subject page (cases, notices...): its template and what it shows."""

    template: str
    context: Callable[[Session, Subject], dict]


# Extension point: the cases and notices packages append their section here once their tables
# exist; the subject page renders each in order, with the dict as ``section``.
SUBJECT_PAGE_SECTIONS: list[SubjectSection] = []


@bp.app_context_processor
def _labels():
    return {"SUBJECT_KINDS": SUBJECT_KINDS, "DISTRICTS": DISTRICTS}


def _subject_or_404(subject_id: int) -> Subject:
    return db().get(Subject, subject_id) or abort(404)


def _search_form() -> SubjectSearchForm:
    form = SubjectSearchForm(request.args)
    form.validate()
    return form


def _input(form: SubjectForm) -> SubjectInput:
    return SubjectInput(form.uscc.data, form.name.data, form.kind.data, form.district.data,
                        form.legal_representative.data or "", form.licence_no.data or None)


@bp.route("/")
@roles_required(*STAFF)
def index():
    form = _search_form()
    page = search_subjects(db(), form.criteria(), current().clock.today(), form.page_number())
    # Only the search fields: any other name (fmt, endpoint, _external...) would reach url_for as an argument.
    filters = {k: v for k, v in request.args.items() if k in SEARCH_FIELDS and v}
    return render_template("subjects/index.html", form=form, page=page, filters=filters, editors=EDITORS)


@bp.route("/export.<any(csv, xlsx):fmt>")
@roles_required(*STAFF)
def export(fmt: str):
    today = current().clock.today()
    rows = iter_subjects(db(), _search_form().criteria(), today)
    filename = f"subjects-{today:%Y%m%d}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(rows)), mimetype="text/csv", headers=disposition)
    return Response(xlsx_bytes(rows), mimetype=XLSX, headers=disposition)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def new():
    form = SubjectForm()
    subject, status = submit(form, lambda: create_subject(db(), _input(form), Actor.of(current_user),
                                                          current().clock.now()))
    if subject:
        flash(_("Registered %(name)s.", name=subject.name), "success")
        return redirect(url_for("subjects.show", subject_id=subject.id))
    return render_template("subjects/form.html", form=form, subject=None), status


@bp.route("/<int:subject_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(subject_id: int):
    subject = _subject_or_404(subject_id)
    form = SubjectForm(obj=subject)
    saved, status = submit(form, lambda: update_subject(db(), subject, _input(form), Actor.of(current_user),
                                                        current().clock.now()))
    if saved:
        flash(_("Saved the changes."), "success")
        return redirect(url_for("subjects.show", subject_id=subject.id))
    return render_template("subjects/form.html", form=form, subject=subject), status


@bp.route("/<int:subject_id>")
@roles_required(*STAFF)
def show(subject_id: int):
    subject = _subject_or_404(subject_id)
    profile = subject_profile(db(), subject.id, current().clock.today())
    chart = history_chart(profile.history, profile.version, profile.as_of) if profile.assessment else None
    sections = [(s.template, s.context(db(), subject)) for s in SUBJECT_PAGE_SECTIONS]
    return render_template("subjects/show.html", subject=subject, profile=profile, chart=chart,
                           records=subject_records(db(), subject.id), sections=sections, editors=EDITORS)
