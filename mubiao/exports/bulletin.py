"""The 通报 of a plan for a period: its facts, read from approved figures only, and its text in an office's words.

`bulletin_facts` reads everything a bulletin states — the progress sheet (附件1), the assessment (附件2),
the figures still missing — through the selectors without a viewer, so nothing not yet approved ever
appears. `draft_text` writes the body from those facts, every number as the sheet prints it (one decimal
for rates and points), so each can be traced to a cell of 附件1 or 附件2. The user edits that text in the
browser; `bulletin_document` puts the edited text and the attachments into the document both renderers
lay out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from mubiao.assessment.selectors import PlanAssessment, plan_assessment
from mubiao.domain.assessment import UnitScore, grade_counts
from mubiao.domain.numbers import format_decimal
from mubiao.domain.periods import Period
from mubiao.domain.progress import Status
from mubiao.exports.bulletin_document import Attachment, BulletinDocument, Section, Table
from mubiao.exports.progress import ProgressSheet, SheetRow, SheetSection, progress_sheet
from mubiao.plans.models import Plan
from mubiao.reporting.due import overdue_until
from mubiao.reporting.selectors import plan_progress

HUNDRED = Decimal(100)
PARTIAL = Status.PARTIAL.label  # a city's 汇总 still waiting for some of its units
TENTH = Decimal("0.1")
HEADINGS = ("一、总体情况", "二、各县区完成情况", "三、排名情况", "四、存在问题", "五、下步工作")
NEXT_STEPS = (
    "请各县（区）、各有关单位对照年度目标任务和序时进度，认真分析进度滞后的原因，制定有针对性的措施，"
    "确保完成年度目标任务。",
    "未按时报送数据的单位要及时补报，并对数据的真实性、准确性负责。",
)
#: At most this many lagging figures are named in 四、存在问题; the rest are counted.
MOST_NAMED = 10


def pct(rate: Decimal) -> str:
    """142.6% — a ratio as the sheet shows it, one decimal, halves up."""
    return f"{(rate * HUNDRED).quantize(TENTH, rounding=ROUND_HALF_UP)}%"


def points(value: Decimal) -> str:
    """3.8 — percentage points (or a score) to one decimal, without a sign."""
    return str(abs(value).quantize(TENTH, rounding=ROUND_HALF_UP))


_DIGITS = "零一二三四五六七八九"


def chinese_number(number: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99), as headings number their parts."""
    tens, ones = divmod(number, 10)
    if number < 10:
        return _DIGITS[number]
    if number >= 100:
        return str(number)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


def share(part: int, whole: int) -> str:
    return pct(Decimal(part) / whole) if whole else "—"


@dataclass(frozen=True)
class BulletinFacts:
    plan: Plan
    sheet: ProgressSheet
    assessment: PlanAssessment
    comparison: str  # what the rank changes compare with: 第2期通报, 2018年1—5月 …
    overdue: dict[str, int]  # unit → figures of the year up to the period, overdue on the day the bulletin is made
    made_on: dt.date

    @property
    def period(self) -> Period:
        return self.sheet.period

    @property
    def ranks(self) -> dict[str, int | None]:
        return {score.unit: score.rank for score in self.assessment.scores}

    @property
    def digest(self) -> str:
        """A fingerprint of every figure the bulletin states: a draft written from other figures than the
        ones at issue would contradict its own attachments, so issuing compares the two."""
        stated = (
            [(section.number, section.rows) for section in self.sheet.sections],
            [(s.unit, s.score, s.rank, s.grade, s.previous_rank, s.items) for s in self.assessment.scores],
            sorted(self.overdue.items()),
            self.comparison,
        )
        return hashlib.sha256(repr(stated).encode()).hexdigest()


@dataclass(frozen=True)
class BulletinText:
    """What the user reviews and edits before issuing; the attachments are not text and follow the data."""

    issuer: str
    issue_label: str
    title: str
    recipients: str
    sections: tuple[Section, ...]
    signature: str
    signed_on: dt.date
    copies_to: str = ""
    notice: str = "仅含已审核数据"


