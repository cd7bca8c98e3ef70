"""`credit import`, `credit export` and `credit assess`: data exchange from the command line."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from credit.audit.actor import Actor
from credit.context import current, db
from credit.exchange import services
from credit.exchange.formats import FORMATS, estimate_rows, format_of, open_writer, read_rows
from credit.exchange.labels import assessment_columns, record_columns
from credit.exchange.labels import labelled as label_rows
from credit.i18n import bilingual, chinese, fail


@contextlib.contextmanager
def _errors_exit() -> Iterator[None]:
    """A file that cannot be read or written is a message and exit status 1, not a traceback
    (a DomainError is handled once for every command, in credit/cli.py)."""
    try:
        yield
    except (UnicodeDecodeError, zipfile.BadZipFile) as error:
        fail(_l("cannot read the file (CSV/JSONL must be UTF-8, XLSX a valid workbook): %(error)s", error=error))
    except OSError as error:  # a missing folder, no permission, a full disk
        fail(_l("cannot read or write the file: %(error)s", error=error))


def _date(_ctx, _param, value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        raise click.BadParameter(bilingual(_l("%(value)s is not a valid date (YYYY-MM-DD)", value=value))) from None


# ---------------------------------------------------------------------------------------------
# import


@click.group("import")
def import_group() -> None:
    """导入主体或记录（.jsonl/.csv/.xlsx） / import subjects or records."""


def _progress(rows, path: Path):
    """A progress bar on a terminal only, so logs and pipes stay clean."""
    if not sys.stderr.isatty():
        return contextlib.nullcontext(rows)
    label = bilingual(_l("importing %(file)s", file=path.name))
    return click.progressbar(rows, length=estimate_rows(path), label=label, file=sys.stderr)


def _rejects_path(path: Path) -> Path:
    return path.with_name(path.name + ".rejects.jsonl")


def _run_import(path: Path, importer: Callable) -> services.ImportSummary:
    """Run an import in the command's session; the command commits it once, when it has all gone through."""
    context, session = current(), db()
    rejects_path = _rejects_path(path)
    # A rejects file left by an earlier run would describe rows that may have been fixed since.
    rejects_path.unlink(missing_ok=True)
    with _errors_exit(), contextlib.ExitStack() as stack:
        write_reject = None

        def on_reject(rejection: services.Rejection) -> None:
            nonlocal write_reject
            click.echo(f"{path.name}:{rejection.line}: {rejection.field}: {rejection.reason_zh} / {rejection.reason_en}",
                       err=True)
            if write_reject is None:
                write_reject = stack.enter_context(open_writer("jsonl", (), rejects_path))
            write_reject(rejection.as_row())

        job = services.ImportJob(
            source=path.name, actor=Actor(None, f"import:{path.name}"), now=context.clock.now(),
            today=context.clock.today(), catalog=context.catalog, on_reject=on_reject, read_in_process=True,
        )
        with _progress(read_rows(path), path) as rows:
            return importer(session, rows, job)


def _report(path: Path, summary: services.ImportSummary) -> None:
    click.echo(bilingual(_l(
        "%(file)s: imported %(imported)d, updated %(updated)d, unchanged %(unchanged)d, rejected %(rejected)d",
        file=path.name, imported=summary.imported, updated=summary.updated, unchanged=summary.unchanged,
        rejected=summary.rejected)))
    if summary.changed_nothing and summary.unchanged:
        click.echo(bilingual(_l("nothing changed: every row was already imported")))
    if summary.rejected:
        fail(_l("rejected rows written to %(path)s", path=_rejects_path(path)))


_FILE = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))


@import_group.command("subjects")
@_FILE
@with_appcontext
def import_subjects(file: Path) -> None:
    """主体：uscc, name, kind, district, legal_representative[, licence_no]."""
    summary = _run_import(file, services.import_subjects)
    db().commit()  # the whole file's good rows at once: a failure before here leaves nothing
    _report(file, summary)


@import_group.command("records")
@_FILE
@with_appcontext
def import_records(file: Path) -> None:
    """记录：id, uscc, type, category, decision_date, document_no, authority, status."""
    summary = _run_import(file, services.import_records)
    db().commit()  # the whole file's good rows at once: a failure before here leaves nothing
    _report(file, summary)


# ---------------------------------------------------------------------------------------------
# export


@click.group("export")
def export_group() -> None:
    """导出主体、记录或评价结果 / export subjects, records or assessments."""


# `--labels zh|en`: the column titles and values people read, in that language, instead of the
# exchange shapes' field names and codes.
LABEL_LANGUAGES = {"zh": "zh_CN", "en": "en"}


def _export_options(command):
    command = click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                           help="输出文件（默认标准输出） / output file (default stdout)")(command)
    return click.option("--format", "fmt", type=click.Choice(FORMATS),
                        help="格式（默认按文件扩展名，否则 jsonl） / format (default: by suffix, else jsonl)")(command)


def _export(columns: tuple[str, ...], rows: Iterator[dict], fmt: str | None, output: Path | None) -> None:
    with _errors_exit():
        fmt = fmt or (format_of(output) if output is not None else "jsonl")
        count = 0
        with open_writer(fmt, columns, output) as write:
            for row in rows:
                write(row)
                count += 1
    click.echo(bilingual(_l("exported %(count)d rows", count=count)), err=True)


