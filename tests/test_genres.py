"""Every genre's clause tree, headings, goals and dates (issue 20): 办法/条例 with 第一条, 政府工作报告,
工作要点, annex sub-plans, arabic-only and GB/T-style numbering.

Every document here is made up, in the shape of what real documents write; none is copied from a corpus file.
"""
import pytest

from planparse.grammar import load_grammars
from planparse.pipeline import extract_file

G = load_grammars(None)


def doc(tmp_path, text, name="plan.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


def headings(d):
    return {c.id: c.heading for c in d.clauses}


MEASURES = """某市节能专项资金管理办法

第一章 总则
第一条 为了规范节能专项资金的管理，提高资金使用效益，根据《中华人民共和国节约能源法》等有关法律法规，结合本市实际，制定本办法。
第二条 本办法所称节能专项资金，是指市财政预算安排，用于支持节能技术改造、节能产品推广等方面的资金。
第二章 支持范围
第三条 专项资金重点支持以下项目：
（一）节能技术改造项目；
（二）合同能源管理项目。
第四条 中国境内注册的企业，在本市实施节能项目的，可以按照本办法申请资金。
第五条 项目申报单位应当具备独立法人资格，财务管理制度健全，近三年内无重大违法违规行为。
第六条 项目申报单位按照本办法第五条、
第七条的规定，于每年3月31日前向市发展改革委提交申请材料。
第三章 规划实施保障措施
第七条 规划实施情况每三年开展一次评估，评估结果于次年2月底前报送市人民政府。
第八条 违反本办法第五条第（一）项规定的，由市发展改革委责令改正，处最高不超过5万元罚款。
第四章 附则
第九条 本办法自2023年1月1日起施行，实施至2024年12月31日。
"""


def test_chapters_and_articles_whose_text_starts_like_a_reference_are_kept(tmp_path):
    d = doc(tmp_path, MEASURES)
    ids = [c.id for c in d.clauses]
    # 第三章 规划…, 第四条 中国…, 第五条/第六条 项目… all open clauses; the wrapped `第七条的规定` does not.
    assert ids == ["1", "1.1", "1.2", "2", "2.3", "2.3.1", "2.3.2", "2.4", "2.5", "2.6", "3", "3.7", "3.8", "4", "4.9"]
    h = headings(d)
    assert h["3"] == "规划实施保障措施"
    assert h["2.4"].startswith("中国境内注册的企业")


def test_an_article_heading_is_its_first_sentence_whatever_its_length(tmp_path):
    h = headings(doc(tmp_path, MEASURES))
    assert h["1.1"] == "为了规范节能专项资金的管理，提高资金使用效益，根据《中华人民共和国节约能源法》等有关法律法规，结合本市实际，制定本办法"
    assert h["2.3"] == "专项资金重点支持以下项目"  # up to `：` before its list
    assert h["4.9"] == "本办法自2023年1月1日起施行，实施至2024年12月31日"


def test_a_long_run_in_item_heading_is_its_first_sentence(tmp_path):
    text = ("2023年工作要点\n一、推动绿色低碳发展\n"
            "1．做好碳达峰行动与高质量发展的衔接，加强统筹，强化支撑，系统推进各领域碳达峰行动。"
            "牵头单位：市发展改革委。\n"
            "2．常态化谋划并组织推动节能、降碳、近零碳及气候适宜类工程项目，支撑规划落地。\n")
    h = headings(doc(tmp_path, text))
    assert h["1.1"] == "做好碳达峰行动与高质量发展的衔接，加强统筹，强化支撑，系统推进各领域碳达峰行动"
    assert h["1.2"] == "常态化谋划并组织推动节能、降碳、近零碳及气候适宜类工程项目，支撑规划落地"


@pytest.mark.parametrize("line,kept", [
    ("第十一章 规划实施保障措施", True),
    ("第十一章规划实施保障措施", True),
    ("第八条 中国境内注册的企业可以申请。", True),
    ("第六条 项目申报单位应当如实申报。", True),
    ("第二章规定的情形除外。", False),
    ("第五条第（一）项规定的情形除外。", False),
])
def test_a_marker_is_told_from_a_reference_by_the_words_after_the_whole_ordinal(line, kept):
    from planparse.segment import match_marker
    assert (match_marker(line, G) is not None) is kept


ARABIC_NOTICE = """关于做好2024年清洁取暖工作的通知

各区县人民政府，市有关部门：
为做好今冬明春清洁取暖工作，现将有关事项通知如下：
1．实施清洁能源替代。年内完成5000户农村清洁取暖改造。
2．加强燃煤质量监管。各区县要在11月15日前完成散煤市场检查。
3．保障天然气供应。确保供气稳定。
4．强化安全管理。开展隐患排查。
5．加强宣传引导。
某市人民政府办公室
2024年9月10日
"""


def test_a_document_numbered_only_in_arabic_at_its_top_level_has_clauses(tmp_path):
    d = doc(tmp_path, ARABIC_NOTICE)
    assert [(c.id, c.marker, c.heading) for c in d.clauses] == [
        ("1", "1.", "实施清洁能源替代"), ("2", "2.", "加强燃煤质量监管"), ("3", "3.", "保障天然气供应"),
        ("4", "4.", "强化安全管理"), ("5", "5.", "加强宣传引导")]
    assert not any(w.code == "no-clauses" for w in d.warnings)


def test_arabic_items_under_chinese_parts_are_still_not_top_level(tmp_path):
    d = doc(tmp_path, "一、总体要求\n坚持以下原则：\n1．统筹推进。\n2．重点突破。\n二、主要任务\n（一）推进改造。\n")
    assert [c.id for c in d.clauses] == ["1", "1.1", "1.2", "2", "2.1"]


def test_a_list_starting_with_a_date_is_not_a_numbered_document(tmp_path):
    d = doc(tmp_path, "关于开展节能宣传周活动的通知\n各单位：\n1月10日前报送活动方案。\n2月底前完成总结。\n")
    assert d.clauses == []


STANDARD = """公共机构节能评价技术导则

1 范围
本文件规定了公共机构节能评价的基本要求、评价指标和评价方法。
2 规范性引用文件
下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。
3 术语和定义
4 基本要求
4.1 公共机构应建立能源管理体系。
4.2 评价指标
4.2.1 单位建筑面积能耗应不高于25千克标准煤/平方米。
4.2.2 人均综合能耗应不高于300千克标准煤/人。
5 评价方法
5.1 采用现场核查与资料审查相结合的方式，抽查比例不低于1.5%。
"""


def test_a_standard_numbered_gbt_style_has_its_clause_tree(tmp_path):
    d = doc(tmp_path, STANDARD)
    assert [(c.id, c.marker, c.kind, c.level, c.parent_id) for c in d.clauses] == [
        ("1", "1", "chapter", 1, None), ("2", "2", "chapter", 1, None), ("3", "3", "chapter", 1, None),
        ("4", "4", "chapter", 1, None), ("4.1", "4.1", "clause", 2, "4"), ("4.2", "4.2", "clause", 2, "4"),
        ("4.2.1", "4.2.1", "subclause", 3, "4.2"), ("4.2.2", "4.2.2", "subclause", 3, "4.2"),
        ("5", "5", "chapter", 1, None), ("5.1", "5.1", "clause", 2, "5")]
    assert headings(d)["2"] == "规范性引用文件" and headings(d)["4.2"] == "评价指标"
    limits = {(t.metric, t.value, t.comparator, t.clause_id) for t in d.targets}
    assert ("单位建筑面积能耗", 25, "<=", "4.2.1") in limits and ("人均综合能耗", 300, "<=", "4.2.2") in limits