def bulletin_facts(
    plan: Plan,
    *,
    year: int,
    period: Period | str | None = None,
    previous_ranks: dict[str, int | None] | None = None,
    comparison: str = "",
    today: dt.date | None = None,
) -> BulletinFacts:
    """Everything a bulletin states, approved figures only. `previous_ranks` (of the previous bulletin, named
    by `comparison`) replaces the period before as what the rank changes compare with."""
    made_on = today or timezone.localdate()
    progress = plan_progress(plan, year=year, period=period)  # approved figures: no viewer
    sheet = progress_sheet(plan, year=year, today=made_on, progress=progress)
    assessment = plan_assessment(plan, year=year, progress=progress, previous_ranks=previous_ranks)
    if previous_ranks is None:
        comparison = assessment.previous.year_to_date_label if assessment.previous else ""
    # A unit without a target on an indicator is not named for not reporting it.
    targeted = {(section.number, row.unit) for section in sheet.sections for row in section.rows if row.has_target}
    overdue = overdue_until(plan=plan, period=sheet.period, today=made_on, targeted=targeted)
    return BulletinFacts(plan, sheet, assessment, comparison, overdue, made_on)


def default_issuer(plan: Plan) -> str:
    """The plan's issuing office; else the lead department all its indicators share; else the area's government."""
    if plan.issuer.strip():
        return plan.issuer.strip()
    departments = {name for name in plan.indicators.values_list("lead_departments__name", flat=True).distinct() if name}
    if len(departments) == 1:
        (department,) = departments
        return plan.area.name + department.removeprefix("市").removeprefix("县").removeprefix("区")
    return f"{plan.area.name}人民政府"


def draft_text(facts: BulletinFacts, *, number: int) -> BulletinText:
    """The body as an office writes it, from the facts; the user edits it before issuing."""
    sheet = facts.sheet
    issuer = default_issuer(facts.plan)
    return BulletinText(
        issuer=issuer,
        issue_label=f"第{number}期",
        title=f"关于{sheet.period_label}{facts.plan.title}目标任务完成情况的通报",
        recipients="各县（区）人民政府，市直各有关单位：",
        sections=(
            Section(HEADINGS[0], tuple(_overall(facts))),
            Section(
                HEADINGS[1],
                tuple(
                    f"（{chinese_number(index)}）{_by_indicator(section, sheet)}"
                    for index, section in enumerate(sheet.sections, start=1)
                ),
            ),
            Section(HEADINGS[2], tuple(_ranking(facts))),
            Section(HEADINGS[3], tuple(_problems(facts))),
            Section(HEADINGS[4], NEXT_STEPS),
        ),
        signature=issuer,
        signed_on=facts.made_on,
    )


def _city(section: SheetSection) -> SheetRow:
    return next(row for row in section.rows if row.is_city)


def _measured(row: SheetRow) -> bool:
    """A city figure the calendar can judge: reported, against a target, and not a sum still waiting for units
    (尚未报齐: a partial sum is bound to look behind)."""
    return row.gap_points is not None and row.status != PARTIAL


def _reached(rate: Decimal | None, expected: Decimal | None) -> bool:
    return rate is not None and expected is not None and rate >= expected


def _overall(facts: BulletinFacts) -> list[str]:
    sheet = facts.sheet
    cities = [_city(section) for section in sheet.sections]
    committed = [row for row in cities if row.committed]
    stretched = [row for row in cities if row.stretch]
    # The shares are of the indicators the calendar can judge; the others are named, not counted as behind.
    measured = [row for row in committed if _measured(row)]
    measured_stretch = [row for row in stretched if _measured(row) and row.rate_stretch is not None]
    on_committed = sum(1 for row in measured if _reached(row.rate_committed, row.expected_rate))
    on_stretch = sum(1 for row in measured_stretch if _reached(row.rate_stretch, row.expected_rate))
    missing = len(committed) - len(measured)
    time_share = pct(Decimal(sheet.period.end_month) / 12)
    text = (
        f"{facts.plan.title}共{len(cities)}项指标，其中{len(committed)}项设有全市年度确保目标、"
        f"{len(stretched)}项设有力争目标。截至{sheet.period_label}（时间进度{time_share}），"
    )
    if not measured:
        text += "全市尚无可与序时进度比较的数据（尚无审核通过的数据，或尚未报齐）。"
    else:
        text += (
            f"全市层面{on_committed}项指标达到确保目标的序时进度，占可比较指标的{share(on_committed, len(measured))}；"
            f"{on_stretch}项达到力争目标的序时进度，占{share(on_stretch, len(measured_stretch))}。"
        )
        if missing:
            text += f"另有{missing}项尚无审核通过的数据或尚未报齐，未计入。"
    return [text, "各指标、各县（区）的完成情况见附件1，综合考核得分及排名见附件2。"]


