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


# ---------------------------------------------------------------- years, dates and counts
from planparse.extraction.deadlines import find_time_expressions  # noqa: E402
from planparse.extraction.targets import targets_in_sentence  # noqa: E402


def sentence(text, year=2024):
    return [(t.metric, t.value, t.value_max, t.unit, t.comparator, t.target_year) for t, _, _ in targets_in_sentence(text, G, year)]


def times(text, year=2024):
    return [(t.text, t.kind, t.date, t.period_start) for t in find_time_expressions(text, G, year)]


def test_fenbie_over_years_gives_one_target_per_year_and_the_years_are_a_period():
    got = sentence("2022至2025年，新能源汽车占比分别达到80%、90%、95%、100%")
    assert [(v, y) for _, v, _, _, _, y in got] == [(80, 2022), (90, 2023), (95, 2024), (100, 2025)]
    assert times("2022至2025年，新能源汽车占比")[0] == ("2022至2025年", "period", "2025-12-31", "2022-01-01")


def test_this_year_and_within_the_year_resolve_to_the_document_year():
    assert sentence("今年主要预期目标是：地区生产总值增长5%左右，城镇新增就业12万人以上")[:2] == [
        ("地区生产总值", 5, None, "%", "~", 2024), ("城镇新增就业", 12, None, "万人", ">=", 2024)]
    assert times("年内完成5000户改造")[0][:3] == ("年内", "date", "2024-12-31")
    assert not any(t[0] == "年内" for t in times("对一年内超标排放车辆占比10%以上的企业"))


def test_a_number_straight_after_a_time_expression_is_still_a_goal():
    assert sentence("年底前70%以上县级机关创建成为节约型机关") == [("县级机关创建成为节约型机关", 70, None, "%", ">=", 2024)]


def test_each_count_of_a_list_with_its_own_verb_is_its_own_target():
    assert sentence("年内新开工300个、完工200个重大项目") == [
        ("新开工重大项目", 300, None, "个", "=", 2024), ("完工重大项目", 200, None, "个", "=", 2024)]


@pytest.mark.parametrize("text,value,unit", [
    ("年内办好34项民生实事", 34, "项"), ("年内建立9个紧密型城市医疗集团", 9, "个"), ("年内促进12万城镇就业困难人员就业", 12, "万"),
])
def test_a_count_before_its_noun_is_a_target(text, value, unit):
    [(metric, v, _, u, _, year)] = sentence(text)
    assert (v, u, year) == (value, unit, 2024)


def test_recurring_limits_are_recurring_deadlines_and_their_dates_are_not_quantities():
    assert [t[:2] for t in times("规划实施情况每三年开展一次评估，评估结果于次年2月底前报送")] == [
        ("每三年", "recurring"), ("于次年2月底前", "recurring")]
    assert times("每年1月10日前报送上年度情况")[0][:2] == ("每年1月10日前", "recurring")
    assert sentence("每年1月10日前报送上年度情况") == []


def test_a_period_inside_a_cited_title_is_no_deadline(tmp_path):
    d = doc(tmp_path, "一、工作任务\n（一）研究制定《某市2030年前碳达峰行动方案》，报市政府审定。\n")
    assert d.deadlines == []


@pytest.mark.parametrize("text,want", [
    ("路网密度应大于8公里/平方公里", ("路网密度", 8, None, "公里/平方公里", ">=", None)),
    ("组团面积不应大于50平方公里", ("组团面积", 50, None, "平方公里", "<=", None)),
    ("建筑总面积与建设用地比值控制在0.6—0.8", ("建筑总面积与建设用地比值", 0.6, 0.8, "", None, None)),
    ("PM2.5浓度下降3个百分点", ("PM2.5浓度", 3, None, "百分点", "=", None)),
])
def test_comparators_ranges_and_percentage_points(text, want):
    assert sentence(text) == [want]


def test_descriptions_and_conditions_are_not_goals():
    assert [t[1] for t in sentence("新建住宅以6层为主，最高不超过18层")] == [18]
    assert sentence("确需建设18层以上居住建筑的，应严格充分论证") == []


# ---------------------------------------------------------------- meta of every genre
WORK_REPORT = """政府工作报告
——2024年1月20日在某市第十七届人民代表大会第三次会议上
某市市长  张三

各位代表：
现在，我代表某市人民政府，向大会报告工作，请予审议。

一、2023年工作回顾
过去一年，全市地区生产总值增长5.2%，城镇新增就业12.3万人。

二、2024年主要目标和重点工作
今年全市经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业12万人以上，单位地区生产总值能耗下降2.5%。
（一）扩大有效投资。年内新开工300个、完工200个重大项目，办好34项民生实事。
"""


