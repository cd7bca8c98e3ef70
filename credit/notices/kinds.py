"""The kinds of notice and report (DESIGN section 9): each is the plain data it needs and the
text it says. ``layout.render`` gives them their one official look.

Kinds whose source events do not exist yet (listing, cases, objections, repairs) are complete
documents already; their features attach the triggers when they land.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from credit.notices.layout import BarChart, Block, Facts, Heading, LineChart, Table, Text, chinese_date


@dataclass
class SubjectInfo:
    name: str
    uscc: str
    kind_label: str
    district_label: str
    legal_representative: str = ""

    def facts(self) -> Facts:
        return Facts([
            ("名称", self.name),
            ("统一社会信用代码", self.uscc),
            ("主体类型", self.kind_label),
            ("所在区县", self.district_label),
            ("法定代表人（负责人）", self.legal_representative or "—"),
        ])


@dataclass
class CountedRecord:
    """One record that counts in an assessment, as a notice explains it."""

    behaviour: str
    decision_date: dt.date
    document_no: str
    points: int
    counted_points: int
    reference: str


def _records_table(records: list[CountedRecord]) -> Table:
    return Table(
        ["行为", "决定日期", "决定文号", "分值", "计入", "依据"],
        [[r.behaviour, r.decision_date.isoformat(), r.document_no or "—", f"{r.points:+d}", f"{r.counted_points:+d}",
          r.reference] for r in records],
        [0.22, 0.13, 0.17, 0.08, 0.08, 0.32],
    )


def _deadline(day: dt.date, provisional: bool) -> str:
    text = chinese_date(day)
    # A year whose calendar is not yet announced counts weekends and statutory holidays (DESIGN 6).
    return text + ("（暂按周末和法定节假日计算，待国务院公布该年节假日安排后确认）" if provisional else "")


@dataclass
class Activation:
    """A one-time code with which the firm opens its account in the system (printed once)."""

    code: str
    expires_on: dt.date


class Kind:
    """What every kind of document says about itself."""

    kind: ClassVar[str]
    title: ClassVar[LazyString]  # the document's name: Chinese on the PDF, the page's language on the web
    number_prefix: ClassVar[str]  # 淮知信告 -> 淮知信告〔2026〕27号

    @property
    def recipient(self) -> str | None:
        return self.subject.name

    @property
    def copy_to(self) -> list[str]:
        """抄送 in the 版记: the subject's district bureau, which supervises it day to day."""
        return [f"{self.subject.district_label}市场监督管理局"]

    def blocks(self) -> list[Block]:
        raise NotImplementedError


@dataclass
class GradeChange(Kind):
    kind: ClassVar[str] = "grade_change"
    title: ClassVar[LazyString] = _l("Credit grade notice")
    number_prefix: ClassVar[str] = "淮知信告"

    subject: SubjectInfo
    as_of: dt.date
    previous_grade: str | None  # None: the subject's first assessment
    grade: str
    score: int
    tier_label: str
    measures: str
    catalog_version: str
    records: list[CountedRecord]
    objection_working_days: int
    activation: Activation | None = None

    def blocks(self) -> list[Block]:
        change = (f"信用等级由{self.previous_grade}级调整为{self.grade}级" if self.previous_grade
                  else f"信用等级评定为{self.grade}级")
        blocks: list[Block] = [
            Text(f"根据《知识产权信用管理规定》和本局知识产权信用评价规则（{self.catalog_version}版），"
                 f"经评价，截至{chinese_date(self.as_of)}，你单位知识产权信用评分为{self.score}分，{change}，"
                 f"适用“{self.tier_label}”监管层级。现将有关情况告知如下。"),
            Heading("一、主体信息"),
            self.subject.facts(),
            Heading("二、计入评价的记录"),
        ]
        blocks.append(_records_table(self.records) if self.records else Text("评价期内无计入评价的记录。"))
        blocks += [
            Heading("三、监管措施"),
            Text(f"本局将对你单位采取以下分级分类监管措施：{self.measures}。"),
            Heading("四、权利告知"),
            Text(f"你单位如对评价所依据的记录有异议，可自收到本告知书之日起{self.objection_working_days}个工作日内，"
                 "通过本系统或书面向本局提出异议申请，并提供相关证明材料。"
                 "符合条件的，可依法申请信用修复。"),
        ]
        if self.activation is not None:
            blocks.append(Text(f"你单位尚未开通本系统企业账号的，可于{chinese_date(self.activation.expires_on)}前"
                               f"凭统一社会信用代码和激活码 {self.activation.code} 在本系统“企业账号激活”页面开通，"
                               "查询本单位信用状况、提出异议和申请信用修复。激活码仅可使用一次，请妥善保管。"))
        blocks += [
            Text("特此告知。"),
        ]
        return blocks