def _figure(row: SheetRow, unit_of_measure: str) -> str:
    return f"{format_decimal(row.actual)}{unit_of_measure}" if row.actual is not None else "—"


def _against_schedule(row: SheetRow) -> str:
    """完成年度确保目标的12.9%，低于序时进度16.7% 3.8个百分点."""
    assert row.rate_committed is not None and row.expected_rate is not None and row.gap_points is not None
    text = f"完成年度确保目标的{pct(row.rate_committed)}，"
    if row.gap_points == 0:
        return text + f"与序时进度{pct(row.expected_rate)}持平"
    side = "高于" if row.gap_points > 0 else "低于"
    return text + f"{side}序时进度{pct(row.expected_rate)} {points(row.gap_points)}个百分点"


def _named(rows: Sequence[SheetRow], describe: bool = True) -> str:
    if not describe:
        return "、".join(row.unit for row in rows)
    return "、".join(f"{row.unit}（{pct(row.rate_committed)}）" for row in rows if row.rate_committed is not None)


def _by_indicator(section: SheetSection, sheet: ProgressSheet) -> str:
    city = _city(section)
    uom = section.unit_of_measure
    text = f"{section.name}："
    if not city.committed:
        text += "全市未设年度确保目标"
        text += f"，{sheet.cumulative_label}完成{_figure(city, uom)}。" if city.actual is not None else "。"
    elif city.actual is None:
        text += "全市尚无审核通过的数据。"
    elif city.status == PARTIAL:
        text += f"全市尚未报齐，已报县（区）合计{sheet.cumulative_label}完成{_figure(city, uom)}，暂不与序时进度比较。"
    else:
        text += f"全市{sheet.cumulative_label}完成{_figure(city, uom)}，{_against_schedule(city)}"
        if city.rate_stretch is not None:
            text += f"，完成力争目标的{pct(city.rate_stretch)}"
        text += "。"
    units = [row for row in section.rows if not row.is_city]
    ranked = sorted((row for row in units if row.rank is not None), key=lambda row: row.rank or 0)
    ahead = [row for row in ranked if _reached(row.rate_committed, row.expected_rate)]
    behind = [row for row in ranked if not _reached(row.rate_committed, row.expected_rate)]
    if ranked:
        text += f"{len(ahead)}个县（区）达到序时进度"
        if ahead:
            text += f"，完成较好的是{_named(ahead[:3])}"
        text += "；"
        text += f"低于序时进度的有{_named(behind)}。" if behind else "没有低于序时进度的县（区）。"
    silent = [row for row in units if row.has_target and row.actual is None]
    if silent:
        text += f"{_named(silent, describe=False)}尚无审核通过的数据。"
    untargeted = [row for row in units if not row.committed]
    if untargeted:
        text += f"{_named(untargeted, describe=False)}无年度确保目标。"
    return text


def _change(score: UnitScore, comparison: str) -> str:
    change = score.rank_change
    if change is None:
        return "首次参与排名" if comparison else ""
    if change == 0:
        return "名次不变"
    return f"{'上升' if change > 0 else '下降'}{abs(change)}位"


def _scored(score: UnitScore, comparison: str) -> str:
    assert score.score is not None
    parts = [f"{points(score.score)}分", score.grade, _change(score, comparison)]
    return f"{score.unit}（{'，'.join(part for part in parts if part)}）"


