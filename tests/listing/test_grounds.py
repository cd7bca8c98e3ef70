"""The list's grounds are data (rules/listing/grounds.yaml), checked strictly when loaded."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from config import PROJECT_ROOT
from credit.catalog.loader import CatalogProblem
from credit.listing.grounds import load_rules

RULES = load_rules(PROJECT_ROOT / "rules")


@pytest.mark.parametrize("kind, amount, heavier", [
    ("fine", Decimal("49999.99"), False),  # just under the [baseline] threshold
    ("fine", Decimal("50000"), True),
    ("fine", None, False),
    ("warning", None, False),
    ("confiscation", Decimal("900000"), False),
    ("stop_new_business", None, True),
    ("licence_revoked", None, True),
    ("qualification_lowered", None, True),
    ("business_restricted", None, True),
    ("closure", None, True),
    ("practice_restricted", None, True),
    ("none", None, False),
    (None, None, False),
])
def test_which_penalties_are_heavier(kind, amount, heavier):
    assert RULES.is_heavier(kind, amount) is heavier


def test_this_bureau_is_the_configured_authority_or_a_listed_local_one():
    assert RULES.is_local("淮南市市场监督管理局", "淮南市市场监督管理局（知识产权局）")
    assert RULES.is_local("淮南市市场监督管理局（知识产权局）", "淮南市市场监督管理局（知识产权局）")
    assert not RULES.is_local("国家知识产权局", "淮南市市场监督管理局（知识产权局）")


def _copy(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", folder)
    (folder / "listing" / "grounds.yaml").write_text(text, encoding="utf-8")
    return folder


def test_an_unknown_key_or_penalty_kind_is_refused_with_its_line(tmp_path):
    text = (PROJECT_ROOT / "rules" / "listing" / "grounds.yaml").read_text(encoding="utf-8")
    with pytest.raises(CatalogProblem, match=r"grounds.yaml:\d+: fine_treshold: unknown key"):
        load_rules(_copy(tmp_path / "a", text + "fine_treshold: 1\n"))
    with pytest.raises(CatalogProblem, match="unknown penalty kinds / 未知的处罚种类: jail"):
        load_rules(_copy(tmp_path / "b", text.replace("  - closure\n", "  - closure\n  - jail\n")))
