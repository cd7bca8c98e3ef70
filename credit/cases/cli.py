"""`credit cases export --year YYYY -o FILE.xlsx`: the year's case ledger (台账) as a workbook."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l

from credit.context import current, db
from credit.dates import Period
from credit.i18n import bilingual, fail


@click.group("cases")
def cases_group() -> None:
    """“蓝天”专项整治行动案件台账 / the Blue Sky campaign case log."""


@cases_group.command("export")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="登记年度 / year of registration")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="输出的 .xlsx 文件 / the .xlsx file to write")
@with_appcontext
def export_command(year: int, output: Path) -> None:
    """导出年度案件台账 / export the year's case ledger."""
    from credit.cases.ledger import ledger, write_workbook

    period = Period.parse(str(year))
    rows = ledger(db(), period.first, period.last, current().clock.today())
    try:
        with output.open("wb") as out:
            write_workbook(rows, f"{year}年案件台账", out)
    except OSError as error:
        fail(_l("cannot read or write the file: %(error)s", error=error))
    click.echo(bilingual(_l("%(count)d cases of %(year)d written to %(file)s", count=len(rows), year=year,
                            file=str(output))))
