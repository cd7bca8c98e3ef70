"""Free-text search: the text is matched as typed, in any case, and bounded."""
from __future__ import annotations

import pytest
from sqlmodel import select

from credit.errors import InvalidInput
from credit.search import MAX_SEARCH_TEXT, contains
from credit.subjects.models import Subject


@pytest.mark.parametrize(("text", "expected"), [
    ("%", ["满意率100%公司"]),
    ("_", ["A_B 代理所"]),
    ("\\", ["路径\\公司"]),
    ("a_b", ["A_B 代理所"]),
    ("ab", []),
    ("公司", ["满意率100%公司", "路径\\公司"]),
])
def test_contains_matches_the_text_as_typed_in_any_case(session, make_subject, text, expected):
    for name in ("满意率100%公司", "A_B 代理所", "AxB 代理所", "路径\\公司"):
        make_subject(name=name)
    names = session.exec(select(Subject.name).where(contains(Subject.name, text, "name")).order_by(Subject.id)).all()
    assert names == expected


def test_a_text_longer_than_the_bound_is_refused():
    contains(Subject.name, "x" * MAX_SEARCH_TEXT, "name")
    with pytest.raises(InvalidInput) as err:
        contains(Subject.name, "x" * (MAX_SEARCH_TEXT + 1), "name")
    assert err.value.field == "name"