@dataclass
class ListingPriorNotice(Kind):
    kind: ClassVar[str] = "listing_prior"
    title: ClassVar[LazyString] = _l("Prior notice of listing as seriously dishonest")
    number_prefix: ClassVar[str] = "淮知失告"

    subject: SubjectInfo
    facts: str
    legal_basis: str
    statement_deadline: dt.date
    deadline_provisional: bool = False

    def blocks(self) -> list[Block]:
        return [
            Text(f"经查，{self.facts}"),
            Text(f"依据{self.legal_basis}，本局拟将你单位列入严重失信主体名单。"),
            self.subject.facts(),
            Text("根据《市场监督管理严重违法失信名单管理办法》的规定，你单位有陈述、申辩和要求听证的权利。"
                 f"请于{_deadline(self.statement_deadline, self.deadline_provisional)}前向本局提出；"
                 "逾期未提出的，视为放弃上述权利。"),
            Text("特此告知。"),
        ]


@dataclass
class ListingDecision(Kind):
    kind: ClassVar[str] = "listing_decision"
    title: ClassVar[LazyString] = _l("Decision to list as seriously dishonest")
    number_prefix: ClassVar[str] = "淮知失决"

    subject: SubjectInfo
    entry_id: str
    reason: str
    legal_basis: str
    listed_on: dt.date
    planned_removal_on: dt.date  # credit.dates.add_years(listed_on, period_years)
    period_years: int

    def blocks(self) -> list[Block]:
        return [
            Text(f"经查，{self.reason}"),
            Text(f"依据{self.legal_basis}，本局决定自{chinese_date(self.listed_on)}起将你单位列入严重失信主体名单"
                 f"（名单编号 {self.entry_id}），列入期限{self.period_years}年，至{chinese_date(self.planned_removal_on)}届满。"),
            self.subject.facts(),
            Text("列入期间，你单位将被依法实施信用约束措施。列入满一年，且已履行行政处罚义务、"
                 "消除不良影响、未再受到较重行政处罚的，可向本局申请提前移出。"),
            Text("如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，"
                 "或者在六个月内依法向人民法院提起行政诉讼。"),
        ]


@dataclass
class RemovalDecision(Kind):
    kind: ClassVar[str] = "removal_decision"
    title: ClassVar[LazyString] = _l("Decision to remove from the serious-dishonesty list")
    number_prefix: ClassVar[str] = "淮知失移"

    subject: SubjectInfo
    entry_id: str
    listed_on: dt.date
    removed_on: dt.date
    reason: str

    def blocks(self) -> list[Block]:
        return [
            Text(f"你单位于{chinese_date(self.listed_on)}被列入严重失信主体名单（名单编号 {self.entry_id}）。"
                 f"{self.reason}"),
            Text(f"本局决定自{chinese_date(self.removed_on)}起将你单位移出严重失信主体名单，并停止公示。"),
            self.subject.facts(),
            Text("特此决定。"),
        ]


