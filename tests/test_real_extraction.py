"""Targets, deadlines and meta on real government PDFs (tests/fixtures/real) that nobody tuned on:
expected values written by reading the documents (issue 9)."""
from __future__ import annotations

from planparse.pipeline import extract_file
from tests.conftest import real_file


def _real(prefix: str):
    return extract_file(real_file(prefix))


def test_a_review_section_of_a_plan_gives_no_targets_or_deadlines():
    # 巴中“十四五”生态环境保护规划: 一、环境基础与形势 reports what the 十三五 period achieved (二氧化硫削减75.78% …).
    doc = _real("005")
    review = [c for c in doc.clauses if c.id == "1" or c.id.startswith("1.")]
    assert [c.heading for c in review[:2]] == ["环境基础与形势", "“十三五”生态环境保护成效显著"]
    assert not any(c.targets or c.deadlines for c in review)
    assert (90, "%", ">=", 2025) in [(t.value, t.unit, t.comparator, t.target_year) for t in doc.targets]  # 公共领域使用率不低于90%


def test_a_strategy_named_after_its_horizon_has_no_document_year_and_its_status_section_no_targets():
    # 国家适应气候变化战略2035: no date on the document; 一、基本形势 (现状和成效) gives the 2020 figures.
    doc = _real("021")
    assert doc.meta.doc_year is None
    assert not [t for t in doc.targets if t.clause_id and t.clause_id.startswith("1")]
    water = [(t.value, t.unit, t.comparator, t.target_year) for t in doc.targets if t.clause_id == "4.1"]
    assert (6400, "亿立方米", "<=", 2025) in water and (7000, "亿立方米", "<=", 2035) in water


def test_an_amount_that_names_a_class_of_projects_is_not_a_target():
    # 福州 2021 技改专项行动: 全年安排实施亿元以上的重点技改项目108项，完成技改投资1120亿元以上，同比增长12%以上.
    doc = _real("003")
    assert [(t.value, t.unit, t.comparator, t.target_year) for t in doc.targets if t.clause_id == "1"] == [
        (108, "项", "=", 2021), (1120, "亿元", ">=", 2021), (12, "%", ">=", 2021)]


def test_a_document_number_in_parentheses_under_the_title():
    # 教育部: the number stands on its own line as （教高函〔2022〕3 号）.
    assert _real("032").meta.doc_number == "教高函〔2022〕3号"


def test_an_indented_item_line_that_runs_to_the_right_edge_wraps_its_sentence():
    # 上海 低碳示范创建 notice: `一、…应于 2024 年底` fills its line, `前完成创建中期评估` goes on the next.
    doc = _real("014")
    c1 = doc.clauses[0]
    # Its heading is its first sentence, whatever its length (conventions, "Additions").
    assert (c1.id, c1.heading) == ("1", "低碳发展实践区（近零碳排放实践区）应于2024年底前完成创建中期评估，2026年底前完成创建验收工作")
    assert c1.text.startswith("低碳发展实践区（近零碳排放实践区）应于2024年底前完成创建中期评估，2026年底前完成创建验收工作。")
    assert [(d.text, d.date) for d in c1.deadlines] == [("于2024年底前", "2024-12-31"), ("2026年底前", "2026-12-31"),
                                                         ("于2024年底前", "2024-12-31")]
    # Signed under its 附件 list, above the two annexes of names; 印发 two days later.
    assert (doc.meta.issuer, doc.meta.issue_date, doc.meta.print_date) == (["上海市生态环境局"], "2022-01-27", "2022-01-29")