def test_a_work_report_speaks_for_its_government_and_sets_this_years_goals(tmp_path):
    d = doc(tmp_path, WORK_REPORT)
    assert (d.meta.title, d.meta.issuer, d.meta.issue_date, d.meta.doc_year) == (
        "政府工作报告", ["某市人民政府"], "2024-01-20", 2024)
    got = {(t.clause_id, t.value, t.unit, t.target_year) for t in d.targets}
    assert {("2", 5, "%", 2024), ("2", 12, "万人", 2024), ("2", 2.5, "%", 2024)} <= got
    assert {("2.1", 300, "个", 2024), ("2.1", 200, "个", 2024), ("2.1", 34, "项", 2024)} <= got
    # The review's actual figures are no goals.
    assert not any(t.clause_id == "1" for t in d.targets)
    assert [(x.text, x.date) for x in d.deadlines] == [("年内", "2024-12-31")]


def test_a_notice_that_issues_nothing_has_its_heading_as_title(tmp_path):
    d = doc(tmp_path, ARABIC_NOTICE.replace("关于做好2024年清洁取暖工作的通知", "某市人民政府办公室关于做好2024年清洁取暖工作的通知"))
    assert (d.meta.title, d.meta.notice_title) == ("某市人民政府办公室关于做好2024年清洁取暖工作的通知", None)
    issuing = doc(tmp_path, "某市人民政府关于印发某市节能行动方案的通知\n各区人民政府：\n现将《某市节能行动方案》印发给你们，请认真贯彻执行。\n"
                            "某市人民政府\n2024年3月1日\n某市节能行动方案\n一、总体要求\n（一）推进节能。\n", "issuing.txt")
    assert (issuing.meta.notice_title, issuing.meta.title) == ("某市人民政府关于印发某市节能行动方案的通知", "某市节能行动方案")


def test_a_title_printed_over_two_lines_and_its_period_give_the_title_and_year(tmp_path):
    d = doc(tmp_path, "环保装备制造业高质量发展行动计划\n（2022−2025年）\n为推进产业发展，制定本行动计划。\n一、总体要求\n（一）指导思想\n")
    assert (d.meta.title, d.meta.doc_year) == ("环保装备制造业高质量发展行动计划（2022−2025年）", 2022)


def test_a_bracketed_date_under_the_title_is_the_issue_date(tmp_path):
    d = doc(tmp_path, "关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见\n（2021年11月30日）\n为深入贯彻落实党中央决策部署，提出如下实施意见。\n一、总体要求\n")
    assert d.meta.issue_date == "2021-11-30" and d.meta.doc_year == 2021


ANNEXED = """某市人民政府关于印发某市碳达峰实施方案的通知
各区人民政府：
现将《某市碳达峰实施方案》印发给你们，请认真贯彻执行。
一、总体要求
坚持系统观念。
二、主要目标
到2025年，单位地区生产总值能耗比2020年下降14%。
附件：1．某市能源绿色低碳转型行动方案
2．重点项目清单
附件1
某市能源绿色低碳转型行动方案
一、工作目标
到2025年，非化石能源消费比重达到20%。
二、重点任务
（一）大力发展新能源。到2025年，光伏装机容量达到500万千瓦。
（二）推进煤炭消费替代。
附件2
重点项目清单
一、能源类
1．某光伏项目
二、交通类
1．某充电站项目
"""


def test_an_annex_that_is_a_plan_of_its_own_is_parsed_with_annex_ids(tmp_path):
    d = doc(tmp_path, ANNEXED)
    assert [c.id for c in d.clauses] == ["1", "2", "A1.1", "A1.2", "A1.2.1", "A1.2.2"]
    assert headings(d)["A1.2.1"] == "大力发展新能源"
    got = {(t.clause_id, t.value, t.unit, t.target_year) for t in d.targets}
    assert got == {("2", 14, "%", 2025), ("A1.1", 20, "%", 2025), ("A1.2.1", 500, "万千瓦", 2025)}
    assert len({c.id for c in d.clauses}) == len(d.clauses)


# ---------------------------------------------------------------- agencies
def _annotations(tmp_path, clause):
    d = doc(tmp_path, "一、重点任务\n" + clause + "\n")
    return [(a.lead, a.support, a.responsible) for c in d.clauses for a in c.agencies]


def test_fenbie_lead_gives_every_name_the_lead_and_comma_groups_before_one_role_share_it(tmp_path):
    assert _annotations(tmp_path, "（一）推进清洁取暖。（市发展改革委、市住房城乡建设局分别牵头，市财政局、市自然资源局，各区人民政府配合）") == [
        (["市发展改革委", "市住房城乡建设局"], ["市财政局", "市自然资源局", "各区人民政府"], [])]