def _ranking(facts: BulletinFacts) -> list[str]:
    assessment = facts.assessment
    ranked = assessment.ranked
    if not ranked:
        return ["本期尚无审核通过的数据，暂不排名。"]
    top, bottom = ranked[:3], ranked[-3:] if len(ranked) > 3 else []
    text = f"按照考核办法（{assessment.rules.summary()}），{facts.sheet.period_label}综合排名前三位的是："
    text += "、".join(_scored(score, facts.comparison) for score in top) + "。"
    if bottom:
        text += "排名后三位的是：" + "、".join(_scored(score, facts.comparison) for score in bottom) + "。"
    counts = "、".join(f"{label}{count}个" for label, count in grade_counts(ranked, assessment.rules) if count)
    paragraphs = [text, f"各等次：{counts}。" + (f"名次变化与{facts.comparison}相比。" if facts.comparison else "")]
    vetoed = [score for score in ranked if score.vetoed]
    if vetoed:
        paragraphs.append(
            "；".join(f"{score.unit}因{'、'.join(score.vetoes)}被一票否决，排在最后" for score in vetoed) + "。"
        )
    return paragraphs


def _problems(facts: BulletinFacts) -> list[str]:
    sheet = facts.sheet
    lagging_indicators = [
        (section, _city(section))
        for section in sheet.sections
        if _measured(_city(section)) and (_city(section).gap_points or 0) < 0
    ]
    paragraphs: list[str] = []
    reported = [section for section in sheet.sections if _measured(_city(section))]
    if lagging_indicators:
        paragraphs.append(
            "（一）部分指标进度滞后。"
            + "、".join(
                f"{section.name}（低于序时进度{points(row.gap_points or Decimal(0))}个百分点）"
                for section, row in lagging_indicators[:MOST_NAMED]
            )
            + (f"等{len(lagging_indicators)}项" if len(lagging_indicators) > MOST_NAMED else "")
            + "全市进度低于序时进度。"
        )
    elif not reported:
        paragraphs.append("（一）本期尚无可与序时进度比较的全市数据。")
    elif len(reported) < len(sheet.sections):
        paragraphs.append(
            f"（一）有数据的{len(reported)}项指标全市均达到序时进度；"
            f"另有{len(sheet.sections) - len(reported)}项尚无可比较的数据。"
        )
    else:
        paragraphs.append("（一）全市各项指标均达到序时进度。")
    red = [
        (section, row) for section in sheet.sections for row in section.rows if not row.is_city and row.flag == "red"
    ]
    red.sort(key=lambda pair: pair[1].gap_points or Decimal(0))
    if red:
        named = "；".join(
            f"{row.unit}的{section.name}（低于序时进度{points(row.gap_points or Decimal(0))}个百分点）"
            for section, row in red[:MOST_NAMED]
        )
        more = f"，共{len(red)}项" if len(red) > MOST_NAMED else ""
        paragraphs.append(
            f"（二）部分县（区）进度严重滞后（落后序时进度超过{sheet.alarm_points}个百分点）：{named}{more}。"
        )
    elif any(row.gap_points is not None for section in sheet.sections for row in section.rows if not row.is_city):
        paragraphs.append(f"（二）没有县（区）落后序时进度超过{sheet.alarm_points}个百分点。")
    else:
        paragraphs.append("（二）本期尚无可与序时进度比较的县（区）数据。")
    missing: dict[str, int] = {}
    for section in sheet.sections:
        for row in section.rows:
            if not row.is_city and row.has_target and row.actual is None:
                missing[row.unit] = missing.get(row.unit, 0) + 1
    late = {unit: count for unit, count in facts.overdue.items() if count}
    parts = []
    if missing:
        parts.append(
            "截至本期尚无审核通过数据的有：" + "、".join(f"{unit}（{count}项）" for unit, count in missing.items())
        )
    if late:
        day = f"{facts.made_on.year}年{facts.made_on.month}月{facts.made_on.day}日"
        parts.append(
            f"截至{day}，本年度至本期逾期未报的有：" + "、".join(f"{unit}（{count}项）" for unit, count in late.items())
        )
    paragraphs.append("（三）数据报送。" + ("；".join(parts) + "。" if parts else "各县（区）均已按时报送。"))
    return paragraphs


# -- the attachments ------------------------------------------------------------------------------


