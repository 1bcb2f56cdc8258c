"""Hand-written edge cases: segmentation, deadlines, targets and agencies on small documents."""
import pytest

from planparse.extraction.agencies import AgencyParser
from planparse.extraction.deadlines import deadlines_in
from planparse.extraction.targets import targets_in
from planparse.grammar import load_grammars
from planparse.pipeline import extract_file

G = load_grammars(None)


def doc(tmp_path, text, name="plan.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


# ---------------------------------------------------------------- segmentation
def test_continuous_and_restarting_numbering(tmp_path):
    d = doc(tmp_path, "一、总体要求\n（一）指导思想。内容。\n（二）目标。内容。\n二、重点任务\n（三）调整结构。内容。\n"
                      "1、强化管控。内容。\n2、推进升级。内容。\n（四）调整能源。内容。\n3、严格控制。内容。\n三、保障\n（一）组织领导。内容。\n")
    assert [c.id for c in d.clauses] == ["1", "1.1", "1.2", "2", "2.3", "2.3.1", "2.3.2", "2.4", "2.4.3", "3", "3.1"]
    assert [c.level for c in d.clauses][:6] == [1, 2, 2, 1, 2, 3]


def test_markers_inside_sentences_are_not_clauses(tmp_path):
    d = doc(tmp_path, "一、主要任务\n（一）培育企业。全省分别达到1、2家，落实第（三）项要求。\n1.5万吨产能按期退出。\n（二）加强监管。内容。\n")
    assert [c.id for c in d.clauses] == ["1", "1.1", "1.2"]


def test_a_number_out_of_sequence_is_not_a_clause(tmp_path):
    d = doc(tmp_path, "一、主要任务\n（一）加强监管。内容。\n（二）加强执法。内容。\n十八、这一行是正文里的编号\n（三）推进治理。内容。\n")
    assert [c.id for c in d.clauses] == ["1", "1.1", "1.2", "1.3"]


def test_deeper_levels_and_circled_numbers(tmp_path):
    d = doc(tmp_path, "一、任务\n（一）监管\n1.加强监测。内容。\n（1）布设站点。内容。\n①城区站点。内容。\n②郊区站点。内容。\n（2）联网。内容。\n")
    assert [(c.id, c.marker, c.level) for c in d.clauses] == [
        ("1", "一、", 1), ("1.1", "（一）", 2), ("1.1.1", "1.", 3), ("1.1.1.1", "（1）", 4),
        ("1.1.1.1.1", "①", 5), ("1.1.1.1.2", "②", 5), ("1.1.1.2", "（2）", 4)]


def test_heading_own_line_or_first_sentence(tmp_path):
    d = doc(tmp_path, "一、总体要求\n（一）空气质量改善目标\n一是约束性目标。二是工作目标。\n（二）大力发展新能源和清洁能源。到2025年，比重达20%左右。\n"
                      "（三）对排放不达标、治理设施运行不正常、超总量排污、未按要求落实应急减排措施的企业，依法依规严肃查处，并向社会公开。\n")
    h = {c.id: c.heading for c in d.clauses}
    # A run-in item's heading is its first sentence whatever its length (conventions, "Additions").
    assert h == {"1": "总体要求", "1.1": "空气质量改善目标", "1.2": "大力发展新能源和清洁能源",
                 "1.3": "对排放不达标、治理设施运行不正常、超总量排污、未按要求落实应急减排措施的企业，依法依规严肃查处，并向社会公开"}
    assert len(d.clauses[1].items) == 2


def test_clause_tree_stops_at_the_annex(tmp_path):
    d = doc(tmp_path, "一、任务\n（一）监管。内容。\n附件：1.目标表\n2.部门名单\n附件1\n目标表\n1、这不是条款\n附件2\n部门名单\n省发展改革委、工业和信息化厅\n")
    assert [c.id for c in d.clauses] == ["1", "1.1"]
    assert d.meta.attachments == ["目标表", "部门名单"]
    assert [a.label for a in d.annexes] == ["附件1", "附件2"]


# ---------------------------------------------------------------- deadlines
@pytest.mark.parametrize("text,kind,date", [
    ("到2025年，全省PM2.5浓度下降", "date", "2025-12-31"),
    ("2025年底前完成改造", "date", "2025-12-31"),
    ("2024年9月底前明确监管部门", "date", "2024-09-30"),
    ("力争提前一年在2024年底前基本淘汰", "date", "2024-12-31"),
    ("年底前完成评估", "date", "2020-12-31"),
    ("10月底前改由铁路运输", "date", "2020-10-31"),
    ("尽快淘汰生物质锅炉", "asap", None),
    ("每年建设绿色工厂10家", "recurring", None),
    ("“十四五”期间，推进改造", "period", "2025-12-31"),
    ("十三五期间完成", "period", "2020-12-31"),
    ("到2025年底，基本完成超低排放改造", "date", "2025-12-31"),
])
def test_deadline_shapes(text, kind, date):
    [d] = deadlines_in(text, G, 2020, 0, clause_id="1")
    assert (d.kind, d.date) == (kind, date)


def test_period_has_a_start():
    [d] = deadlines_in("“十四五”期间", G, 2024, 0)
    assert d.start == "2021-01-01"


def test_no_deadline_in_baselines_dates_and_verbs():
    assert deadlines_in("比2020年下降10%，持续推进治理，《产业结构调整指导目录（2024年本）》", G, 2024, 0) == []


def test_relative_dates_need_a_document_year():
    assert deadlines_in("年底前完成", G, None, 0) == []


def test_cell_deadlines():
    assert [(d.kind, d.date) for d in deadlines_in("持续推进", G, 2024, 0, cell=True)] == [("ongoing", None)]
    assert [(d.kind, d.date) for d in deadlines_in("2025年", G, 2024, 0, cell=True)] == [("date", "2025-12-31")]


# ---------------------------------------------------------------- targets
def t(text, year=2024):
    return [(x.value, x.value_max, x.unit, x.comparator, x.direction, x.baseline_year, x.target_year, x.aspirational)
            for x in targets_in(text, G, year, 0, clause_id="1")]


def test_targets_across_sentences_of_a_goal_paragraph():
    got = t("到2025年，全国PM2.5浓度比2020年下降10%。京津冀及周边地区、汾渭平原PM2.5浓度分别下降20%、15%，北京市控制在32微克/立方米以内。")
    assert got == [(10, None, "%", "=", "decrease", 2020, 2025, False), (20, None, "%", "=", "decrease", 2020, 2025, False),
                   (15, None, "%", "=", "decrease", 2020, 2025, False), (32, None, "微克/立方米", "<=", None, None, 2025, False)]


def test_no_year_when_the_sentence_has_none():
    assert t("全省重点行业VOCs排放量比2015年减排30%以上。") == [(30, None, "%", ">=", "decrease", 2015, None, False)]


def test_aspiration_carries_to_coordinated_predicates_only():
    got = t("2020年全省煤炭消费总量比2016年力争减少3200万吨，电力行业煤炭消费占比提高到65%以上。天然气消费量力争达到300亿立方米左右，占能源消费比重提高到12%左右。", year=2018)
    assert [g[-1] for g in got] == [True, False, True, True]
    assert got[1][4] is None  # 提高到: a level, not a change


def test_percent_of_and_level_verbs():
    assert t("压减50%的炼焦产能。")[0][:5] == (50, None, "%", "=", "decrease")
    assert t("空气质量预报能力提升至10天趋势预报。")[0][:4] == (10, None, "天", "=")
    assert t("炼焦产能与长流程炼钢产能比控制在0.4左右。")[0][:4] == (0.4, None, "", "~")


@pytest.mark.parametrize("text", [
    "对省界两侧20公里内的涉气重点行业新建项目开展会商。",
    "鼓励20年以上的内河船舶淘汰。",
    "强化15个重点行业绩效评价豁免。",
    "2020年PM2.5浓度低于40微克/立方米的城市。",
    "对重点监管企业（全省1422家）开展抽查。",
    "推进5.5米以上焦炉实施干熄焦改造。",
    "新改扩建项目执行国发〔2023〕24号文件。",
])
def test_numbers_that_are_not_targets(text):
    assert t(text) == []


# ---------------------------------------------------------------- agencies
def parse(text):
    ag, standing = AgencyParser(G).parse(text)
    return ag, standing


def test_names_with_inner_brackets_stay_whole():
    ag, standing = parse("市发展改革委、工业和信息化局按职责分工负责，各县（市、区）人民政府负责落实。以下均需各县（市、区）人民政府落实，不再列出。")
    assert ag.responsible == ["市发展改革委", "市工业和信息化局"]
    assert ag.implementers == ["各县（市、区）人民政府"]
    assert standing == ["各县（市、区）人民政府"]


def test_trailing_deng_is_dropped_and_prefix_inherited():
    ag, _ = parse("市农业农村局、发展改革委、生态环境局、科技局等部门按职责分工负责")
    assert ag.responsible == ["市农业农村局", "市发展改革委", "市生态环境局", "市科技局"]


def test_places_and_national_names_take_no_prefix():
    ag, _ = parse("市交通运输局、发展改革委、南通海事局、南通海关等按职责分工负责")
    assert ag.responsible == ["市交通运输局", "市发展改革委", "南通海事局", "南通海关"]


def test_standing_rule_reaches_later_clauses(tmp_path):
    d = doc(tmp_path, "一、任务\n1、强化管控。内容。（省生态环境厅牵头，地方各级人民政府负责落实。以下均需地方各级人民政府落实，不再列出）\n"
                      "2、推进升级。内容。（省发展改革委牵头，省科技厅配合）\n")
    first, second = d.clauses[1].agencies[0], d.clauses[2].agencies[0]
    assert first.implementers == ["地方各级人民政府"] and not first.inherited
    assert second.lead == ["省发展改革委"] and second.support == ["省科技厅"]
    assert second.implementers == ["地方各级人民政府"] and second.implementers_inherited == ["地方各级人民政府"]


def test_parentheses_that_are_not_annotations(tmp_path):
    d = doc(tmp_path, "一、任务\n1、推进运输。清洁运输（含新能源车）比例达80%，对在本行政区内生产（进口）的车辆抽检。\n")
    assert d.clauses[1].agencies == []


def test_document_agency_list_extends_the_lexicon(tmp_path):
    d = doc(tmp_path, "一、任务\n1、强化管控。内容。（省生态环境厅牵头，人防办配合）\n附件\n省有关部门名单\n省生态环境厅、人防办\n")
    assert d.clauses[1].agencies[0].support == ["省人防办"]


def test_goals_without_numbers_are_kept_apart(tmp_path):
    d = doc(tmp_path, "一、主要目标\n到2025年，全区PM2.5浓度总体达标，全区煤炭消费量完成市级下达目标，空气质量未达标城市编制达标规划。\n")
    c = d.clauses[0]
    assert [(q.scope, q.metric, q.target_year, q.value, q.qualitative) for q in c.qualitative_targets] == [
        ("全区", "PM2.5浓度", 2025, None, True), ("全区", "煤炭消费量", 2025, None, True)]
    assert c.targets == [] and d.targets == []


def test_labelled_agencies_in_and_out_of_brackets(tmp_path):
    d = doc(tmp_path, "一、任务\n1、强化管控。加强监测。（牵头单位：市生态环境局；配合单位：市公安局、交通运输局）\n"
                      "2、推进升级。开展整治。\n责任单位：市工业和信息化局、发展改革委。\n")
    a1, a2 = d.clauses[1].agencies[0], d.clauses[2].agencies[0]
    assert (a1.lead, a1.support) == (["市生态环境局"], ["市公安局", "市交通运输局"])
    assert a2.responsible == ["市工业和信息化局", "市发展改革委"]


@pytest.mark.parametrize("text,date", [
    ("2025年6月30日前完成", "2025-06-30"),
    ("2024年上半年完成", "2024-06-30"),
    ("2024年第三季度完成", "2024-09-30"),
    ("2024年内完成", "2024-12-31"),
    ("今年年底前完成", "2020-12-31"),
])
def test_more_deadline_shapes(text, date):
    [d] = deadlines_in(text, G, 2020, 0)
    assert d.date == date


def test_relative_date_without_a_year_is_a_warning(tmp_path):
    d = doc(tmp_path, "一、任务\n1、强化管控。年底前完成排查。\n")
    assert d.clauses[1].deadlines == []
    assert [(w.code, w.clause_id) for w in d.warnings] == [("relative-date-unresolved", "1.1")]


def test_heading_before_a_colon(tmp_path):
    d = doc(tmp_path, "一、总体要求\n（一）工作目标：到2025年，全市PM2.5浓度控制在30微克/立方米以内，优良天数比率达到85%以上，重度及以上污染天数比率控制在1%以内。\n")
    assert d.clauses[1].heading == "工作目标"
    assert [t.value for t in d.clauses[1].targets] == [30, 85, 1]


def test_agencies_named_as_sentence_subjects(tmp_path):
    d = doc(tmp_path, "十、落实各方责任\n（一）加强组织领导。地方各级政府对本行政区域内空气质量负总责。生态环境部要加强统筹协调，做好调度评估。加强部门联动。\n")
    c = d.clauses[1]
    assert [(m.name, m.role) for m in c.agency_mentions] == [("地方各级政府", "responsible"), ("生态环境部", "responsible")]
    assert c.agencies == []  # annotations only: mentions are kept apart


def test_agency_subjects_are_looked_for_only_in_clauses_that_can_hold_one():
    """A clause without any character the subject rules must find after the name (`要`, `负责` …) is
    not searched, and the rules' examples read through the parser as they read alone."""
    from planparse.extraction.agencies import AgencyParser, _subject_rules

    g = load_grammars(None)
    assert all(needed is not None for needed, _ in _subject_rules(g))
    parser = AgencyParser(g)
    for rule in g.agencies.sentence_subject:
        for ex in rule.examples:
            assert bool(parser.mentions_in(ex.input, 0)) == ex.expect, ex.input
    assert parser.mentions_in("生态环境部加强统筹协调。", 0) == []
    assert [m.name for m in parser.mentions_in("加强统筹。生态环境部负责调度评估。", 7)] == ["生态环境部"]
