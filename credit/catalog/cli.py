"""`credit rules check [PATH]`: validate the catalog and run its cases before it is deployed;
`credit rules diff V1 V2`: what changed between two versions."""
from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from config import PROJECT_ROOT
from credit.catalog.cases import check_case, load_cases
from credit.catalog.diff import VersionDiff, diff_versions
from credit.catalog.loader import Catalog, CatalogProblem


@click.group("rules")
def rules_group() -> None:
    """信用规则目录 / rules catalog."""


@contextlib.contextmanager
def _problems_exit() -> Iterator[None]:
    """Print each catalog problem as ``file:line: reason`` and exit non-zero."""
    try:
        yield
    except CatalogProblem as exc:
        for problem in exc.problems:
            click.echo(CatalogProblem.format(problem), err=True)
        raise SystemExit(1) from None


@rules_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def check(path: Path | None) -> None:
    """Validate catalog version files and rule cases (a file or a rules folder)."""
    path = path or PROJECT_ROOT / "rules"
    is_case_file = path.is_file() and path.parent.name == "cases"
    with _problems_exit():
        catalog = Catalog.load(PROJECT_ROOT / "rules" if is_case_file else path)
        cases = load_cases(path) if (is_case_file or path.is_dir()) else []
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


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value) if all(not isinstance(v, dict) for v in value) else json.dumps(
            value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _diff_table(diff: VersionDiff) -> list[str]:
    """One line a change: what, rule, field (padded; all ASCII), then old -> new in full."""
    old, new = diff.old, diff.new
    rows = [("added", r.code, "", f"{r.behaviour} {r.points:+d} ({r.reference})") for r in diff.added]
    rows += [("removed", r.code, "", f"{r.behaviour} {r.points:+d}") for r in diff.removed]
    rows += [("changed", c.rule or "(version)", c.field, f"{_shown(c.old)} -> {_shown(c.new)}") for c in diff.changed]
    head = ("change", "rule", "field", "old -> new")
    widths = [max(len(row[i]) for row in rows + [head]) for i in range(3)]
    lines = [f"信用规则目录 {old.version}（{old.effective_from}起）→ {new.version}（{new.effective_from}起） / "
             f"catalog version {old.version} (from {old.effective_from}) -> {new.version} (from {new.effective_from})"]
    lines += ["  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths)) + "  " + row[3]
              for row in [head] + rows]
    lines.append(f"{len(rows)} 处变化 / {len(rows)} change(s)")
    return lines


@rules_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.option("--rules", "path", type=click.Path(exists=True, path_type=Path),
              help="规则目录（默认项目的 rules/） / the rules folder (default: the project's rules/)")
def diff(old: str, new: str, fmt: str, path: Path | None) -> None:
    """Show what changed from catalog version OLD to NEW: rules added, removed, fields changed."""
    with _problems_exit():
        catalog = Catalog.load(path or PROJECT_ROOT / "rules")
    versions = [catalog.version(name) for name in (old, new)]
    for name, version in zip((old, new), versions):
        if version is None:
            known = ", ".join(v.version for v in catalog.versions)
            click.echo(f"错误：没有版本 {name!r}（现有 {known}） / error: no catalog version {name!r} (there are {known})",
                       err=True)
            raise SystemExit(1)
    changes = diff_versions(*versions)
    if fmt == "json":
        click.echo(json.dumps(changes.as_json(), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(_diff_table(changes)))