def test_a_label_line_keeps_a_name_whose_bracket_lists_kinds_of_place(tmp_path):
    got = _annotations(tmp_path, "（一）推动技改项目早日投产。\n责任单位：市工信局，各县（市）区政府、高新区管委会")
    [(lead, support, responsible)] = got
    assert (lead, support, responsible[:2]) == ([], [], ["市工信局", "各县（市）区政府"])
    assert len(responsible) == 3 and responsible[2].endswith("高新区管委会")  # 市- prefixed form is an accepted variant


def test_a_work_report_gives_its_year_to_the_counts_of_its_work_list(tmp_path):
    d = doc(tmp_path, WORK_REPORT.replace("年内新开工", "新开工"))
    got = {(t.clause_id, t.value, t.unit, t.target_year) for t in d.targets if t.clause_id == "2.1"}
    assert got == {("2.1", 300, "个", 2024), ("2.1", 200, "个", 2024), ("2.1", 34, "项", 2024)}


def test_a_regulation_end_date_is_its_validity_not_a_target(tmp_path):
    d = doc(tmp_path, MEASURES)
    assert (d.meta.effective_from, d.meta.valid_until) == ("2023-01-01", "2024-12-31")
    assert not [t for t in d.targets if t.unit == "月"]
    # A fine's cap is a rule parameter (a measure), not a goal.
    assert not [t for t in d.targets if t.clause_id == "3.8"]
    assert [(x.text, x.kind) for x in d.deadlines if x.clause_id == "3.7"] == [("每三年", "recurring"), ("于次年2月底前", "recurring")]


def test_a_txt_that_is_really_markdown_is_read_as_markdown(tmp_path):
    d = doc(tmp_path, "# 某市推进数字经济发展实施方案\n\n**发布日期**：2024-03-01\n\n为推动数字经济发展，制定本方案。\n\n"
                      "## 一、总体要求\n\n（一）指导思想。坚持创新驱动。\n\n## 二、主要任务\n\n（一）建设数字基础设施。到2025年，建成5G基站5000个。\n")
    assert d.source.format == "markdown"
    assert d.meta.title == "某市推进数字经济发展实施方案"
    assert [c.id for c in d.clauses] == ["1", "1.1", "2", "2.1"]


def test_scrape_header_fields_on_one_line_and_a_file_name_label_are_not_the_title(tmp_path):
    d = doc(tmp_path, "序号:123 索引号:11320000/2024-00012 发布机构:某省发展改革委 网站发布:2024-03-05\n"
                      "文件名称：某省关于推进节能降碳的实施方案.pdf\n某省关于推进节能降碳的实施方案\n一、总体要求\n（一）目标。到2025年，能耗下降13%。\n")
    assert d.meta.title == "某省关于推进节能降碳的实施方案"
    assert [c.id for c in d.clauses] == ["1", "1.1"]


@pytest.mark.parametrize("text,title", [
    ("ICS 13.020\nZ 05\n公共机构节能评价技术导则\n", "公共机构节能评价技术导则"),
    ("ICS 13.020\n公共机构节能评价技术导则\n一、总体要求\n坚持节约。\n", "公共机构节能评价技术导则"),
    ("某市节能行动计划某市节能行动计划\n一、总体要求\n坚持节约。\n", "某市节能行动计划"),
    ("目录\n一、总体要求........1\n二、主要任务........3\n某市节能行动计划\n一、总体要求\n坚持节约优先。\n二、主要任务\n（一）推进改造。\n", "某市节能行动计划"),
])
def test_a_title_never_carries_a_classification_a_doubled_heading_or_contents(tmp_path, text, title):
    assert doc(tmp_path, text).meta.title == title


def test_a_party_and_government_document_has_both_issuers_and_its_level(tmp_path):
    d = doc(tmp_path, "中共江苏省委 江苏省人民政府\n关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见\n（2021年11月30日）\n"
                      "为深入贯彻落实党中央决策部署，提出如下实施意见。\n一、总体要求\n坚持系统观念。\n")
    assert (d.meta.issuer, d.meta.level, d.meta.issue_date) == (["中共江苏省委", "江苏省人民政府"], "provincial", "2021-11-30")


@pytest.mark.parametrize("number_lines", ["苏政\n发〔2024〕3号", "苏政发〔2024〕\n3号"])
def test_a_doc_number_broken_across_two_lines_is_still_read(tmp_path, number_lines):
    d = doc(tmp_path, "江苏省人民政府关于印发江苏省节能行动方案的通知\n" + number_lines + "\n各市人民政府：\n现将《江苏省节能行动方案》印发给你们。\n"
                      "江苏省人民政府\n2024年2月1日\n江苏省节能行动方案\n一、总体要求\n坚持节约。\n")
    assert d.meta.doc_number == "苏政发〔2024〕3号"


