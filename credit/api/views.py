"""/api/v1: the public endpoints, the department integrations' endpoints (API tokens), the OpenAPI
document and its page, and the admin's token page (/admin/tokens).

Each route parses its input with the pydantic models of ``schemas.py`` (flask-openapi3 does it,
and writes the document from the same models), calls the service the web pages and the command
line call, and answers JSON. Errors are JSON too (credit/web/errors.py).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import flask_openapi3_swagger

from flask import (
    Blueprint, abort, current_app, flash, g, jsonify, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel, ValidationError

from credit.accounts.authz import (
    API_TOKEN_ADMIN, ASSESSMENTS_READ, LIST_READ, LIST_WRITE, RECORDS_READ, RECORDS_WRITE, SCOPE_LABELS,
    SUBJECTS_READ, SUBJECTS_WRITE, Scope, access_rule, public, requires, requires_scope, token_refusal,
)
from credit.api import cursors, services
from credit.api.forms import TokenForm
from credit.api.schemas import (
    ApiError, AssessmentExport, AssessmentQuery, CodePath, Document, ExportQuery, ImportResult, ListEntryExport,
    ListEntryRows, ListVersions, PublicSubject, RecordExport, RecordRows, Reject, SubjectExport, SubjectPage,
    SubjectQuery, SubjectRows, UsccPath, VersionEntries, VersionPath,
)
from credit.audit.actor import Actor
from credit.context import current, db
from credit.errors import NotFound
from credit.exchange import services as exchange
from credit.i18n import chinese
from credit.listing import publication
from credit.listing import imports as list_imports
from credit.listing.terms import current_terms
from credit.notices.kinds import KINDS
from credit.notices.services import find_by_code
from credit.query.services import query_subjects
from credit.subjects.services import validate_uscc
from credit.web.forms import submit
from credit.web.limits import limiter, public_query_limit

PREFIX = "/api/v1"
PER_PAGE = 20  # as /query
JSON_LINES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")


def _operation_id(name: str, path: str, method: str) -> str:
    return name  # the view's name: unique, and what a generated client calls the operation


def _errors(*statuses: int) -> dict:
    return {status: ApiError for status in statuses}


PUBLIC_ERRORS = _errors(400, 404, 422, 429)
TOKEN_ERRORS = _errors(400, 401, 403, 404, 413, 415, 422)

public_api = APIBlueprint("api_public", __name__, url_prefix=f"{PREFIX}/public", operation_id_callback=_operation_id,
                          abp_tags=[Tag(name="public", description="公开（无需登录） / public, no login")],
                          abp_responses=PUBLIC_ERRORS)
api = APIBlueprint("api", __name__, url_prefix=PREFIX, operation_id_callback=_operation_id,
                   abp_tags=[Tag(name="exchange", description="部门对接（API 令牌） / department integrations, API token")],
                   abp_responses=TOKEN_ERRORS)
# The document and its page; the page's script and styles are the Swagger UI plugin's own files.
docs = Blueprint("api_docs", __name__)
swagger = Blueprint("api_swagger", __name__, static_folder=Path(flask_openapi3_swagger.__file__).parent / "templates" / "swagger",
                    static_url_path=f"{PREFIX}/docs/swagger")
tokens_bp = Blueprint("tokens", __name__)


def _answer(model: BaseModel):
    """A response model as JSON (dates as ISO text); an optional field the row does not have (a record's
    penalty) stays out, as in the exchange files."""
    return jsonify(model.model_dump(mode="json", exclude_unset=True))


# ---------------------------------------------------------------------------------------------
# Public


@public_api.get("/subjects", summary="公共信用查询 / public credit query", responses={200: SubjectPage})
@public
@limiter.limit(public_query_limit)
def public_subjects(query: SubjectQuery):
    """The data of /query: subjects by exact USCC or by part of the name (at least 2 characters), published facts only."""
    found = query_subjects(db(), query.q, current().clock.today(), query.page, PER_PAGE)
    return _answer(SubjectPage(items=[PublicSubject(**dataclasses.asdict(s)) for s in found.items], page=found.number,
                               per_page=found.per_page, total=found.total, pages=found.pages))


@public_api.get("/subjects/<uscc>", summary="一个主体的信用等级 / one subject's grade", responses={200: PublicSubject})
@public
@limiter.limit(public_query_limit)
def public_subject(path: UsccPath):
    """One subject's grade by its USCC (400 for a code that is not a valid USCC, 404 for one nobody registered)."""
    uscc = validate_uscc(path.uscc)
    found = query_subjects(db(), uscc, current().clock.today(), 1, 1)
    if not found.items:
        raise NotFound(f"统一社会信用代码 {uscc} 对应的主体尚未登记", f"no subject is registered with USCC {uscc}", "uscc")
    return _answer(PublicSubject(**dataclasses.asdict(found.items[0])))