@dataclass
class RemovalRefusal(Kind):
    kind: ClassVar[str] = "removal_refusal"
    title: ClassVar[LazyString] = _l("Decision not to remove early from the serious-dishonesty list")
    number_prefix: ClassVar[str] = "淮知失不移"

    subject: SubjectInfo
    entry_id: str
    received_on: dt.date
    reasons: str

    def blocks(self) -> list[Block]:
        return [
            Text(f"本局于{chinese_date(self.received_on)}收到你单位提前移出严重失信主体名单（名单编号 {self.entry_id}）"
                 "的申请及信用承诺书。"),
            Text(f"经审核，你单位暂不符合提前移出条件，本局决定不予提前移出。理由如下：{self.reasons}"),
            self.subject.facts(),
            Text("如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，"
                 "或者在六个月内依法向人民法院提起行政诉讼。"),
        ]


@dataclass
class RectificationOrder(Kind):
    kind: ClassVar[str] = "rectification_order"
    title: ClassVar[LazyString] = _l("Rectification order")
    number_prefix: ClassVar[str] = "淮知责改"

    subject: SubjectInfo
    case_no: str
    findings: str
    legal_basis: str
    requirements: list[str]
    deadline: dt.date
    deadline_provisional: bool = False

    def blocks(self) -> list[Block]:
        return [
            Text(f"本局在“蓝天”专项整治行动中（案件编号 {self.case_no}）发现：{self.findings}"),
            Text(f"依据{self.legal_basis}，现责令你单位限期整改："),
            *[Text(f"{i}. {r}") for i, r in enumerate(self.requirements, 1)],
            Text(f"请于{_deadline(self.deadline, self.deadline_provisional)}前完成整改，并将整改情况书面报告本局。"
                 "本局将进行回头看检查；逾期不整改或整改不到位的，依法予以处理，并记入信用记录。"),
        ]


@dataclass
class InterviewNotice(Kind):
    kind: ClassVar[str] = "interview"
    title: ClassVar[LazyString] = _l("Interview notice")
    number_prefix: ClassVar[str] = "淮知约谈"

    subject: SubjectInfo
    case_no: str
    matters: str
    at: dt.datetime  # local time of the interview
    place: str
    materials: list[str]

    def blocks(self) -> list[Block]:
        when = f"{chinese_date(self.at.date())}{self.at:%H:%M}"
        return [
            Text(f"因{self.matters}（案件编号 {self.case_no}），请你单位法定代表人或主要负责人于{when}"
                 f"到{self.place}接受约谈。"),
            Text("请携带以下材料："),
            *[Text(f"{i}. {m}") for i, m in enumerate(self.materials, 1)],
            Text("无正当理由拒不接受约谈的，本局将依法处理，并记入信用记录。"),
        ]


@dataclass
class ObjectionReply(Kind):
    kind: ClassVar[str] = "objection_reply"
    title: ClassVar[LazyString] = _l("Reply to an objection")
    number_prefix: ClassVar[str] = "淮知异复"

    subject: SubjectInfo
    received_on: dt.date
    concerning: str
    upheld: bool
    reasons: str

    def blocks(self) -> list[Block]:
        outcome = ("经审核，你单位异议成立，本局已对相关信息予以更正。" if self.upheld
                   else "经审核，你单位异议不成立，相关信息予以维持。")
        return [
            Text(f"本局于{chinese_date(self.received_on)}收到你单位关于{self.concerning}的异议申请。"),
            Text(outcome),
            Text(f"理由如下：{self.reasons}"),
            Text("如不服本答复，可依法申请行政复议或者提起行政诉讼。"),
        ]


