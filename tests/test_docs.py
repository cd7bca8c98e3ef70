"""The README and CONTRIBUTING work from a clone: every file they link or name is in the repository."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["README.md", "CONTRIBUTING.md"])
def test_every_linked_file_is_in_the_repository(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)#:]+)\)", text)
    assert "docs/domain.md" in links
    assert [link for link in links if not (ROOT / link).exists()] == []
    assert "../shared" not in text  # outside a clone