def _files(version) -> list[dict]:
    return [{**item, "url": url_for("listing.download", number=version.number, name=item["name"], _external=True)}
            for item in publication.version_files(version)]


@public_api.get("/list/versions", summary="名单的已发布版本 / the published versions of the list",
                responses={200: ListVersions})
@public
@limiter.limit(public_query_limit)
def public_list_versions():
    """Every published version of the serious-dishonesty list, the newest first, with its files."""
    return _answer(ListVersions(versions=[
        {"version": v.number, "as_of": v.as_of, "generated_at": v.generated_at, "count": v.entry_count,
         "added": v.added, "removed": v.removed, "changed": v.changed, "files": _files(v)}
        for v in publication.versions(db())]))


@public_api.get("/list/versions/<int:number>/entries", summary="某一版名单的条目 / the entries of a version",
                responses={200: VersionEntries})
@public
@limiter.limit(public_query_limit)
def public_list_entries(path: VersionPath):
    """The entries a version published (its list.json)."""
    version = publication.get_version(db(), path.number)
    rows = publication.version_rows(current_terms(), version)
    return _answer(VersionEntries(version=version.number, as_of=version.as_of, count=len(rows), entries=rows))


@public_api.get("/documents/<code>", summary="核验文书 / verify a document", responses={200: Document})
@public
@limiter.limit(public_query_limit)
def public_document(path: CodePath):
    """The notice or report a verification code belongs to, as /verify/<code> shows it (404: none has it)."""
    notice = find_by_code(db(), path.code)
    if notice is None:
        raise NotFound("没有文书使用该核验码", "no document has this verification code", "code")
    return _answer(Document(kind=notice.kind, title=chinese(KINDS[notice.kind].title), document_no=notice.document_no,
                            issued_on=notice.issued_on, recipient=notice.recipient, sha256=notice.sha256,
                            authority=current_app.config["AUTHORITY_NAME"]))


# ---------------------------------------------------------------------------------------------
# Department integrations: a token with the route's scope, checked before the request is parsed


def _token_route(method: str, rule: str, scope: str, answer: type[BaseModel], summary: str) -> Callable:
    def decorate(view: Callable) -> Callable:
        view = requires_scope(scope)(view)
        return getattr(api, method)(rule, summary=summary, responses={200: answer},
                                    security=[{"bearer": [scope]}])(view)

    return decorate


def _bearer() -> str | None:
    auth = request.authorization
    return auth.token if auth is not None and auth.type == "bearer" else None


@api.before_request
def _authenticate():
    rule = access_rule(current_app.view_functions[request.endpoint]) if request.endpoint else None
    if not isinstance(rule, Scope):
        return
    g.api_token = token = services.find_token(db(), _bearer())
    status = token_refusal(token, rule.name, current().clock.now())
    if status is not None:
        abort(status)


@api.after_request
def _audit_use(response):
    """One audit event per request made with a known token, whatever its answer."""
    token = g.pop("api_token", None)
    if token is not None:
        session = db()
        session.rollback()  # the view committed its work, or it is void
        services.record_use(session, token, request.endpoint or "", request.method, request.path,
                            response.status_code, current().clock.now())
        session.commit()
    return response


def _export(name: str, page: type[BaseModel], query: ExportQuery, items: Callable, **context):
    """A page of an export: the rows after the cursor's key, and the cursor of the next page.
    ``context`` fixes the export beside the cursor (the day of the assessments): a None is the cursor's."""
    secret = current_app.config["SECRET_KEY"]
    after = None
    if query.cursor:
        after, context = cursors.decode(secret, name, query.cursor, **context)
    rows, last = services.export_page(items(after, query.limit + 1, **context), query.limit)
    return _answer(page(items=rows, next_cursor=cursors.encode(secret, name, last, **context) if last else None))


@_token_route("get", "/subjects", SUBJECTS_READ, SubjectExport, "导出主体 / export subjects")
def export_subjects(query: ExportQuery):
    """subjects.jsonl rows by USCC, a page at a time."""
    return _export("subjects", SubjectExport, query, lambda after, limit: exchange.subject_items(db(), after, limit))


@_token_route("get", "/records", RECORDS_READ, RecordExport, "导出记录 / export records")
def export_records(query: ExportQuery):
    """records.jsonl rows (confirmed and revoked findings) by USCC and decision date, a page at a time."""
    return _export("records", RecordExport, query, lambda after, limit: exchange.record_items(db(), after, limit))


@_token_route("get", "/list/entries", LIST_READ, ListEntryExport, "导出名单条目 / export list entries")
def export_list_entries(query: ExportQuery):
    """list_entries.jsonl rows, listed and removed, by stable id, a page at a time."""
    return _export("list_entries", ListEntryExport, query, lambda after, limit: list_imports.entry_items(db(), after, limit))


