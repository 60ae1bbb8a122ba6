"""The words of every refusal, by code, for the doors to render in the user's language.

Services raise `mubiao.domain.refusals.Refused` (or a subclass) carrying codes, fields and
parameters; a door calls `refusal_text` for each and shows it under `refusal.field`. The texts
are gettext messages, so `make messages` collects them and English users read English.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mubiao.domain.refusals import Refusal, Refused

#: code → the sentence, with %(name)s placeholders for the refusal's params.
TEXTS: dict[str, Promise] = {
    # numbers, whoever typed them
    "number_not_a_number": _("“%(text)s”不是数值"),
    "number_percent": _("“%(text)s”是百分数，这里需要一个数值"),
    "number_scaled": _("“%(text)s”带有数量单位，这里需要一个纯数值"),
    "number_exponent": _("“%(text)s”是科学记数法，请写出完整的数值"),
    "number_misplaced_separator": _("“%(text)s”的千位分隔符位置不对（应每三位一个，如 1,234,567）"),
    "number_spreadsheet_error": _("单元格是 Excel 错误值“%(text)s”，请先在 Excel 中修正"),
    "number_formula": _("公式“%(text)s”没有保存计算结果，请在 Excel 中打开并保存后再导入"),
    "value_not_finite": _("“%(indicator)s”的实际值须为数值"),
    "value_not_whole": _("“%(indicator)s”以“%(unit)s”计数，须为整数（填写的是%(value)s）"),
    "value_negative_count": _("“%(indicator)s”以“%(unit)s”计数，实际值不能为负数（填写的是%(value)s）"),
    "value_too_many_places": _("数值%(value)s的小数位数超过%(places)s位，保存时会被舍入"),
    "value_too_many_digits": _("数值%(value)s的整数部分超过%(digits)s位"),
    "value_required": _("尚未填写实际值，不能提交（%(what)s）"),
    # periods
    "period_unreadable": _("“%(text)s”不是有效的期间（如 2019、2019-Q3、2019-07）"),
    "period_outside_plan": _("期间%(period)s不在规划期%(start)s—%(end)s年内"),
    "period_wrong_frequency": _("“%(indicator)s”按%(frequency)s填报，不能填报期间%(period)s"),
    "period_year_and_q4": _(
        "%(period)s与已有的%(other)s是同一时段（全年与第四季度）：同一年只能填报其中之一，请修改已有的%(other)s"
    ),
    "ytd_below_previous": _(
        "“%(indicator)s”是年初至今累计的新增量，%(period)s的累计值%(value)s低于%(previous_period)s的%(previous)s；"
        "如确属更正，请确认后再保存"
    ),
    "note_too_long": _("填报说明有%(length)s个字，超过%(limit)s个字的上限；较长的说明请作为证明材料上传"),
    "too_wide_for_word": _("Word 表格最多 63 列，本规划有%(units)s个单位（最多%(most)s个）：请导出 Excel"),
    "ytd_above_next": _(
        "“%(indicator)s”是年初至今累计的新增量，%(period)s的累计值%(value)s高于其后%(next_period)s的%(next)s；"
        "如确属更正，请确认后再保存"
    ),
    # assessment (考核)
    "assessment_points_out_of_range": _("指标%(indicator)s的分值须在0到1000之间、最多两位小数（填写的是%(value)s）"),
    "assessment_points_missing": _("须为每个指标填写分值（缺少：%(indicators)s）"),
    "assessment_number_required": _("须填写数值"),
    "assessment_no_points": _("各指标分值合计须大于0"),
    "assessment_cap_out_of_range": _("超额封顶须在1到%(most)s倍之间、最多两位小数（填写的是%(value)s）"),
    "assessment_bonus_cap_out_of_range": _("加分上限须在0到100分之间、最多两位小数（填写的是%(value)s）"),
    "assessment_no_tiers": _("至少需要一个等次"),
    "assessment_tier_labels": _("等次名称不能为空、不能重复，最多%(limit)s个字"),
    "assessment_tier_bound_out_of_range": _("分数线或名次须在0到%(most)s之间、最多两位小数"),
    "assessment_rules_gone": _("考核办法已被删除，请刷新后重试"),
    "assessment_version_required": _(
        "考核办法已经设置（当前版本%(current)s）：修改时须带上您看到的版本（version），以免覆盖他人的修改"
    ),
    "field_invalid": _("%(why)s"),
    "assessment_tiers_not_descending": _("按得分定等次时，分数线须从高到低排列且不为负数"),
    "assessment_tiers_not_ascending": _("按名次定等次时，除最后一档外，各档名次须为正整数且从小到大排列"),
    "assessment_unknown_indicator": _("规划中没有序号为%(indicator)s的指标"),
    "assessment_grade_basis": _("等次依据“%(value)s”无效（应为按得分或按名次）"),
    "assessment_unit_not_in_plan": _("该单位不是规划“%(plan)s”的考核单位"),
    "assessment_month": _("起算月份须在1—12之间（填写的是%(value)s）"),
    "assessment_item_kind": _("类别“%(value)s”无效（应为加分、扣分或一票否决）"),
    "assessment_item_points": _("加分或扣分的分值须大于0且不超过100、最多两位小数（填写的是%(value)s）"),
    "assessment_text_too_long": _("内容超过%(limit)s个字"),
    "assessment_basis_required": _("须写明依据（文件、通报或批复的名称和文号）"),
    "assessment_item_withdrawn": _("该事项已于%(when)s撤销"),
    # bulletins (通报)
    "bulletin_text_too_long": _("内容超过%(limit)s个字"),
    "bulletin_text_required": _("此项不能为空"),
    "bulletin_date_invalid": _("“%(text)s”不是日期（应为 2019-01-15）"),
    "bulletin_body_empty": _("正文不能为空"),
    "bulletin_date_out_of_range": _("成文日期%(date)s不在%(first)s年到%(last)s年之间"),
    "bulletin_facts_changed": _(
        "起草后又有数据审核通过、更正或解锁，正文与附件可能不一致：请重新起草（已修改的文字请先另存）"
    ),
    # decomposition (目标分解)
    "decompose_total_off_step": _("%(year)s年%(level)s合计%(total)s不是%(step)s的整数倍：计数指标的合计须为整数"),
    "decompose_floors_exceed_total": _(
        "%(year)s年%(level)s：%(units)s个单位的下限与锁定值合计%(least)s，超过合计%(total)s——"
        "须将合计提高%(raise)s，或降低下限、解除锁定"
    ),
    "decompose_bounds_below_total": _(
        "%(year)s年%(level)s：各单位上限与锁定值合计只有%(most)s，达不到合计%(total)s——须将合计降低%(lower)s，或放宽上限"
    ),
    "decompose_stretch_below_committed": _(
        "%(year)s年力争合计%(stretch)s低于确保合计%(committed)s：须将力争合计提高%(raise)s"
    ),
    "decompose_locks_stretch_below": _("%(unit)s%(year)s年锁定的力争值低于锁定的确保值"),
    "decompose_milestone_unreached": _(
        "到%(year)s年的%(level)s目标%(milestone)s，需要%(first)s—%(year)s年的合计至少达到%(milestone)s，"
        "现为%(reached)s——须将合计提高%(raise)s，或降低该目标"
    ),
    "decompose_no_table": _("没有满足全部规则的整数分解表：请放宽下限、上限或锁定值"),
    "decompose_check_total": _("求解结果未通过复核：%(year)s年%(level)s各单位之和不等于合计"),
    "decompose_check_cell": _("求解结果未通过复核：%(unit)s%(year)s年%(level)s不满足规则"),
    # who and what
    "unit_not_in_plan": _("%(unit)s不是规划“%(plan)s”的填报单位"),
    "status_forbids_approved": _("已通过的数据不能%(action)s（%(what)s）；如需更正，请管理员解锁"),
    "status_forbids_submitted": _("已提交的数据不能%(action)s（%(what)s），请等待审核"),
    "status_forbids_returned": _("已退回的数据不能%(action)s（%(what)s），请先修改后重新提交"),
    "status_forbids_draft": _("草稿不能%(action)s（%(what)s），请先提交"),
    "reason_required": _("%(action)s须说明原因"),
    "stale_version": _("%(what)s已于%(when)s被修改（当前版本%(current)s，您看到的是版本%(seen)s），请刷新后重试"),
    "evidence_refused": _("%(why)s"),
    "evidence_unreadable": _("证明材料“%(name)s”无法读取"),
    # the web and API doors of reporting (issue 9)
    "version_required": _("请求缺少版本号，请刷新页面后再试"),
}

#: Words that refusals quote as parameters and that must be translated too.
WORDS: dict[str, Promise] = {
    "draft": _("草稿"),
    "submitted": _("已提交"),
    "returned": _("已退回"),
    "approved": _("已通过"),
    "enter": _("修改"),
    "submit": _("提交"),
    "approve": _("审核通过"),
    "return": _("退回"),
    "unlock": _("解锁"),
    "attach": _("添加证明材料"),
    # In a sentence ("is reported by the quarter"), not the column headings that share these words.
    "year": pgettext_lazy("reporting frequency", "年"),
    "quarter": pgettext_lazy("reporting frequency", "季度"),
    "month": pgettext_lazy("reporting frequency", "月"),
}

#: Params whose value is one of WORDS' keys.
TRANSLATED_PARAMS = frozenset({"status", "action", "frequency"})


def _param(name: str, value: Any) -> Any:
    if name in TRANSLATED_PARAMS and isinstance(value, str) and value in WORDS:
        return str(WORDS[value])
    return value


def refusal_text(refusal: Refusal) -> str:
    """The refusal's sentence in the active language; an unknown code still says something useful."""
    template = TEXTS.get(refusal.code)
    params = {name: _param(name, value) for name, value in refusal.params.items()}
    if template is None:
        return f"{refusal.code}: {params}" if params else refusal.code
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):  # a missing parameter must not turn a refusal into a 500
        return f"{template} {params}"


def refusals_by_field(refusals: tuple[Refusal, ...] | list[Refusal], default: str = "") -> dict[str, list[str]]:
    """The rendered sentences grouped under their fields (refusals about no field under `default`)."""
    grouped: dict[str, list[str]] = {}
    for refusal in refusals:
        grouped.setdefault(refusal.field or default, []).append(refusal_text(refusal))
    return grouped


Refused.render = refusal_text
