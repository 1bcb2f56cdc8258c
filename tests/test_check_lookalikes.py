"""For the rules whose tests in test_check.py show only the defect: the look-alike that is none, which
the rule must leave alone."""
from __future__ import annotations

import pytest

from test_check import INDUSTRY, INDUSTRY_ITEMS, codes, lint, variant


def test_pp002_the_same_item_number_under_two_parents(tmp_path):
    # 1. under （一） and 1. under （二）: a list per task, not a repeat.
    text = variant((INDUSTRY, INDUSTRY_ITEMS), ("（二）优化能源结构。", "（二）优化能源结构\n\n1.优化能源结构。"))
    assert "PP002" not in codes(lint(tmp_path, text))


def test_pp003_numbering_that_restarts_in_a_new_section(tmp_path):
    # （三） then, in 三、, （一）: a restart under a new parent, not a number going backwards.
    text = variant(("（四）加强组织领导", "（一）加强组织领导"), ("（五）严格监督考核", "（二）严格监督考核"))
    assert "PP003" not in codes(lint(tmp_path, text))


@pytest.mark.parametrize("written", ["2024年2月29日", "二〇二四年三月十五日"])
def test_pp009_real_dates(tmp_path, written):
    assert lint(tmp_path, variant(("2024年3月15日", written))) == []


@pytest.mark.parametrize("annotation", ["（市公安局牵头，市交通运输局配合）", "（责任单位：市公安局、市交通运输局）"])
def test_pp010_an_owner_beside_supporters(tmp_path, annotation):
    assert lint(tmp_path, variant(("（市公安局、市交通运输局按职责分工负责）", annotation))) == []


def test_pp007_a_year_in_brackets_that_is_no_document_number(tmp_path):
    text = variant(("基本淘汰国三及以下排放标准柴油货车。", "基本淘汰国三及以下排放标准柴油货车（2024年）。"))
    assert "PP007" not in codes(lint(tmp_path, text))


def test_pp017_brackets_inside_a_title_that_hold_no_number(tmp_path):
    text = variant(("《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）",
                    "《江苏省空气质量持续改善行动计划实施方案（2024—2025年）》（苏政发〔2024〕53号）"))
    assert "PP017" not in codes(lint(tmp_path, text))


def test_pp015_the_documents_own_attachment_label(tmp_path):
    # A plan printed as 附件1 of its notice opens with that label: it refers to nothing.
    from test_check import BASE

    plan = BASE[BASE.index("临江市空气质量持续改善行动方案\n\n为贯彻"):]
    assert lint(tmp_path, "附件1\n\n" + plan) == []
    assert codes(lint(tmp_path, "附件1\n\n" + plan.replace("纳入高质量发展考核。", "纳入高质量发展考核，细则见附件2。"), "ref.txt")) == ["PP015"]


def test_pp011_numbers_in_standing_rules_are_no_goals(tmp_path):
    rules = ("某市碳普惠交易管理办法\n\n第一条 为规范碳普惠交易，制定本办法。\n\n"
             "第二条 核证减排量公示期不少于7个工作日，最小交易单位为1吨二氧化碳当量。\n")
    assert "PP011" not in codes(lint(tmp_path, rules))
    plan = rules.replace("管理办法", "行动方案").replace("本办法", "本方案")
    assert "PP011" in codes(lint(tmp_path, plan, "plan.txt"))