@_token_route("get", "/assessments", ASSESSMENTS_READ, AssessmentExport, "导出评价结果 / export assessments")
def export_assessments(query: AssessmentQuery):
    """Each subject's assessment in force on a day (default today; a cursor keeps its day), by USCC,
    with its contributions."""
    as_of = query.as_of or (None if query.cursor else current().clock.today())
    return _export("assessments", AssessmentExport, query,
                   lambda after, limit, as_of: exchange.assessment_items(db(), dt.date.fromisoformat(as_of), after, limit),
                   as_of=as_of.isoformat() if as_of else None)


def _later(view: Callable) -> Callable:
    # The body is read by the view (JSON or JSON Lines), not by flask-openapi3 before it.
    view.__delay_validate_request__ = True
    return view


def _rows(model: type[BaseModel]):
    """The rows of the request body: JSON Lines as the command line reads a file, or a JSON array
    checked against ``model`` (the document's)."""
    if request.mimetype in JSON_LINES:
        return services.jsonl_rows(request.get_data())
    if not request.is_json:
        abort(415)
    try:
        rows = model.model_validate(request.get_json())
    except ValidationError as err:
        abort(current_app.validation_error_callback(err))
    return services.array_rows([row.model_dump(exclude_unset=True) for row in rows.root])


def _import(model: type[BaseModel], importer: Callable):
    """Run the rows through the exchange's import; the good ones are committed, the bad ones reported."""
    ctx = current()
    done = services.run_import(db(), _rows(model), importer, g.api_token, ctx.catalog, ctx.clock.now(),
                               ctx.clock.today())
    db().commit()
    summary = done.summary
    return _answer(ImportResult(imported=summary.imported, updated=summary.updated, unchanged=summary.unchanged,
                                rejected=summary.rejected,
                                rejects=[Reject(**{f: getattr(r, f) for f in Reject.model_fields}) for r in done.rejects]))


@_token_route("post", "/subjects", SUBJECTS_WRITE, ImportResult, "导入主体 / import subjects")
@_later
def import_subjects(body: SubjectRows = None):
    """subjects.jsonl rows: a known USCC updates its subject."""
    return _import(SubjectRows, exchange.import_subjects)


@_token_route("post", "/records", RECORDS_WRITE, ImportResult, "导入记录 / import records")
@_later
def import_records(body: RecordRows = None):
    """records.jsonl rows: a known id updates its record; the subjects touched are reassessed."""
    return _import(RecordRows, exchange.import_records)


@_token_route("post", "/list/entries", LIST_WRITE, ImportResult, "导入他机关决定的名单条目 / import list entries")
@_later
def import_list_entries(body: ListEntryRows = None):
    """list_entries.jsonl rows decided by another authority: a known id updates its entry."""
    terms = current_terms()
    return _import(ListEntryRows, lambda session, rows, job: list_imports.import_list_entries(session, rows, job, terms))


# ---------------------------------------------------------------------------------------------
# The document and its page


@docs.route(f"{PREFIX}/openapi.json")
@public
def document():
    return jsonify(current_app.api_doc)


@docs.route(f"{PREFIX}/docs")
@public
def browse():
    """Swagger UI, from the files of the flask-openapi3-swagger package (nothing from another site)."""
    return render_template("api/docs.html")


# ---------------------------------------------------------------------------------------------
# Tokens (admin)


def _now():
    return current().clock.now()


@tokens_bp.route("/admin/tokens/", methods=["GET", "POST"])
@requires(API_TOKEN_ADMIN)
def index():
    form = TokenForm()
    issued, status = submit(form, lambda: services.create_token(db(), form.department.data, form.scopes.data,
                                                                form.days.data, Actor.of(current_user), _now()))
    if issued is not None:
        form = TokenForm(formdata=None)
    response = current_app.make_response((render_template(
        "api/tokens.html", form=form, issued=issued, tokens=services.tokens(db()), now=_now(),
        status_of=services.token_status, SCOPE_LABELS=SCOPE_LABELS), status))
    response.headers["Cache-Control"] = "no-store"  # the page that shows a new token once
    return response


@tokens_bp.route("/admin/tokens/<int:token_id>/revoke", methods=["POST"])
@requires(API_TOKEN_ADMIN)
def revoke(token_id: int):
    token = services.revoke_token(db(), token_id, Actor.of(current_user), _now())
    db().commit()
    flash(_("The token of %(department)s was revoked.", department=token.department), "success")
    return redirect(url_for("tokens.index"))


BLUEPRINTS = (docs, swagger, tokens_bp)
APIS = (public_api, api)
