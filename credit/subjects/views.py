"""The subject registry: search, register, edit, export, and the subject page."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import Blueprint, Response, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import Session

from credit.accounts.authz import SUBJECT_EDIT, SUBJECT_SEARCH, SUBJECT_VIEW, require, requires
from credit.audit.actor import Actor
from credit.context import current, db
from credit.records.queries import subject_records
from credit.scoring.explain import history_chart, subject_profile
from credit.signals import subject_page_sections
from credit.subjects.export import csv_chunks, xlsx_bytes
from credit.subjects.forms import TIER_LABELS, SubjectForm, SubjectSearchForm
from credit.subjects.models import DISTRICTS, SUBJECT_KINDS, Subject
from credit.subjects.search import iter_subjects, search_subjects
from credit.subjects.services import SubjectInput, create_subject, update_subject
from credit.web.forms import submit
from credit.web.sections import collect

bp = Blueprint("subjects", __name__, url_prefix="/subjects")
SEARCH_FIELDS = ("name", "uscc", "district", "kind", "grade", "tier", "sort")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class SubjectSection:
    """A further section of the subject page (cases, notices...), from a receiver of
    ``credit.signals.subject_page_sections``: its template, rendered with ``context`` as
    ``section``, and its place (lowest first)."""

    template: str
    context: dict
    order: int = 0


@bp.app_context_processor
def _labels():
    return {"SUBJECT_KINDS": SUBJECT_KINDS, "DISTRICTS": DISTRICTS, "TIER_LABELS": TIER_LABELS}


def _search_form() -> SubjectSearchForm:
    form = SubjectSearchForm(request.args)
    form.validate()
    return form


def _input(form: SubjectForm) -> SubjectInput:
    return SubjectInput(form.uscc.data, form.name.data, form.kind.data, form.district.data,
                        form.legal_representative.data or "", form.licence_no.data or None)


@bp.route("/")
@requires(SUBJECT_SEARCH)
def index():
    form = _search_form()
    page = search_subjects(db(), form.criteria(), current().clock.today(), form.page_number())
    # Only the search fields: any other name (fmt, endpoint, _external...) would reach url_for as an argument.
    filters = {k: v for k, v in request.args.items() if k in SEARCH_FIELDS and v}
    return render_template("subjects/index.html", form=form, page=page, filters=filters)


@bp.route("/export.<any(csv, xlsx):fmt>")
@requires(SUBJECT_SEARCH)
def export(fmt: str):
    today = current().clock.today()
    criteria = _search_form().criteria()
    filename = f"subjects-{today:%Y%m%d}.{fmt}"
    disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if fmt == "csv":
        return Response(_streamed(lambda session: csv_chunks(iter_subjects(session, criteria, today))),
                        mimetype="text/csv", headers=disposition)
    return Response(xlsx_bytes(iter_subjects(db(), criteria, today)), mimetype=XLSX, headers=disposition)


def _streamed(chunks: Callable[[Session], Iterator[str]]) -> Iterator[str]:
    """A body the server sends after the view has returned, when the request's session is closed.
    It reads through a session of its own, opened once the server starts sending and closed when
    the body ends (or the client goes away) with the context stream_with_context pushes again."""
    def body() -> Iterator[str]:
        yield from chunks(db())

    return stream_with_context(body())


@bp.route("/new", methods=["GET", "POST"])
@requires(SUBJECT_EDIT)
def new():
    form = SubjectForm()
    subject, status = submit(form, lambda: create_subject(db(), _input(form), Actor.of(current_user),
                                                          current().clock.now()))
    if subject:
        flash(_("Registered %(name)s.", name=subject.name), "success")
        return redirect(url_for("subjects.show", subject_id=subject.id))
    return render_template("subjects/form.html", form=form, subject=None), status


@bp.route("/<int:subject_id>/edit", methods=["GET", "POST"])
@requires(SUBJECT_EDIT)
def edit(subject_id: int):
    subject = require(SUBJECT_EDIT, db().get(Subject, subject_id))
    form = SubjectForm(obj=subject)
    saved, status = submit(form, lambda: update_subject(db(), subject, _input(form), Actor.of(current_user),
                                                        current().clock.now(), seen_version=form.version.data))
    if saved:
        flash(_("Saved the changes."), "success")
        return redirect(url_for("subjects.show", subject_id=subject.id))
    if status == 409 and form.version.errors:  # saved by someone else meanwhile: show what is stored now
        messages, form = form.version.errors, SubjectForm(formdata=None, obj=subject)
        form.form_errors.extend(messages)
    return render_template("subjects/form.html", form=form, subject=subject), status


@bp.route("/<int:subject_id>")
@requires(SUBJECT_VIEW)
def show(subject_id: int):
    subject = require(SUBJECT_VIEW, db().get(Subject, subject_id))
    profile = subject_profile(db(), subject.id, current().clock.today())
    chart = history_chart(profile.history, profile.version, profile.as_of) if profile.assessment else None
    sections = collect(subject_page_sections, subject, session=db())
    return render_template("subjects/show.html", subject=subject, profile=profile, chart=chart,
                           records=subject_records(db(), subject.id), sections=sections)