@dataclass
class RepairReply(Kind):
    kind: ClassVar[str] = "repair_reply"
    title: ClassVar[LazyString] = _l("Reply to a credit repair application")
    number_prefix: ClassVar[str] = "淮知修复"

    subject: SubjectInfo
    received_on: dt.date
    record: str
    granted: bool
    reasons: str
    effective_on: dt.date | None = None

    def blocks(self) -> list[Block]:
        if self.granted:
            outcome = (f"经审核，你单位符合信用修复条件，本局决定予以修复。自{chinese_date(self.effective_on)}起，"
                       "该记录不再计入信用评价。")
        else:
            outcome = "经审核，你单位暂不符合信用修复条件，本局决定不予修复。"
        return [
            Text(f"本局于{chinese_date(self.received_on)}收到你单位关于{self.record}的信用修复申请及守信承诺书。"),
            Text(outcome),
            Text(f"理由如下：{self.reasons}"),
        ]


@dataclass
class ListStatus:
    entry_id: str
    status_label: str
    listed_on: dt.date
    planned_removal_on: dt.date
    removed_on: dt.date | None


@dataclass
class CreditReport(Kind):
    kind: ClassVar[str] = "credit_report"
    title: ClassVar[LazyString] = _l("IP credit report")
    number_prefix: ClassVar[str] = "淮知信报"

    subject: SubjectInfo
    as_of: dt.date
    score: int
    grade: str
    tier_label: str
    catalog_version: str
    records: list[CountedRecord]
    list_entries: list[ListStatus]

    def blocks(self) -> list[Block]:
        blocks: list[Block] = [
            Text(f"应你单位申请，本局依据知识产权信用评价规则（{self.catalog_version}版）出具本报告，"
                 f"反映截至{chinese_date(self.as_of)}你单位在本局的知识产权信用状况。"),
            Heading("一、主体信息"),
            self.subject.facts(),
            Heading("二、信用评价"),
            Facts([("评价日期", self.as_of.isoformat()), ("信用评分", str(self.score)),
                   ("信用等级", self.grade), ("监管层级", self.tier_label)]),
            Heading("三、计入评价的记录"),
            _records_table(self.records) if self.records else Text("评价期内无计入评价的记录。"),
            Heading("四、严重失信主体名单"),
        ]
        if self.list_entries:
            blocks.append(Table(
                ["名单编号", "状态", "列入日期", "计划移出日期", "移出日期"],
                [[e.entry_id, e.status_label, e.listed_on.isoformat(), e.planned_removal_on.isoformat(),
                  e.removed_on.isoformat() if e.removed_on else "—"] for e in self.list_entries],
            ))
        else:
            blocks.append(Text("未被列入严重失信主体名单。"))
        blocks.append(Text("本报告仅反映本局掌握的信息，自出具之日起三十日内有效。"))
        return blocks


@dataclass
class ReportSection:
    """A section another package adds to the monthly report: its heading (without number) and
    blocks, and its place among the added sections (lowest first)."""

    heading: str
    blocks: list[Block]
    order: int = 0


@dataclass
class MonthlyReport(Kind):
    kind: ClassVar[str] = "monthly_report"
    title: ClassVar[LazyString] = _l("Monthly IP credit supervision report")
    number_prefix: ClassVar[str] = "淮知监报"

    month: dt.date  # first day of the month reported on
    key_figures: list[tuple[str, str]]
    grades: list[str]  # in catalog order, best first
    grade_distribution: dict[str, int]  # at the month's end
    months: list[str]  # the twelve months ending with this one, e.g. "2026-11"
    grade_trend: dict[str, list[int]]  # grade -> subjects with it at each month's end
    list_added: list[int]
    list_removed: list[int]
    # What other packages add (credit.signals.monthly_report_sections), e.g. the Blue Sky case
    # pipeline or the plan's indicators once those exist.
    sections: list[ReportSection] = field(default_factory=list)

    @property
    def recipient(self) -> str | None:
        return "局领导、各科室"

    @property
    def copy_to(self) -> list[str]:
        return ["各县区市场监督管理局"]

    def blocks(self) -> list[Block]:
        period = f"{self.month.year}年{self.month.month}月"
        blocks: list[Block] = [
            Text(f"现将{period}全市知识产权信用监管情况报告如下。"),
            Heading("一、主要数据"),
            Facts(self.key_figures),
            Heading("二、信用等级分布"),
            BarChart(f"{period}末信用等级分布（主体数）", self.grades,
                     {"主体数": [self.grade_distribution.get(g, 0) for g in self.grades]}),
            Heading("三、严重失信主体名单变动"),
            BarChart("近十二个月列入与移出（户）", self.months, {"列入": self.list_added, "移出": self.list_removed}),
            Heading("四、近十二个月信用等级趋势"),
            LineChart("各信用等级主体数（月末）", self.months, self.grade_trend),
        ]
        for number, section in zip("五六七八九十", sorted(self.sections, key=lambda s: (s.order, s.heading))):
            blocks += [Heading(f"{number}、{section.heading}"), *section.blocks]
        return blocks


