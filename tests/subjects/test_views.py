"""The subject registry as staff use it: search, register, edit, export, and the subject page."""
from __future__ import annotations

import re
import csv
import datetime as dt
import io
import urllib.parse

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from credit.audit.models import AuditEvent
from credit.scoring.engine import recompute_subject
from credit.scoring.models import Assessment
from credit.scoring.services import reassess
from credit.subjects.models import Subject
from credit.audit.actor import Actor
from credit.errors import Conflict
from credit.subjects.services import SubjectInput, synthetic_uscc, update_subject

VALID = {"uscc": synthetic_uscc(4242, "340403"), "name": "淮南甲专利代理事务所", "kind": "patent_agency",
         "district": "340403", "legal_representative": "李四", "licence_no": "34105"}


def subjects(session) -> list[Subject]:
    session.expire_all()
    return list(session.exec(select(Subject)))


def errors_of(page: str, field: str) -> str:
    """The validation messages shown beside ``field``."""
    start = page.index(f'id="{field}-errors"')
    return page[start:page.index("</ul>", start)]


# -- registering and editing ---------------------------------------------------------------------


def test_inspector_registers_a_subject_and_sees_its_page(client, login_as, post_form, session):
    login_as("inspector")
    response = post_form("/subjects/new", VALID)
    assert response.status_code == 302
    [subject] = subjects(session)
    assert response.headers["Location"].endswith(f"/subjects/{subject.id}")
    assert (subject.uscc, subject.name, subject.licence_no) == (VALID["uscc"], VALID["name"], "34105")
    page = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert "淮南甲专利代理事务所" in page and "田家庵区" in page and "尚未评价" in page
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "subject.create")).one()


@pytest.mark.parametrize("uscc, message", [
    ("91340400MA2X", "统一社会信用代码应为18位"),
    (VALID["uscc"][:-1] + ("0" if VALID["uscc"][-1] != "0" else "1"), "统一社会信用代码校验位错误"),
    ("91340400MA2TIOZS0X", "统一社会信用代码格式错误"),
])
def test_an_invalid_uscc_is_refused_beside_the_field(client, login_as, post_form, session, uscc, message):
    login_as("inspector")
    response = post_form("/subjects/new", {**VALID, "uscc": uscc})
    assert response.status_code == 400
    assert message in errors_of(response.get_data(as_text=True), "uscc")
    assert subjects(session) == []


def test_a_duplicate_uscc_is_a_conflict_naming_the_registered_subject(client, login_as, post_form, session,
                                                                       make_subject):
    existing = make_subject(name="已登记的机构", uscc=VALID["uscc"])
    login_as("admin")
    response = post_form("/subjects/new", {**VALID, "uscc": VALID["uscc"].lower()})
    assert response.status_code == 409
    errors = errors_of(response.get_data(as_text=True), "uscc")
    assert f"统一社会信用代码 {VALID['uscc']} 已登记（已登记的机构）" in errors
    assert f'<a href="/subjects/{existing.id}" class="existing">打开已有的</a>' in errors
    assert [s.id for s in subjects(session)] == [existing.id]


def test_a_uscc_registered_between_the_check_and_the_insert_is_a_409_linking_it(client, login_as, post_form, session,
                                                                                 make_subject, monkeypatch):
    existing = make_subject(name="已登记的机构", uscc=VALID["uscc"])
    monkeypatch.setattr("credit.subjects.services.find_by_uscc", lambda *_: None)  # as if it came a moment later
    login_as("inspector")
    response = post_form("/subjects/new", VALID)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "其他人刚刚保存了相同的内容" in page and f'<a href="/subjects/{existing.id}" id="existing">' in page
    assert "Traceback" not in page and [s.id for s in subjects(session)] == [existing.id]