def _opt(value: Decimal | None, render: Callable[[Decimal], str]) -> str:
    return "-" if value is None else render(value)


def _signed_points(value: Decimal) -> str:
    rounded = value.quantize(TENTH, rounding=ROUND_HALF_UP)
    return f"+{rounded}" if rounded > 0 else str(rounded)


def _signed_pct(value: Decimal) -> str:
    text = pct(value)
    return f"+{text}" if value > 0 else text


def _sheet_table(section: SheetSection, sheet: ProgressSheet) -> Table:
    rows = []
    for index, row in enumerate(section.rows):
        no_target = not row.has_target
        rows.append(
            (
                "" if row.is_city else str(index),
                row.unit,
                "-" if row.committed is None else format_decimal(row.committed),
                "-" if row.stretch is None else format_decimal(row.stretch),
                "-" if row.actual is None else format_decimal(row.actual),
                "-" if no_target else _opt(row.rate_committed, pct),
                "-" if no_target else _opt(row.rate_stretch, pct),
                "-" if no_target else _opt(row.expected_rate, pct),
                "-" if no_target else _opt(row.gap_points, _signed_points),
                _opt(row.year_on_year, _signed_pct),
                "" if row.rank is None else str(row.rank),
                row.status,
            )
        )
    return Table(section.title, sheet.headers, tuple(rows), frozenset({0}), frozenset(range(2, 11)))


def _assessment_table(facts: BulletinFacts) -> Table:
    header = ("名次", "名次变化", "县区", "指标得分", "加分", "扣分", "得分", "等次", "说明")
    rows = []
    for score in facts.assessment.scores:
        # A veto's reasons may be long: the table says which units, the note under it says why.
        note = "一票否决（见说明）" if score.vetoed else ("" if score.score is not None else score.explanation())
        rows.append(
            (
                "" if score.rank is None else str(score.rank),
                score.rank_change_text,
                score.unit,
                "-" if score.base is None or score.score is None else points(score.base),
                points(score.bonus) if score.bonus else "",
                points(score.deduction) if score.deduction else "",
                "-" if score.score is None else points(score.score),
                score.grade,
                note,
            )
        )
    return Table("综合考核得分", header, tuple(rows), frozenset(), frozenset({0, 3, 4, 5, 6}))


#: What a draft says under its title, so a draft handed round is never taken for the issued bulletin.
DRAFT_NOTICE = "草稿（未签发）· 仅含已审核数据"


def bulletin_document(
    facts: BulletinFacts, text: BulletinText, *, version: int = 1, draft: bool = False
) -> BulletinDocument:
    sheet = facts.sheet
    rules = facts.assessment.rules
    return BulletinDocument(
        issuer=text.issuer,
        issue_label=text.issue_label,
        title=text.title,
        recipients=text.recipients,
        sections=text.sections,
        attachments=(
            Attachment(
                "附件1",
                f"{sheet.period_label}目标任务完成情况表",
                tuple(_sheet_table(section, sheet) for section in sheet.sections),
                note=(
                    f"说明：只含审核通过的数据。完成确保% = {sheet.cumulative_label} ÷ 确保目标；序时进度%为本期应完成"
                    f"确保目标的比例；与序时差 = 完成确保% − 序时进度%；“-”表示无目标或无数据。"
                ),
            ),
            Attachment(
                "附件2",
                f"{sheet.period_label}综合考核得分及排名表",
                (_assessment_table(facts),),
                note=(
                    f"说明：{rules.summary()}。"
                    f"指标得分 = Σ分值 × min(完成序时进度的比例, {format_decimal(rules.cap)})，"
                    "无确保目标的指标不计分，按有目标指标折算满分。"
                    + (f"名次变化与{facts.comparison}相比。" if facts.comparison else "")
                    + "".join(
                        f"{score.unit}一票否决：{'；'.join(score.vetoes)}。"
                        for score in facts.assessment.scores
                        if score.vetoed
                    )
                ),
            ),
        ),
        signature=text.signature,
        signed_on=text.signed_on,
        version=version,
        notice=DRAFT_NOTICE if draft else text.notice,
        copies_to=text.copies_to,
    )