KINDS: dict[str, type[Kind]] = {
    k.kind: k for k in (GradeChange, ListingPriorNotice, ListingDecision, RemovalDecision, RemovalRefusal,
                        RectificationOrder,
                        InterviewNotice, ObjectionReply, RepairReply, CreditReport, MonthlyReport)
}


# --- Blue Sky cases (credit/cases): the penalty prior notice and the penalty decision ---------


@dataclass
class PenaltyPriorNotice(Kind):
    """行政处罚告知书: the proposed penalties, and whatever the list procedure adds (a proposed
    listing with its facts, basis and the right to be heard, DESIGN 6)."""

    kind: ClassVar[str] = "penalty_prior"
    title: ClassVar[LazyString] = _l("Administrative penalty prior notice")
    number_prefix: ClassVar[str] = "淮知罚告"

    subject: SubjectInfo
    case_no: str
    findings: str
    legal_basis: str
    penalties: list[str]
    statement_deadline: dt.date
    deadline_provisional: bool = False
    also: list[str] = field(default_factory=list)  # paragraphs of the case_prior_notice receivers

    def blocks(self) -> list[Block]:
        return [
            Text(f"本局在“蓝天”专项整治行动中对你单位立案调查（案件编号 {self.case_no}）。经查，{self.findings}"),
            self.subject.facts(),
            Text(f"依据{self.legal_basis}，本局拟对你单位作出如下行政处罚："),
            *[Text(f"{i}. {p}") for i, p in enumerate(self.penalties, 1)],
            *[Text(p) for p in self.also],
            Text("根据《中华人民共和国行政处罚法》第四十四条、第四十五条、第六十三条的规定，你单位有陈述、申辩的权利，"
                 f"符合条件的可以要求听证。请于{_deadline(self.statement_deadline, self.deadline_provisional)}前向本局提出；"
                 "逾期未提出的，视为放弃上述权利。"),
            Text("特此告知。"),
        ]


@dataclass
class PenaltyDecision(Kind):
    kind: ClassVar[str] = "penalty_decision"
    title: ClassVar[LazyString] = _l("Administrative penalty decision")
    number_prefix: ClassVar[str] = "淮知罚决"

    subject: SubjectInfo
    case_no: str
    findings: str
    legal_basis: str
    penalties: list[str]
    statement: str  # what the party stated, or that it waived the right

    def blocks(self) -> list[Block]:
        return [
            Text(f"本局在“蓝天”专项整治行动中对你单位立案调查（案件编号 {self.case_no}）。经查，{self.findings}"),
            self.subject.facts(),
            Text(f"本局已依法告知你单位拟作出的行政处罚及依法享有的权利。{self.statement}"),
            Text(f"依据{self.legal_basis}，本局决定对你单位作出如下行政处罚："),
            *[Text(f"{i}. {p}") for i, p in enumerate(self.penalties, 1)],
            Text("罚款、没收的违法所得应自收到本决定书之日起十五日内缴至指定银行；逾期不缴纳的，每日按罚款数额的百分之三加处罚款。"),
            Text("如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，"
                 "或者在六个月内依法向人民法院提起行政诉讼。"),
        ]


KINDS.update({k.kind: k for k in (PenaltyPriorNotice, PenaltyDecision)})
