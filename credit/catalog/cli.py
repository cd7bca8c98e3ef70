"""`credit rules check [PATH]`: validate the catalog and run its cases before it is deployed."""
from __future__ import annotations

from pathlib import Path

import click

from config import PROJECT_ROOT
from credit.catalog.cases import check_case, load_cases
from credit.catalog.loader import Catalog, CatalogProblem


@click.group("rules")
def rules_group() -> None:
    """信用规则目录 / rules catalog."""


@rules_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def check(path: Path | None) -> None:
    """Validate catalog version files and rule cases (a file or a rules folder)."""
    path = path or PROJECT_ROOT / "rules"
    is_case_file = path.is_file() and path.parent.name == "cases"
    try:
        catalog = Catalog.load(PROJECT_ROOT / "rules" if is_case_file else path)
        cases = load_cases(path) if (is_case_file or path.is_dir()) else []
    except CatalogProblem as exc:
        for problem in exc.problems:
            click.echo(CatalogProblem.format(problem), err=True)
        raise SystemExit(1)
    failures = 0
    for file, case in cases:
        for difference in check_case(catalog, case):
            failures += 1
            click.echo(f"{file}: case {case.name!r}: {difference}", err=True)
    versions = ", ".join(f"{v.version} ({v.effective_from}, {len(v.rules)} rules)" for v in catalog.versions)
    if failures:
        click.echo(f"{failures} 个用例未通过 / {failures} case check(s) failed", err=True)
        raise SystemExit(1)
    click.echo(f"规则目录有效 / catalog valid: {versions}; {len(cases)} cases pass")