def test_missing_fields_are_named_beside_each_field(client, login_as, post_form, session):
    login_as("inspector")
    response = post_form("/subjects/new", {"kind": "firm", "district": "340403"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写统一社会信用代码" in errors_of(page, "uscc")
    assert "请填写名称" in errors_of(page, "name")
    assert subjects(session) == []


def test_an_unknown_kind_or_district_is_refused(client, login_as, post_form, session):
    login_as("inspector")
    response = post_form("/subjects/new", {**VALID, "kind": "bank", "district": "110101"})
    assert response.status_code == 400
    assert subjects(session) == []


def test_a_missing_csrf_token_changes_nothing(client, login_as, session):
    login_as("inspector")
    response = client.post("/subjects/new", data=VALID)
    assert response.status_code == 400
    assert subjects(session) == []


def test_editing_a_subject_saves_the_changes_and_audits_them(client, login_as, post_form, session, make_subject):
    subject = make_subject(kind="firm", name="旧名称")
    login_as("inspector")
    form = client.get(f"/subjects/{subject.id}/edit").get_data(as_text=True)
    assert "旧名称" in form
    response = post_form(f"/subjects/{subject.id}/edit",
                         {"uscc": subject.uscc, "name": "新名称", "kind": "firm", "district": "340421"})
    assert response.status_code == 302
    session.expire_all()
    assert (session.get(Subject, subject.id).name, session.get(Subject, subject.id).district) == ("新名称", "340421")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "subject.update")).one()


def test_a_save_over_changes_made_since_the_form_was_opened_is_refused_showing_the_current_values(
        client, login_as, post_form, session, make_subject, make_user, clock):
    subject = make_subject(kind="firm", name="原名称")
    login_as("inspector")
    assert 'name="version" type="hidden" value="1"' in client.get(f"/subjects/{subject.id}/edit").get_data(as_text=True)
    other = make_user("inspector", username="inspector-wang")
    update_subject(session, subject, SubjectInput(subject.uscc, "王改的名称", "firm", "340421"), Actor.of(other),
                   clock.now())
    session.commit()

    response = post_form(f"/subjects/{subject.id}/edit", {"uscc": subject.uscc, "name": "我改的名称", "kind": "firm",
                                                          "district": "340403", "version": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "未保存：您打开表单后，inspector-wang 修改了该主体（2026-11-26 10:00）" in page
    assert 'value="王改的名称"' in page and "我改的名称" not in page and 'name="version" type="hidden" value="2"' in page
    session.expire_all()
    assert (session.get(Subject, subject.id).name, session.get(Subject, subject.id).version) == ("王改的名称", 2)
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "subject.update")).all()) == 1


def test_of_two_saves_of_one_loaded_subject_the_second_is_refused(ctx, make_subject, clock):
    subject = make_subject(kind="firm", name="原名称")
    first, second = ctx.sessions(), ctx.sessions()
    mine, theirs = first.get(Subject, subject.id), second.get(Subject, subject.id)
    update_subject(first, mine, SubjectInput(subject.uscc, "甲改", "firm", "340403"), Actor(None, "a"), clock.now(),
                   seen_version=1)
    first.commit()
    with pytest.raises(Conflict) as refused:
        update_subject(second, theirs, SubjectInput(subject.uscc, "乙改", "firm", "340403"), Actor(None, "b"),
                       clock.now(), seen_version=1)
    second.rollback()
    assert refused.value.field == "version" and refused.value.status == 409
    assert second.get(Subject, subject.id).name == "甲改"
    first.close()
    second.close()


def test_editing_to_another_subjects_uscc_is_refused_and_changes_nothing(client, login_as, post_form, session,
                                                                         make_subject):
    first, second = make_subject(name="甲"), make_subject(name="乙")
    login_as("inspector")
    response = post_form(f"/subjects/{second.id}/edit",
                         {"uscc": first.uscc, "name": "乙改", "kind": second.kind, "district": second.district})
    assert response.status_code == 409
    assert "已登记（甲）" in errors_of(response.get_data(as_text=True), "uscc")
    session.expire_all()
    assert session.get(Subject, second.id).name == "乙"


# -- who may do what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role, shown", [("inspector", True), ("admin", True), ("reviewer", False)])
def test_only_those_who_may_register_and_record_see_the_buttons(client, login_as, make_subject, role, shown):
    subject = make_subject()
    login_as(role)
    registry = client.get("/subjects/").get_data(as_text=True)
    page = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert ('href="/subjects/new"' in registry) is shown
    assert (f'href="/subjects/{subject.id}/edit"' in page) is shown
    assert (f'href="/subjects/{subject.id}/records/new"' in page) is shown