def _labels_option(help_zh: str, help_en: str):
    return click.option("--labels", type=click.Choice(list(LABEL_LANGUAGES)), help=f"{help_zh} / {help_en}")


def _export_labelled(labels: str | None, columns: tuple[str, ...], rows: Iterator[dict],
                     labelled: Callable[[], tuple[tuple[str, ...], Iterator[dict]]],
                     fmt: str | None, output: Path | None) -> None:
    """The exchange rows as they are, or (``--labels``) the titles and rows ``labelled`` gives,
    rendered in that language while they are written."""
    if labels is None:
        _export(columns, rows, fmt, output)
        return
    with force_locale(LABEL_LANGUAGES[labels]):
        _export(*labelled(), fmt, output)


@export_group.command("subjects")
@_export_options
@_labels_option("人读的表头和名称（如网页导出，含得分和等级）", "human headers and labels, as the web export, with score and grade")
@with_appcontext
def export_subjects(fmt: str | None, output: Path | None, labels: str | None) -> None:
    from credit.subjects import export
    from credit.subjects.search import SubjectFilter, iter_subjects

    def web_export_rows():  # the web export's labelled rows, with score and grade
        columns = tuple(export.headers())
        today = current().clock.today()
        return columns, (dict(zip(columns, export.cells(row))) for row in iter_subjects(db(), SubjectFilter(), today))

    _export_labelled(labels, services.SUBJECT_COLUMNS, services.subject_rows(db()), web_export_rows, fmt, output)


@export_group.command("records")
@_export_options
@_labels_option("人读的表头和名称（违法类型、类别、状态、处罚）", "human headers and labels (type, category, status, penalty)")
@with_appcontext
def export_records(fmt: str | None, output: Path | None, labels: str | None) -> None:
    catalog = current().catalog
    rows = services.record_rows(db())
    _export_labelled(labels, services.RECORD_COLUMNS, rows, lambda: label_rows(record_columns(catalog), rows),
                     fmt, output)


@export_group.command("assessments")
@_export_options
@click.option("--as-of", callback=_date, help="评价日（默认今天） / date (default today)")
@_labels_option("人读的表头和名称（监管层级、是否列入名单）", "human headers and labels (tier, listed)")
@with_appcontext
def export_assessments(fmt: str | None, output: Path | None, as_of: dt.date | None, labels: str | None) -> None:
    """各主体在该日适用的评价结果 / each subject's assessment in force on the date."""
    rows = services.assessment_rows(db(), as_of or current().clock.today())
    _export_labelled(labels, services.ASSESSMENT_COLUMNS, rows, lambda: label_rows(assessment_columns(), rows),
                     fmt, output)


# ---------------------------------------------------------------------------------------------
# assess

_TABLE = ((_l("USCC"), 18), (_l("Name"), 36), (_l("As of"), 10), (_l("Score"), 6), (_l("Grade"), 8),
          (_l("Supervision tier"), 8), (_l("Listed"), 8))


def _width(text: str) -> int:
    """Terminal columns: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    if _width(text) > width:
        while _width(text) > width - 1:
            text = text[:-1]
        text += "…"
    return text + " " * (width - _width(text))


@click.command("assess")
@click.option("--as-of", callback=_date, help="评价日 YYYY-MM-DD（默认今天） / date (default today)")
@click.option("--uscc", help="只评价这一个主体 / only this subject")
@click.option("--full", is_flag=True,
              help="重算全部主体（如新版规则目录），而非仅可能变化的主体 / recompute every subject (e.g. for a new catalog "
                   "version), not only those whose records can have changed")
@click.option("--format", "fmt", type=click.Choice(("json", "table")), default="table", show_default=True)
@with_appcontext
def assess_command(as_of: dt.date | None, uscc: str | None, full: bool, fmt: str) -> None:
    """计算并保存信用评价 / compute and store the assessments as of a date."""
    context, session = current(), db()
    as_of = as_of or context.clock.today()
    if full and uscc:
        raise click.UsageError("--full 与 --uscc 不能同时使用 / --full and --uscc exclude each other")
    with _errors_exit():
        subject_ids = services.assess(session, context.catalog, context.clock, as_of, uscc, full)
        session.commit()
        results = services.assessment_results(session, as_of, subject_ids)
        if fmt == "json":
            # One array, written as it streams, so memory stays flat for every subject.
            click.echo("[", nl=False)
            for i, result in enumerate(results):
                click.echo(("," if i else "") + "\n" + json.dumps(result.as_row(), ensure_ascii=False), nl=False)
            click.echo("\n]")
            return
        tiers = {t.tier: t.label for t in context.catalog.in_force(as_of).tiers}
        click.echo("  ".join(_cell(chinese(title), width) for title, width in _TABLE))
        for result in results:
            s, a = result.subject, result.assessment
            values = (s.uscc, s.name, result.as_of.isoformat(), str(a.score), a.grade, tiers.get(a.tier, a.tier),
                      chinese(_l("yes") if a.listed else _l("no")))
            click.echo("  ".join(_cell(value, width) for value, (_title, width) in zip(values, _TABLE)))
