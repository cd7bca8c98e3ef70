"""`credit export subjects|records|assessments --labels zh|en`: labelled rows (human headers, names
instead of codes; subjects as the web export, with score and grade) in CSV or XLSX, in the language
asked for."""
from __future__ import annotations

import csv
import json
from decimal import Decimal

import openpyxl
from sqlmodel import select

from credit.scoring.models import Assessment
from credit.scoring.services import reassess


def test_labelled_subjects_in_chinese_csv_carry_score_and_grade(cli, session, ctx, clock, make_subject, make_record,
                                                                tmp_path):
    agency = make_subject("patent_agency", name="淮南市甲专利代理事务所", district="340403")
    make_subject("firm", name="淮南市乙食品有限公司", district="340421")
    make_record(agency, "PA-PENALTY", clock.today().replace(month=3))
    reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="test")
    session.commit()
    scores = {a.subject_id: (a.score, a.grade) for a in session.exec(select(Assessment))}

    result = cli("export", "subjects", "--labels", "zh", "--format", "csv", "-o", tmp_path / "s.csv")

    assert result.exit_code == 0, result.output
    with (tmp_path / "s.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert list(rows[0]) == ["统一社会信用代码", "名称", "主体类型", "区县", "法定代表人", "执业许可证号或备案号",
                             "信用分", "信用等级", "结果适用起始日"]
    by_name = {row["名称"]: row for row in rows}
    assert (by_name["淮南市甲专利代理事务所"]["主体类型"], by_name["淮南市甲专利代理事务所"]["区县"]) == ("专利代理机构", "田家庵区")
    assert by_name["淮南市乙食品有限公司"]["区县"] == "凤台县"
    assert (by_name["淮南市甲专利代理事务所"]["信用分"], by_name["淮南市甲专利代理事务所"]["信用等级"]) == tuple(
        str(v) for v in scores[agency.id])
    assert by_name["淮南市甲专利代理事务所"]["结果适用起始日"] == clock.today().isoformat()


def test_labelled_subjects_in_english_xlsx(cli, make_subject, tmp_path):
    make_subject("trademark_agency", name="淮南市丙商标代理有限公司", district="340402")

    assert cli("export", "subjects", "--labels", "en", "-o", tmp_path / "s.xlsx").exit_code == 0

    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx").active
    header, row = [[cell.value for cell in line] for line in sheet.iter_rows(max_row=2)]
    assert header[:4] == ["USCC", "Name", "Kind", "District"] and header[6:8] == ["Score", "Grade"]
    assert row[1:4] == ["淮南市丙商标代理有限公司", "Trademark agency", "Datong District"]


def test_without_labels_the_export_keeps_the_exchange_shape(cli, make_subject):
    make_subject("firm")
    result = cli("export", "subjects", "--format", "csv")
    assert result.stdout.lstrip("\ufeff").startswith("uscc,name,kind,district,legal_representative,licence_no,registered_on")


def test_labelled_records_name_the_type_category_status_and_penalty(cli, session, clock, make_subject, make_record,
                                                                   tmp_path):
    agency = make_subject("patent_agency")
    record = make_record(agency, "PA-PENALTY", clock.today().replace(month=3))
    record.penalty_kind, record.penalty_amount = "fine", Decimal("30000")
    session.add(record)
    session.commit()
    make_record(agency, "PA-RECTIFY", clock.today().replace(month=4), status="draft")  # never exported

    assert cli("export", "records", "--labels", "zh", "-o", tmp_path / "r.xlsx").exit_code == 0

    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    header, *rows = [[cell.value for cell in line] for line in sheet.iter_rows()]
    assert header == ["记录", "统一社会信用代码", "违法行为类型", "类别", "决定日期", "决定文号", "决定机关", "状态", "处罚"]
    assert len(rows) == 1
    row = dict(zip(header, rows[0]))
    assert row["违法行为类型"].startswith("PA-PENALTY ") and len(row["违法行为类型"]) > len("PA-PENALTY ")
    assert (row["类别"], row["状态"], row["处罚"]) == ("专利", "已确认", "罚款（30,000元）")


def test_labelled_assessments_in_english_carry_tier_listed_and_deductions(cli, session, ctx, clock, make_subject,
                                                                          make_record):
    agency = make_subject("patent_agency")
    make_record(agency, "PA-PENALTY", clock.today().replace(month=3))
    reassess(session, clock, catalog=ctx.catalog, subject_ids=None, reason="test")
    session.commit()
    plain = json.loads(cli("export", "assessments").stdout.splitlines()[0])

    result = cli("export", "assessments", "--labels", "en")

    row = json.loads(result.stdout.splitlines()[0])
    assert list(row) == ["USCC", "As of", "Score", "Grade", "Supervision tier", "On the serious-dishonesty list",
                         "Deductions (record, type, points)"]
    assert (row["Score"], row["Grade"]) == (plain["score"], plain["grade"])
    assert row["Supervision tier"] in {"Low risk", "General risk", "Attention", "Key supervision"}
    assert row["On the serious-dishonesty list"] == "no"
    [deduction] = plain["contributions"]
    assert row["Deductions (record, type, points)"] == f"{deduction['record_id']} PA-PENALTY {deduction['points']:+d}"
