"""Every rule the numeric checker applies, by id: what it checks, in the words a finding or the coverage
report uses. A finding carries its rule's id; a figure a rule found consistent is recorded with it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str  # the finding kind (findings.KINDS) its findings have
    label: str  # what the rule checks, in Chinese


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("parts.sum", "part_sum", "分项之和与总数"),
        Rule("parts.subset", "subset", "部分不大于整体"),
        Rule("parts.added", "part_sum", "“加上……合计”的加总"),
        Rule("parts.difference", "part_sum", "“A减去B后”的差额"),
        Rule("share.ratio", "ratio", "占比＝部分÷基数"),
        Rule("share.same_base", "ratio", "同一基数的各项占比"),
        Rule("share.sum", "share_sum", "完整分项的占比合计"),
        Rule("rate.ratio", "rate", "比率＝分子÷分母"),
        Rule("rate.named_base", "rate", "完成某一预算的比例＝完成数÷该预算"),
        Rule("growth.amount", "growth", "增减额＝本年－上年"),
        Rule("growth.rate", "growth", "增减率＝增减额÷上年"),
        Rule("growth.zero_base", "growth", "上年为零时不能计算增减率"),
        Rule("growth.over_hundred", "growth", "降幅不超过 100%"),
        Rule("list.count", "count", "数量与所列项数"),
        Rule("target.claim", "target", "目标完成的说法与数字"),
        Rule("data.value", "data_mismatch", "与数据表的数值"),
        Rule("data.missing", "unverified", "数据表中有无对应项"),
        Rule("score.weight", "subset", "得分不超过权重（分值）"),
        Rule("score.total", "part_sum", "自评表小计、合计得分"),
        Rule("score.met", "target", "完成指标值的记全部分值"),
        Rule("table.total", "part_sum", "表格合计行（列）与各行（列）之和"),
        Rule("table.within", "subset", "表格“其中”行不大于上级行"),
        Rule("table.share", "ratio", "表格中的占比"),
        Rule("table.growth", "growth", "表格中的增减额与增长率"),
        Rule("table.rate", "rate", "表格中的执行率"),
        Rule("score.rate", "rate", "预算执行率得分＝分值×执行率"),
        Rule("table.text", "data_mismatch", "说明中的数字与表格单元格"),
    )
}


def rule_label(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return rule.label if rule else rule_id
