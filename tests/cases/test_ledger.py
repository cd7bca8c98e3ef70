"""The ledger workbook (command and button) read back, and the statistics page giving the same figures."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import load_workbook

from credit.cli import main


def _cases(lead, step, to_decision, make_subject):
    agency = make_subject("patent_agency", name="台账专利代理所")
    decided = to_decision(lead(agency), [("fine", Decimal("30000"), None), ("stop_new_business", None, 6)],
                          statement="当事人陈述称已整改。")
    step(decided, "decided", "reviewer")
    unregistered = to_decision(lead(party_name="赵某（黑代理）", district="340421", party_phone="13855400000"),
                               [("fine", Decimal("12000.5"), None), ("confiscation", Decimal("800"), None)], statement="当事人陈述称已整改。")
    step(unregistered, "decided", "reviewer")
    lead(make_subject("trademark_agency"), misconduct="malicious_trademark_agency")
    return decided, unregistered


def test_the_exported_ledger_reads_back_with_types_and_agrees_with_the_statistics(
        runner, client, login_as, lead, step, to_decision, make_subject, tmp_path):
    _cases(lead, step, to_decision, make_subject)
    out = tmp_path / "台账.xlsx"
    result = runner.invoke(main, ["cases", "export", "--year", "2026", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(out).active
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["案件编号", "登记日期", "线索来源", "当事人"] and "罚款金额（元）" in headers
    assert "作出决定日期" in headers and sheet.freeze_panes == "A2"
    rows = [dict(zip(headers, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert [r["案件编号"] for r in rows] == ["淮知蓝天〔2026〕1号", "淮知蓝天〔2026〕2号", "淮知蓝天〔2026〕3号"]
    assert isinstance(rows[0]["登记日期"], dt.datetime) and rows[0]["作出决定日期"].date() == dt.date(2026, 11, 26)
    assert [r["罚款金额（元）"] for r in rows] == [30000, 12000.5, 0]
    assert not rows[1]["统一社会信用代码/身份证号"] and rows[1]["当事人"] == "赵某（黑代理）"
    assert "责令停止承接新业务6个月" in rows[0]["处理结果"] and "PA-STOP-NEW" in rows[0]["信用记录"]
    assert sheet.column_dimensions["A"].width >= len("淮知蓝天〔2026〕1号") + 2

    login_as("reviewer")
    page = client.get("/cases/statistics?period=2026").get_data(as_text=True)
    assert re.search(r'id="total-cases">(\d+)<', page).group(1) == str(len(rows))
    assert re.search(r'id="total-fines">([\d,.]+)<', page).group(1) == f"{sum(r['罚款金额（元）'] for r in rows):,.2f}"
    assert re.search(r'id="total-confiscations">([\d,.]+)<', page).group(1) == "800.00"
    assert "<svg" in page and "恶意商标代理" in page
    # The button gives the same workbook.
    response = client.get("/cases/export.xlsx?year=2026")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    assert load_workbook(io.BytesIO(response.data)).active.max_row == len(rows) + 1


def test_the_monthly_report_shows_the_case_pipeline(session, lead, step, to_decision, make_subject):
    from credit.cases.statistics import report_section

    _cases(lead, step, to_decision, make_subject)
    section = report_section(session, dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    facts = dict(section.blocks[0].rows)
    assert facts["本月登记线索"] == "3件" and facts["本月立案"] == "2件" and facts["本月作出处罚决定"] == "2件"
    assert facts["本月决定罚款"] == "42,000.50元" and facts["月末在办案件"] == "3件"
