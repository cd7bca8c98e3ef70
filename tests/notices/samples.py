"""One filled-in document of every kind (tests and bench/notices.py render them)."""
from __future__ import annotations

import datetime as dt

from credit.dates import add_years
from credit.notices import kinds, layout

AGENCY = kinds.SubjectInfo("淮南市淮河专利代理事务所（普通合伙）", "91340403MA2N0B7X4L", "专利代理机构", "田家庵区", "李明")
RECORDS = [
    kinds.CountedRecord("代理非正常专利申请", dt.date(2026, 3, 2), "淮市监罚〔2026〕12号", -10, -10,
                        "《规范申请专利行为的规定》（国家知识产权局令第77号）"),
    kinds.CountedRecord("以不正当手段招揽业务", dt.date(2026, 9, 14), "淮市监罚〔2026〕87号", -10, -10,
                        "《专利代理条例》第二十五条"),
]
DAY = dt.date(2026, 11, 26)


def grade_change() -> kinds.GradeChange:
    return kinds.GradeChange(AGENCY, dt.date(2026, 11, 25), "B", "C", 78, "关注", "指导、跟踪回访", "2020.1", RECORDS, 15)


SAMPLES: dict[str, tuple[kinds.Kind, list[str]]] = {
    # kind -> (document, strings its text must contain)
    "grade_change": (grade_change(), ["信用等级告知书", "信用等级由B级调整为C级", "2026年11月25日", "代理非正常专利申请",
                                      "15个工作日内"]),
    "listing_prior": (kinds.ListingPriorNotice(AGENCY, "你单位2026年多次代理非正常专利申请。", "《市场监督管理严重违法失信名单管理办法》第十条",
                                               dt.date(2027, 1, 8), True),
                      ["事先告知书", "陈述、申辩和要求听证", "暂按周末和法定节假日计算"]),
    "listing_decision": (kinds.ListingDecision(AGENCY, "SD-2026-000123", "你单位出租出借资质。", "《市场监督管理严重违法失信名单管理办法》",
                                               DAY, add_years(DAY, 3), 3),
                         ["列入严重失信主体名单决定书", "SD-2026-000123", "列入期限3年", "2029年11月26日"]),
    "removal_decision": (kinds.RemovalDecision(AGENCY, "SD-2023-000007", dt.date(2023, 11, 26), DAY, "列入期限已届满。"),
                         ["移出严重失信主体名单决定书", "SD-2023-000007"]),
    "removal_refusal": (kinds.RemovalRefusal(AGENCY, "SD-2025-000003", dt.date(2026, 11, 2), "仍有未履行的罚款。"),
                        ["不予提前移出严重失信主体名单决定书", "SD-2025-000003", "仍有未履行的罚款"]),
    "rectification_order": (kinds.RectificationOrder(AGENCY, "淮知蓝天〔2026〕12号", "你单位通过网络平台以不正当手段招揽业务。",
                                                     "《专利代理条例》第二十五条", ["停止网络招揽行为", "提交整改报告"],
                                                     dt.date(2026, 12, 10)),
                            ["责令整改通知书", "淮知蓝天〔2026〕12号", "停止网络招揽行为"]),
    "interview": (kinds.InterviewNotice(AGENCY, "淮知蓝天〔2026〕13号", "你单位代理量异常", dt.datetime(2026, 12, 3, 9, 30),
                                        "淮南市市场监督管理局三楼会议室", ["营业执照复印件", "代理业务台账"]),
                  ["约谈通知书", "代理业务台账", "09:30"]),
    "objection_reply": (kinds.ObjectionReply(AGENCY, dt.date(2026, 11, 10), "淮市监罚〔2026〕12号记录", False, "该记录事实清楚、证据确凿。"),
                        ["异议申请答复书", "异议不成立"]),
    "repair_reply": (kinds.RepairReply(AGENCY, dt.date(2026, 11, 1), "淮市监罚〔2026〕12号记录", True, "已履行处罚义务。", DAY),
                     ["信用修复申请答复书", "予以修复"]),
    "credit_report": (kinds.CreditReport(AGENCY, DAY, 78, "C", "关注", "2020.1", RECORDS,
                                         [kinds.ListStatus("SD-2023-000007", "已移出", dt.date(2023, 11, 26), DAY, DAY)]),
                      ["知识产权信用报告", "信用评分", "SD-2023-000007"]),
    "monthly_report": (kinds.MonthlyReport(
        dt.date(2026, 10, 1), [("在册主体（户）", "120")], ["A+", "A", "B", "C", "D"], {"A": 60, "B": 40, "C": 15, "D": 5},
        [f"2026-{m:02d}" for m in range(1, 11)] + ["2025-11", "2025-12"],
        {"A": [50 + i for i in range(12)], "D": [5] * 12}, [1] * 12, [0] * 11 + [2],
        sections=[  # as the cases and plan features would add them
            kinds.ReportSection("规划指标完成情况", [layout.Table(["指标", "目标", "完成"], [["双随机抽查覆盖率", "100%", "96%"]])], 2),
            kinds.ReportSection("“蓝天”专项整治案件进度", [layout.BarChart(
                "各阶段案件数", ["线索登记", "核查", "立案"], {"案件数": [4, 2, 1]})], 1),
        ]),
        ["知识产权信用监管月度报告", "信用等级分布", "列入与移出", "信用等级趋势", "五、“蓝天”专项整治案件进度", "六、规划指标完成情况"]),
}

# Blue Sky cases (credit/cases): the penalty prior notice, with the list's paragraph, and the decision.
SAMPLES.update({
    "penalty_prior": (kinds.PenaltyPriorNotice(
        AGENCY, "淮知蓝天〔2026〕12号", "你单位2026年代理非正常专利申请312件。", "《专利代理条例》第二十五条",
        ["罚款人民币50,000.00元", "责令停止承接新业务6个月"], dt.date(2027, 1, 8), True,
        ["本局同时拟将你单位列入严重失信主体名单。"]),
        ["行政处罚告知书", "淮知蓝天〔2026〕12号", "罚款人民币50,000.00元", "拟将你单位列入严重失信主体名单",
         "暂按周末和法定节假日计算"]),
    "penalty_decision": (kinds.PenaltyDecision(
        AGENCY, "淮知蓝天〔2026〕12号", "你单位2026年代理非正常专利申请312件。", "《专利代理条例》第二十五条",
        ["责令停止承接新业务6个月"], "你单位在规定期限内未提出陈述、申辩意见。"),
        ["行政处罚决定书", "责令停止承接新业务6个月", "行政复议"]),
})