@pytest.mark.parametrize("text", ["未达到百分之二十的，责令限期整改", "未完成80%的，约谈主要负责人", "年度考核得分低于60分的，取消资格"])
def test_a_shortfall_or_condition_a_rule_sanctions_is_not_a_goal(text):
    assert sentence(text) == []


def test_the_notice_title_names_what_it_issues_and_an_annex_label_is_no_title(tmp_path):
    d = doc(tmp_path, "关于印发《2022年度专项资金项目指南》及组织申报项目的通知\n苏科资发〔2022〕32号\n各有关单位：\n"
                      "按照《江苏省科技计划项目信用管理办法》要求，现将有关事项通知如下。\n一、申报要求\n（一）申报单位。\n")
    assert d.meta.title == "2022年度专项资金项目指南"
    letter = doc(tmp_path, "南住建函〔2025〕671号附件1\n南宁市城镇燃气管理条例（修订草案）（征求意见稿）\n第一章总则\n"
                           "第一条【立法目的】为了加强燃气管理，制定本条例。\n", "letter.txt")
    assert letter.meta.title == "南宁市城镇燃气管理条例（修订草案）（征求意见稿）"


def test_the_last_annex_keeps_its_last_character(tmp_path):
    d = doc(tmp_path, ANNEXED + "某市人民政府办公室2024年2月17日印发")
    assert d.annexes[-1].text.endswith("2024年2月17日印发")


def test_a_table_of_values_headed_by_row_number_and_place_keeps_its_two_row_header():
    from planparse.extraction.table_grid import ColumnRoles, Grid, split_header

    rows = [["序号", "县（市）区", "2021年工业技改投资预期目标", None], [None, None, "总量（亿元）", "比增（%）"],
            ["全市", None, "1120", "12"], ["1", "鼓楼区", "21", "9"]]
    grid = Grid(rows=rows, pages=[1] * 4, offsets=[None] * 4, source="geometric")
    assert split_header(grid, ColumnRoles(G), G) == 2  # the units' row is header, not data
    task = [["序号", "重点任务", "牵头单位"], ["1", "推进改造", "市发展改革委"]]
    assert split_header(Grid(rows=task, pages=[1, 1], offsets=[None, None], source="geometric"), ColumnRoles(G), G) == 1


def test_the_signature_and_print_line_close_the_document_not_the_last_clause(tmp_path):
    d = doc(tmp_path, "某市节能方案\n一、工作目标\n（一）推进节能。到2025年，能耗下降13%。\n（二）加强督查。及时报告。\n"
                      "某市人民政府办公室\n2024年9月10日\n抄送：市委办公室。\n某市人民政府办公室 2024年9月12日印发\n")
    assert d.clauses[-1].text.endswith("及时报告。")
    assert (d.meta.issuer, d.meta.issue_date, d.meta.print_date) == (["某市人民政府办公室"], "2024-09-10", "2024-09-12")


def test_a_labelled_task_field_starts_its_own_line_after_a_full_one(tmp_path):
    # a PDF's 责任单位 line that runs to the right edge, then 完成时限 on the next line (real 024's shape)
    d = doc(tmp_path, "某市工作方案\n一、主要任务\n（一）制定生态系统碳汇能力巩固提升实施方案。\n"
                      "责任单位：市自然资源规划局、市林业局、市发展改革委、市财政局\n完成时限：2022年2月底前\n")
    [a] = d.clauses[-1].agencies
    assert a.responsible == ["市自然资源规划局", "市林业局", "市发展改革委", "市财政局"]
    assert [(x.text, x.date) for x in d.clauses[-1].deadlines] == [("2022年2月底前", "2022-02-28")]


@pytest.mark.parametrize("lead", ["确保全年", "全年确保", "力争2023年底前"])
def test_an_amount_closing_a_verbs_object_after_aspiration_and_time_in_either_order(tmp_path, lead):
    # The words before a goal's verb (aspiration, time) come off in whatever order they stand.
    d = doc(tmp_path, "某市2023年大气污染防治工作方案\n一、重点任务\n（一）压减过剩产能。加大淘汰力度，"
                      f"{lead}关停退出落后水泥产能300万吨、粗钢产能80万吨。\n")
    got = {(t.metric, t.value, t.unit, t.target_year) for t in d.targets}
    assert ("关停退出落后水泥产能", 300.0, "万吨", 2023) in got
    assert any(t.value == 80.0 and t.unit == "万吨" and t.target_year == 2023 for t in d.targets)