@pytest.mark.parametrize("role", ["reviewer", "publisher"])
def test_staff_who_do_not_register_can_search_but_not_register(client, login_as, post_form, session, role):
    login_as(role)
    assert client.get("/subjects/").status_code == 200
    assert client.get("/subjects/new").status_code == 403
    assert post_form("/subjects/new", VALID).status_code == 403
    assert subjects(session) == []


def test_a_firm_user_sees_its_own_subject_but_not_the_registry_or_another_subject(client, login_as, make_subject):
    other = make_subject(kind="firm", name="别家企业")
    user = login_as("firm")
    for url in ("/subjects/", "/subjects/export.csv"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "无权访问" in response.get_data(as_text=True)
    # A staff page that names an object answers a firm as if it did not exist, even for its own subject.
    assert client.get(f"/subjects/{user.subject_id}/edit").status_code == 404
    # Another subject's page answers as if it did not exist.
    response = client.get(f"/subjects/{other.id}")
    assert response.status_code == 404 and "别家企业" not in response.get_data(as_text=True)
    page = client.get(f"/subjects/{user.subject_id}").get_data(as_text=True)
    assert "信用评价" in page
    assert f"/subjects/{user.subject_id}/edit" not in page and "/records/new" not in page


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/subjects/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_subject_id_is_404(client, login_as):
    login_as("inspector")
    for url in ("/subjects/999", "/subjects/999/edit", "/subjects/abc"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "页面不存在" in response.get_data(as_text=True) or "不存在" in response.get_data(as_text=True)


# -- search, paging and exports --------------------------------------------------------------------


@pytest.fixture
def registry(make_subject):
    return {
        "a": make_subject(kind="patent_agency", name="淮南星火专利代理", district="340403"),
        "b": make_subject(kind="trademark_agency", name="淮南星火商标代理", district="340421"),
        "c": make_subject(kind="firm", name="寿县豆腐食品有限公司", district="340422"),
    }


@pytest.mark.parametrize("query, expected", [
    ("name=星火", {"a", "b"}),
    ("name=星火&kind=trademark_agency", {"b"}),
    ("district=340422", {"c"}),
    ("kind=firm", {"c"}),
    ("", {"a", "b", "c"}),
    ("name=100%25", set()),
])
def test_search_filters_by_name_kind_and_district(client, login_as, registry, query, expected):
    login_as("reviewer")
    page = client.get(f"/subjects/?{query}").get_data(as_text=True)
    assert {key for key, s in registry.items() if s.name in page} == expected


@pytest.fixture
def assessed(registry, session, ctx, clock, make_record):
    """a: one penalty (a lower score, grade A), b: a serious finding (grade D), c: clean."""
    make_record(registry["a"], "PA-PENALTY", dt.date(2026, 3, 2))
    make_record(registry["b"], "TA-FORGERY", dt.date(2026, 3, 2), category="trademark")
    reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="test")
    session.commit()
    return {key: session.exec(select(Assessment).where(Assessment.subject_id == s.id)).one()
            for key, s in registry.items()}


def _listed(page: str, registry: dict) -> list[str]:
    """The registry's subjects in the order the page lists them."""
    return sorted((key for key, s in registry.items() if s.name in page), key=lambda key: page.index(registry[key].name))


def test_the_registry_filters_by_grade_and_tier_and_sorts_by_score_name_and_date(client, login_as, session, registry,
                                                                                  assessed):
    login_as("reviewer")
    grades = {key: a.grade for key, a in assessed.items()}
    tiers = {key: a.tier for key, a in assessed.items()}
    by_score = sorted(assessed, key=lambda key: (-assessed[key].score, registry[key].name))

    for grade in set(grades.values()):
        page = client.get(f"/subjects/?grade={urllib.parse.quote(grade)}").get_data(as_text=True)
        assert set(_listed(page, registry)) == {key for key, g in grades.items() if g == grade}
    page = client.get(f"/subjects/?tier={tiers['b']}").get_data(as_text=True)
    assert set(_listed(page, registry)) == {key for key, t in tiers.items() if t == tiers["b"]}
    assert _listed(client.get("/subjects/?sort=score").get_data(as_text=True), registry) == by_score
    assert _listed(client.get("/subjects/?sort=score_asc").get_data(as_text=True), registry) == by_score[::-1]
    assert _listed(client.get("/subjects/?sort=name").get_data(as_text=True), registry) == sorted(
        registry, key=lambda key: registry[key].name)
    registry["a"].registered_on, registry["b"].registered_on = dt.date(2020, 1, 6), dt.date(2024, 5, 6)
    registry["c"].registered_on = None
    session.commit()
    page = client.get("/subjects/?sort=registered").get_data(as_text=True)
    assert _listed(page, registry) == ["b", "a", "c"]  # newest first, no date last
    assert all(f'class="grade tier-{tier}"' in page for tier in tiers.values())


def test_search_by_part_of_a_uscc_in_any_case(client, login_as, registry):
    login_as("inspector")
    code = registry["c"].uscc
    page = client.get(f"/subjects/?uscc={code[-8:].lower()}").get_data(as_text=True)
    assert registry["c"].name in page and registry["a"].name not in page


def test_an_unknown_filter_value_is_ignored_not_an_error(client, login_as, registry):
    login_as("inspector")
    response = client.get("/subjects/?district=999999&page=abc")
    assert response.status_code == 200
    assert all(s.name in response.get_data(as_text=True) for s in registry.values())


@pytest.mark.parametrize("query", ["fmt=x", "endpoint=x", "_method=POST", "_external=1", "_anchor=x"])
def test_query_parameters_that_are_no_filter_are_ignored_not_a_500(client, login_as, registry, query):
    # They used to be passed on as keyword arguments of url_for for the export and paging links.
    login_as("inspector")
    response = client.get(f"/subjects/?name=甲&{query}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/subjects/export.csv?name=%E7%94%B2"' in page and "http://" not in page.split("<main")[-1]


def test_results_are_paged_and_pages_keep_the_filters(client, login_as, make_subject):
    for i in range(23):
        make_subject(kind="firm", name=f"分页企业{i:02d}")
    make_subject(kind="patent_agency", name="分页代理")
    login_as("inspector")
    first = client.get("/subjects/?kind=firm").get_data(as_text=True)
    assert "分页企业00" in first and "分页企业19" in first and "分页企业20" not in first
    assert "/subjects/?page=2&amp;kind=firm" in first
    second = client.get("/subjects/?kind=firm&page=2").get_data(as_text=True)
    assert "分页企业20" in second and "分页企业22" in second and "分页代理" not in second
    assert "分页企业22" in client.get("/subjects/?kind=firm&page=99").get_data(as_text=True)


def test_csv_export_is_utf8_with_bom_and_uses_the_same_filters(client, login_as, registry, session, ctx, clock):
    recompute_subject(session, ctx.catalog, registry["a"].id, clock.today(), clock.now())
    session.commit()
    login_as("publisher")
    response = client.get("/subjects/export.csv?name=星火")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'attachment; filename="subjects-20261126.csv"' == response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["统一社会信用代码", "名称", "主体类型"]
    by_name = {r[1]: r for r in rows[1:]}  # (the order of Chinese names depends on the database's collation)
    assert set(by_name) == {"淮南星火商标代理", "淮南星火专利代理"}
    assert by_name["淮南星火专利代理"][6:] == ["100", "A", "2026-11-26"]
    assert by_name["淮南星火商标代理"][6:] == ["", "", ""]


def test_xlsx_export_has_the_same_rows(client, login_as, registry):
    login_as("inspector")
    response = client.get("/subjects/export.xlsx?kind=firm")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码"
    assert [r[1] for r in rows[1:]] == ["寿县豆腐食品有限公司"]
    assert rows[1][3] == "寿县"


def test_exports_neutralise_cells_that_a_spreadsheet_would_run_as_formulas(client, login_as, make_subject):
    make_subject(kind="firm", name="=HYPERLINK(\"http://evil\")", legal_representative="@SUM(A1)")
    login_as("inspector")
    rows = list(csv.reader(io.StringIO(client.get("/subjects/export.csv").data.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=") and rows[1][4] == "'@SUM(A1)"
    sheet = load_workbook(io.BytesIO(client.get("/subjects/export.xlsx").data)).active
    assert sheet.cell(row=2, column=2).data_type == "s"


# -- the subject page -----------------------------------------------------------------------------


def test_subject_page_explains_the_score_with_rules_references_and_caps(client, login_as, session, ctx, clock,
                                                                       make_subject, make_record):
    subject = make_subject(kind="patent_agency")
    for month in range(1, 6):
        make_record(subject, "PA-ABNORMAL-FILING", dt.date(2026, month, 10))
    make_record(subject, "PA-PENALTY", dt.date(2026, 7, 1))
    make_record(subject, "PA-SOLICIT", dt.date(2026, 8, 1), status="draft")
    recompute_subject(session, ctx.catalog, subject.id, dt.date(2026, 3, 1), clock.now())
    recompute_subject(session, ctx.catalog, subject.id, clock.today(), clock.now())
    session.commit()
    login_as("reviewer")
    page = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    # 100 - 40 (five abnormal filings, capped at -40) - 20 = 40: grade D, key supervision
    # Key supervision: the tier's alarm colour (low risk is never red).
    assert '<span class="figure tier-key" id="grade">D</span>' in page and 'tier-key" id="score">40</span>' in page
    assert "重点监管" in page
    table = page[page.index('id="explanation"'):page.index("</table>", page.index('id="explanation"'))]
    body = table[table.index("<tbody>"):table.index("</tbody>")]
    assert body.count("<tr>") == 6  # the six counted records, not the draft
    assert table.count("已达上限") == 1
    assert "代理非正常专利申请" in table and "《专利代理条例》第二十五条" in table
    assert "PA-SOLICIT" not in table
    # the chart: one point per stored assessment, drawn server-side
    chart = page[page.index("<svg"):page.index("</svg>")]
    assert chart.count("<circle") == 2 and "<path" in chart
    assert "2026-03-01" in chart and "2026-11-26" in chart
    # the records list shows status labels
    records = page[page.index('id="records"'):]
    assert "待审核" in records and records.count("已确认") == 6


def test_subject_page_explains_an_old_assessment_by_the_catalog_it_used(client, login_as, session, ctx, clock,
                                                                       make_subject, make_record):
    from credit.catalog.models import CatalogVersion

    subject = make_subject(kind="firm")
    make_record(subject, "FM-INFRINGE", dt.date(2026, 5, 1))
    recompute_subject(session, ctx.catalog, subject.id, clock.today(), clock.now())
    stored = session.exec(select(CatalogVersion)).one()
    # What the stored version said, not the rules file, explains the assessment.
    stored.content = stored.content.replace("故意侵犯知识产权受行政处罚", "存档中的行为描述")
    session.commit()
    login_as("inspector")
    page = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert "存档中的行为描述" in page


def test_pages_show_the_assessment_in_force_today_not_one_stored_for_a_later_date(client, login_as, session, ctx, clock,
                                                                                  make_subject, make_record):
    subject = make_subject(kind="patent_agency", name="远期评价代理所")
    make_record(subject, "PA-PENALTY", dt.date(2025, 3, 14))
    recompute_subject(session, ctx.catalog, subject.id, clock.today(), clock.now())
    # As of 2028-05-10 the penalty's three years are over: 100, A, stored for that date only.
    assert recompute_subject(session, ctx.catalog, subject.id, dt.date(2028, 5, 10), clock.now()).score == 100
    session.commit()
    login_as("reviewer")
    page = client.get(f"/subjects/{subject.id}").get_data(as_text=True)
    assert re.search(r'<span class="figure tier-\w+" id="grade">B</span>', page)
    assert re.search(r'<span class="figure tier-\w+" id="score">80</span>', page)
    assert "2028-05-10" not in page
    listing = client.get("/subjects/?name=远期评价").get_data(as_text=True)
    assert re.search(r'<span class="grade tier-\w+" title="[^"]*">B</span>', listing) and "<td>80</td>" in listing
