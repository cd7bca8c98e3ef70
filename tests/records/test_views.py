"""Recording violations with evidence, and the four-eyes review, as inspectors and reviewers do it."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from sqlmodel import select

from credit.audit.actor import Actor
from credit.records.models import Evidence, Record, RecordEvent
from credit.records.services import RecordInput, record_violation, transition
from credit.records.storage import display_name
from credit.scoring.queries import assessment_in_force

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def office(part: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return out.getvalue()


def form(**overrides) -> dict:
    return {"rule_code": "PA-PENALTY", "decision_date": "2026-10-01", "document_no": "淮市监罚〔2026〕7号",
            "authority": "淮南市市场监督管理局", "facts": "超越执业范围代理专利申请。", **overrides}


def upload(content: bytes, name: str):
    return io.BytesIO(content), name


def errors_of(page: str, field: str) -> str:
    start = page.index(f'id="{field}-errors"')
    return page[start:page.index("</ul>", start)]


def records(session) -> list[Record]:
    session.expire_all()
    return list(session.exec(select(Record).order_by(Record.id)))


@pytest.fixture
def agency(make_subject):
    return make_subject(kind="patent_agency", name="淮南乙专利代理有限公司")


@pytest.fixture
def record_as_inspector(login_as, post_form, agency, session):
    """An inspector records a PA-PENALTY against the agency with a PDF; returns (record, inspector)."""

    def make(content: bytes = PDF, name: str = "处罚决定书.pdf", **overrides):
        inspector = login_as("inspector")
        response = post_form(f"/subjects/{agency.id}/records/new",
                             {**form(**overrides), "evidence": upload(content, name)},
                             content_type="multipart/form-data")
        assert response.status_code == 302, response.get_data(as_text=True)
        return records(session)[-1], inspector

    return make


# -- recording ------------------------------------------------------------------------------------


def test_record_types_come_from_the_catalog_filtered_by_the_subjects_kind(client, login_as, make_subject):
    firm = make_subject(kind="firm")
    login_as("inspector")
    page = client.get(f"/subjects/{firm.id}/records/new").get_data(as_text=True)
    assert "FM-INFRINGE 故意侵犯知识产权受行政处罚（-20）" in page
    assert "ANY-HONOUR" in page
    assert "PA-PENALTY" not in page and "TA-FORGERY" not in page
    assert 'value="淮南市市场监督管理局（知识产权局）"' in page  # the authority defaults to the bureau


def test_an_inspector_records_a_violation_with_evidence_stored_by_hash(ctx, client, record_as_inspector, session,
                                                                       agency, stored_files):
    record, inspector = record_as_inspector()
    assert (record.status, record.rule_code, record.category, record.recorded_by_id) == (
        "draft", "PA-PENALTY", "patent", inspector.id)
    [evidence] = session.exec(select(Evidence)).all()
    assert (evidence.filename, evidence.content_type, evidence.size) == ("处罚决定书.pdf", "application/pdf", len(PDF))
    path = ctx.files.path(evidence.sha256)
    assert path.read_bytes() == PDF and stored_files() == [path]
    assert "static" not in str(path)
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "待审核" in page and "处罚决定书.pdf" in page
    # a draft does not count, so nothing is assessed yet
    assert assessment_in_force(session, agency.id, dt.date(2026, 11, 26)) is None


def test_the_same_content_is_stored_once(record_as_inspector, session, stored_files):
    record_as_inspector()
    record_as_inspector(name="副本.pdf", document_no="淮市监罚〔2026〕8号")
    assert len(session.exec(select(Evidence)).all()) == 2
    assert len(stored_files()) == 1


@pytest.mark.parametrize("content, name, stored_as", [
    (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "现场照片.jpg", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "截图", "image/png"),
    (office("word/document.xml"), "询问笔录.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (office("xl/workbook.xml"), "申请清单.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (PDF, "named-wrongly.exe", "application/pdf"),
])
def test_accepted_types_are_recognised_by_content(record_as_inspector, session, content, name, stored_as):
    record_as_inspector(content, name)
    evidence = session.exec(select(Evidence)).one()
    assert evidence.content_type == stored_as
    # the download name ends as the content does, whatever the client called it
    assert evidence.filename.endswith({"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(
        stored_as, name[-5:]))


@pytest.mark.parametrize("content, name", [
    (EXE, "处罚决定书.pdf"),                     # an executable renamed .pdf
    (b"<html><script>alert(1)</script>", "a.png"),
    (office("content.xml"), "not-office.docx"),  # a zip that is no Office document
    (b"PK\x03\x04broken", "broken.xlsx"),
    (b"", "empty.pdf"),
])
def test_a_disallowed_upload_is_refused_and_changes_nothing(client, login_as, post_form, agency, session, stored_files,
                                                            content, name):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", {**form(), "evidence": upload(content, name)},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    message = errors_of(response.get_data(as_text=True), "evidence")
    assert "类型不受支持" in message or "是空的" in message
    assert records(session) == [] and session.exec(select(Evidence)).all() == []
    assert stored_files() == []


def test_a_file_over_the_configured_size_is_refused_with_a_message(app, login_as, post_form, agency, session,
                                                                   stored_files):
    app.config["MAX_UPLOAD_MB"] = 1
    login_as("inspector")
    big = PDF + b"0" * (1024 * 1024)
    response = post_form(f"/subjects/{agency.id}/records/new", {**form(), "evidence": upload(big, "big.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert "文件超过 1 MB 的上限" in errors_of(response.get_data(as_text=True), "evidence")
    assert records(session) == [] and stored_files() == []


def test_a_form_refused_for_its_second_file_keeps_not_even_the_first(login_as, post_form, agency, session,
                                                                      stored_files):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new",
                         {**form(), "evidence": [upload(PDF, "处罚决定书.pdf"), upload(EXE, "附件.pdf")]},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert "类型不受支持" in errors_of(response.get_data(as_text=True), "evidence")
    # The PDF was stored before the second file was refused; the rollback took it away again.
    assert records(session) == [] and session.exec(select(Evidence)).all() == [] and stored_files() == []


def test_a_request_over_the_server_limit_is_413_in_chinese(app, login_as, post_form, agency, session):
    app.config["MAX_CONTENT_LENGTH"] = 512 * 1024
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new",
                         {**form(), "evidence": upload(PDF + b"0" * (1024 * 1024), "big.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 413
    assert "上传内容过大" in response.get_data(as_text=True)
    assert records(session) == []


def test_missing_fields_are_named_beside_each_field(login_as, post_form, agency, session):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", {"rule_code": "", "authority": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "请填写决定日期" in errors_of(page, "decision_date")
    assert "请填写决定机关" in errors_of(page, "authority")
    assert "请填写事实" in errors_of(page, "facts")
    assert records(session) == []


def test_a_record_type_of_another_kind_is_refused(login_as, post_form, make_subject, session):
    firm = make_subject(kind="firm")
    login_as("inspector")
    response = post_form(f"/subjects/{firm.id}/records/new", form(rule_code="PA-PENALTY"))
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "rule_code")
    assert records(session) == []


def test_a_decision_date_in_the_future_is_refused_beside_the_field(login_as, post_form, agency, session):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", form(decision_date="2026-11-27"))
    assert response.status_code == 400
    assert "决定日期不能晚于今天" in errors_of(response.get_data(as_text=True), "decision_date")
    assert records(session) == []


def test_a_malformed_decision_date_is_refused(login_as, post_form, agency, session):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", form(decision_date="2026-02-30"))
    assert response.status_code == 400
    assert errors_of(response.get_data(as_text=True), "decision_date")
    assert records(session) == []


def test_a_category_the_record_type_does_not_allow_is_refused_beside_the_field(login_as, post_form, agency, session):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", {**form(category="trademark"), "evidence": upload(PDF, "a.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 400
    assert "记录类型 PA-PENALTY 的知识产权类别只能是专利，不能是商标" in errors_of(response.get_data(as_text=True), "category")
    assert records(session) == [] and session.exec(select(Evidence)).all() == []


def test_a_category_the_record_type_allows_is_kept(login_as, post_form, make_subject, session):
    firm = make_subject(kind="firm")
    login_as("inspector")
    response = post_form(f"/subjects/{firm.id}/records/new", form(rule_code="FM-INFRINGE", category="copyright"))
    assert response.status_code == 302
    assert [(r.rule_code, r.category) for r in records(session)] == [("FM-INFRINGE", "copyright")]


def test_a_record_type_that_needs_evidence_is_not_saved_without_it(login_as, post_form, agency, session):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", form(rule_code="PA-REVOKED"))
    assert response.status_code == 400
    assert "记录类型 PA-REVOKED 须附证据材料" in errors_of(response.get_data(as_text=True), "evidence")
    assert records(session) == []
    response = post_form(f"/subjects/{agency.id}/records/new", {**form(rule_code="PA-REVOKED"),
                                                              "evidence": upload(PDF, "吊销决定书.pdf")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert [r.rule_code for r in records(session)] == ["PA-REVOKED"]


def test_a_draft_that_needs_evidence_is_not_confirmed_without_it(client, login_as, post_form, agency, session, ctx,
                                                                 clock):
    inspector = login_as("inspector")
    record = record_violation(session, ctx.catalog, agency, RecordInput("PA-STOP-NEW", dt.date(2026, 10, 1),
                              authority="国家知识产权局", facts="f"), Actor.of(inspector), clock.now(), clock.today())
    session.commit()
    login_as("reviewer")
    response = post_form(f"/records/{record.id}/confirm", {})
    assert response.status_code == 400
    assert "记录类型 PA-STOP-NEW 须附证据材料" in response.get_data(as_text=True)
    assert records(session)[0].status == "draft" and assessment_in_force(session, agency.id, dt.date(2026, 11, 26)) is None


def test_a_record_decided_before_the_first_catalog_version_is_accepted(login_as, post_form, agency, session):
    login_as("inspector")
    response = post_form(f"/subjects/{agency.id}/records/new", form(decision_date="2019-08-01"))
    assert response.status_code == 302
    assert [r.decision_date for r in records(session)] == [dt.date(2019, 8, 1)]


def test_evidence_can_be_added_while_the_record_awaits_review(app, client, record_as_inspector, post_form, session):
    record, _ = record_as_inspector()
    response = post_form(f"/records/{record.id}/evidence", {"evidence": upload(office("xl/workbook.xml"), "清单.xlsx")},
                         content_type="multipart/form-data")
    assert response.status_code == 302
    assert len(session.exec(select(Evidence).where(Evidence.record_id == record.id)).all()) == 2
    assert post_form(f"/records/{record.id}/evidence", {}).status_code == 400


# -- evidence download ---------------------------------------------------------------------------


def test_staff_download_evidence_as_an_attachment(client, login_as, record_as_inspector, session):
    record_as_inspector()
    evidence = session.exec(select(Evidence)).one()
    login_as("publisher")
    response = client.get(f"/evidence/{evidence.id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=\"evidence-{evidence.id}.pdf\"; "
        "filename*=UTF-8''%E5%A4%84%E7%BD%9A%E5%86%B3%E5%AE%9A%E4%B9%A6.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_file_name_cannot_inject_into_the_header_or_a_path(client, record_as_inspector, session):
    assert display_name('..\\..\\evil"\r\nSet-Cookie: x=1.exe', "application/pdf") == 'evil"Set-Cookie: x=1.exe.pdf'
    record_as_inspector(name="../../证据; 甲.pdf")
    evidence = session.exec(select(Evidence)).one()
    assert evidence.filename == "证据; 甲.pdf"
    header = client.get(f"/evidence/{evidence.id}").headers["Content-Disposition"]
    assert header == f"attachment; filename=\"evidence-{evidence.id}.pdf\"; filename*=UTF-8''%E8%AF%81%E6%8D%AE%3B%20%E7%94%B2.pdf"


def test_a_firm_user_sees_its_own_records_and_evidence_only_and_visitors_none(app, client, login_as,
                                                                              record_as_inspector, session):
    record, _ = record_as_inspector()
    evidence = session.exec(select(Evidence)).one()
    login_as("firm", subject_id=record.subject_id)
    assert client.get(f"/evidence/{evidence.id}").data == PDF
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "处罚决定书.pdf" in page and "补充证据" not in page and "/confirm" not in page
    login_as("firm")  # bound to another subject
    assert client.get(f"/evidence/{evidence.id}").status_code == 404
    assert client.get(f"/records/{record.id}").status_code == 404
    anonymous = app.test_client()
    assert "/login" in anonymous.get(f"/evidence/{evidence.id}").headers["Location"]


def test_unknown_ids_are_404(client, login_as, post_form):
    login_as("reviewer")
    for url in ("/records/999", "/evidence/999"):
        assert client.get(url).status_code == 404, url
    response = post_form("/records/999/confirm", {})
    assert response.status_code == 404 and "页面不存在" in response.get_data(as_text=True)
    login_as("inspector")
    assert client.get("/subjects/999/records/new").status_code == 404


# -- four eyes -----------------------------------------------------------------------------------


def test_the_review_queue_lists_drafts_for_reviewers_only(client, login_as, record_as_inspector, agency):
    record_as_inspector()
    assert client.get("/records/review").status_code == 403  # the inspector
    login_as("reviewer")
    page = client.get("/records/review").get_data(as_text=True)
    assert agency.name in page and "PA-PENALTY" in page


def test_a_reviewer_confirms_and_the_subject_page_shows_the_new_grade(client, login_as, post_form,
                                                                       record_as_inspector, agency, session, clock):
    record, _ = record_as_inspector()
    reviewer = login_as("reviewer")
    response = post_form(f"/records/{record.id}/confirm", {"confirm-reason": "材料齐全"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/subjects/{agency.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "记录已改为“已确认”，信用评价已重新计算" in page
    assert '<span class="figure tier-general" id="grade">B</span>' in page and 'id="score">80</span>' in page
    explanation = page[page.index('id="explanation"'):]
    assert "PA-PENALTY" in explanation and "《专利代理条例》第二十五条" in explanation
    [record] = records(session)
    assert (record.status, record.confirmed_by_id, record.status_reason) == ("confirmed", reviewer.id, "材料齐全")
    assert [e.to_status for e in session.exec(select(RecordEvent).order_by(RecordEvent.id))] == ["draft", "confirmed"]
    assert assessment_in_force(session, agency.id, clock.today()).grade == "B"


def test_a_reviewer_cannot_confirm_their_own_record(client, login_as, post_form, agency, session, ctx, clock):
    reviewer = login_as("reviewer")
    record = record_violation(session, ctx.catalog, agency, RecordInput("PA-PENALTY", dt.date(2026, 10, 1),
                              authority="淮南市市场监督管理局", facts="f"), Actor.of(reviewer), clock.now(), clock.today())
    session.commit()
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert "这条记录是您录入的，须由其他审核员确认" in page
    response = post_form(f"/records/{record.id}/confirm", {})
    assert response.status_code == 403
    assert "不能审核自己录入的记录（双人复核）" in response.get_data(as_text=True)
    assert records(session)[0].status == "draft"
    assert assessment_in_force(session, agency.id, clock.today()) is None


def test_rejecting_needs_a_reason_beside_the_field(client, login_as, post_form, record_as_inspector, session):
    record, _ = record_as_inspector()
    login_as("reviewer")
    response = post_form(f"/records/{record.id}/reject", {"reject-reason": "  "})
    assert response.status_code == 400
    assert "请填写理由" in errors_of(response.get_data(as_text=True), "reject-reason")
    assert records(session)[0].status == "draft"
    response = post_form(f"/records/{record.id}/reject", {"reject-reason": "文号与决定书不符"})
    assert response.status_code == 302
    [record] = records(session)
    assert (record.status, record.status_reason) == ("rejected", "文号与决定书不符")
    assert "已退回" in client.get(f"/records/{record.id}").get_data(as_text=True)


def test_revoking_a_confirmed_record_restores_the_grade_and_keeps_the_record(client, login_as, post_form,
                                                                             record_as_inspector, agency, session):
    record, _ = record_as_inspector()
    login_as("reviewer")
    post_form(f"/records/{record.id}/confirm", {})
    assert post_form(f"/records/{record.id}/revoke", {"revoke-reason": ""}).status_code == 400
    response = post_form(f"/records/{record.id}/revoke", {"revoke-reason": "行政复议撤销原处罚决定"})
    assert response.status_code == 302
    page = client.get(f"/subjects/{agency.id}").get_data(as_text=True)
    assert '<span class="figure tier-low" id="grade">A</span>' in page and "已撤销" in page
    assert [r.status for r in records(session)] == ["revoked"]


def test_a_step_the_life_cycle_does_not_allow_is_refused(client, login_as, post_form, record_as_inspector, session):
    record, _ = record_as_inspector()
    login_as("reviewer")
    post_form(f"/records/{record.id}/reject", {"reject-reason": "不实"})
    response = post_form(f"/records/{record.id}/confirm", {})
    assert response.status_code == 403
    assert "记录当前为“已退回”，不能改为“已确认”" in response.get_data(as_text=True)
    assert records(session)[0].status == "rejected"


def test_evidence_cannot_be_added_after_review(client, login_as, post_form, record_as_inspector, session):
    record, _ = record_as_inspector()
    login_as("reviewer")
    post_form(f"/records/{record.id}/confirm", {})
    login_as("inspector")
    response = post_form(f"/records/{record.id}/evidence", {"evidence": upload(b"\x89PNG\r\n\x1a\n", "x.png")},
                         content_type="multipart/form-data")
    assert response.status_code == 403
    assert len(session.exec(select(Evidence)).all()) == 1


def test_inspectors_cannot_decide(login_as, post_form, record_as_inspector, session):
    record, _ = record_as_inspector()
    login_as("inspector")
    assert post_form(f"/records/{record.id}/confirm", {}).status_code == 403
    login_as("admin")
    assert post_form(f"/records/{record.id}/confirm", {}).status_code == 403
    assert records(session)[0].status == "draft"


def test_a_decision_on_a_page_someone_else_has_since_decided_is_a_409_saying_who(
        client, login_as, post_form, make_user, record_as_inspector, session, ctx, clock):
    record, _ = record_as_inspector()
    login_as("reviewer")
    page = client.get(f"/records/{record.id}").get_data(as_text=True)
    assert 'name="reject-seen" type="hidden" value="draft"' in page
    other = make_user("reviewer", username="reviewer-li")
    transition(session, ctx.catalog, session.get(Record, record.id), "confirmed", Actor.of(other), clock.now(),
               clock.today())
    session.commit()

    response = post_form(f"/records/{record.id}/reject", {"reject-reason": "不实", "reject-seen": "draft"})
    assert response.status_code == 409
    answer = response.get_data(as_text=True)
    assert "reviewer-li 已于 2026-11-26 10:00 将其从“待审核”改为“已确认”" in answer
    assert 'id="status">已确认<' in answer and 'action="/records/%d/reject"' % record.id not in answer
    assert [r.status for r in records(session)] == ["confirmed"]
    assert [e.to_status for e in session.exec(select(RecordEvent).order_by(RecordEvent.id))] == ["draft", "confirmed"]
