"""Targets, deadlines and agencies on shapes that real plans from other domains use (issue 9).

Every sentence here is made up, in the shape of what real documents write; none is copied from a corpus file.
"""
import pytest

from planparse.extraction.agencies import AgencyContext, AgencyParser
from planparse.extraction.targets import GoalYear, targets_in, targets_in_sentence
from planparse.grammar import load_grammars
from planparse.normalise import squeeze_spaces
from planparse.pipeline import extract_file

G = load_grammars(None)


def doc(tmp_path, text, name="plan.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


def sentence(text, year=2024):
    return [t for t, _, _ in targets_in_sentence(text, G, year)]


def one_paragraph(text, goal=None, year=2024):
    return targets_in(text, G, year, 0, clause_id="1", goal=goal)


# ---------------------------------------------------------------- counts and measure words
@pytest.mark.parametrize("text,value,value_max,unit,counted", [
    ("到2026年，培育8家以上细分领域龙头企业", 8, None, "家", "细分领域龙头企业"),
    ("到2026年，选育2—4个耐盐碱水稻新品种", 2, 4, "个", "耐盐碱水稻新品种"),
    ("到2026年，遴选40名青年科技骨干", 40, None, "名", "青年科技骨干"),
    ("到2026年，累计举办15场次供需对接活动", 15, None, "场次", "供需对接活动"),
    ("到2026年，新建6座智慧冷库", 6, None, "座", "智慧冷库"),
    ("到2026年，配备30架植保无人机", 30, None, "架", "植保无人机"),
])
def test_a_count_of_any_measure_word_is_a_goal_and_its_metric_is_the_counted_thing(text, value, value_max, unit, counted):
    [t] = sentence(text)
    assert (t.value, t.value_max, t.unit, t.metric, t.target_year) == (value, value_max, unit, counted, 2026)


def test_a_list_of_counts_after_one_verb_gives_one_target_per_number():
    ts = sentence("到2027年，形成年产30艘内河货船、120台套港口机械的制造能力")
    assert [(t.value, t.unit) for t in ts] == [(30, "艘"), (120, "台套")]


def test_counts_in_chinese_numerals():
    ts = sentence("到2027年，攻克百项共性技术，建成十家技术转移机构")
    assert [(t.value, t.unit, t.target_year) for t in ts] == [(100, "项", 2027), (10, "家", 2027)]


@pytest.mark.parametrize("text", [
    "建设一批区域性检测平台",  # 一批: an article
    "聚焦三大重点方向开展攻关",  # an enumeration
    "围绕“五位一体”总体布局",  # a name in quotes
    "由市发展改革委等四部门联合发布",  # 部 starts the word 部门
    "在5个街道开展试点",  # a count after a non-verb, no goal context
])
def test_counts_that_are_not_goals(text):
    assert sentence(text) == []


def test_a_count_after_a_verb_needs_a_goal_context():
    assert sentence("支持医院设立3个临床研究病房") == []
    [t] = sentence("支持医院设立不少于3个临床研究病房")
    assert (t.value, t.comparator) == (3, ">=")


@pytest.mark.parametrize("text,unit", [
    ("到2030年，全市综合能耗控制在1.2亿吨标准煤以内", "亿吨标准煤"),
    ("到2030年，供电排放强度降至420克二氧化碳/千瓦时", "克二氧化碳/千瓦时"),
    ("到2030年，培训高素质农民3万名以上", "万名"),
    ("到2030年，政务服务事项办理时限压缩至5个工作日以内", "工作日"),
])
def test_compound_units_come_out_whole(text, unit):
    [t] = sentence(text)
    assert t.unit == unit


# ---------------------------------------------------------------- comparators
@pytest.mark.parametrize("text,value,comparator", [
    ("到2028年，数字产业营业收入突破800亿元", 800, ">="),
    ("到2028年，实现技术合同成交额超300亿元", 300, ">="),
    ("到2028年，入库科技型企业超过1200家", 1200, ">="),
    ("建立不少于500例样本的队列", 500, ">="),
    ("故障率<2%", 2, "<="),
])
def test_comparators(text, value, comparator):
    [t] = sentence(text)
    assert (t.value, t.comparator) == (value, comparator)


def test_a_one_character_comparator_must_touch_its_number():
    [t] = sentence("到2028年，超低排放改造完成率达到85%")
    assert t.comparator == "="


def test_a_range_has_value_max_and_no_comparator():
    [t] = sentence("到2026年，研制2—3种新型疫苗")
    assert (t.value, t.value_max, t.comparator) == (2, 3, None)


# ---------------------------------------------------------------- the year of a goal
def test_a_paragraph_opening_with_a_year_gives_it_to_all_its_sentences():
    ts = one_paragraph("到2026年，产业体系初步形成。培育6家以上链主企业；建成4个公共服务平台。")
    assert [(t.value, t.target_year) for t in ts] == [(6, 2026), (4, 2026)]


def test_a_year_in_the_middle_of_an_ordinary_paragraph_governs_only_its_sentence():
    ts = one_paragraph("推进产线改造。年底前完成评估。全市重点企业能耗比2020年下降12%以上。")
    assert [(t.value, t.target_year) for t in ts] == [(12, None)]


def test_a_goal_section_gives_its_year_to_later_paragraphs_and_dash_lines():
    goal = GoalYear()
    first = one_paragraph("围绕总体部署，到2027年，产业能级明显提升。", goal)
    later = one_paragraph("——创新能力增强。新建8个重点实验室。\n——主体壮大。培育20家高新技术企业。", goal)
    assert first == [] and goal.year == 2027
    assert [(t.value, t.target_year) for t in later] == [(8, 2027), (20, 2027)]


def test_a_goal_section_year_reaches_its_sub_clauses(tmp_path):
    d = doc(tmp_path, "一、发展目标\n到2026年，体系基本建成。\n（一）平台。设立5个中试平台。\n二、重点任务\n（二）推进。设立5个中试平台。\n")
    by_id = {c.id: c for c in d.clauses}
    assert [(t.value, t.target_year) for t in by_id["1.1"].targets] == [(5, 2026)]
    assert by_id["2.2"].targets == []  # outside the goal section a bare count after a verb is not a goal


# ---------------------------------------------------------------- agencies
P = AgencyParser(G)


def roles(text):
    ag, _ = P.parse(text, partial=True)
    return None if ag is None else {k: v for k in ("lead", "support", "responsible", "implementers") if (v := getattr(ag, k))}


def test_labels_separated_by_a_space_only():
    text = squeeze_spaces("(牵头单位:农业农村部 参加单位:水利部、自然资源部)")
    assert text == "(牵头单位:农业农村部 参加单位:水利部、自然资源部)"
    assert roles(text[1:-1]) == {"lead": ["农业农村部"], "support": ["水利部", "自然资源部"]}


@pytest.mark.parametrize("text,expected", [
    ("区教育局牵头督导，区体育局参加", {"lead": ["区教育局"], "support": ["区体育局"]}),
    ("主责单位：县民政局；协办单位：县财政局", {"responsible": ["县民政局"], "support": ["县财政局"]}),
    ("参与单位：市档案馆、市图书馆", {"support": ["市档案馆", "市图书馆"]}),
    ("責任單位：市文化局", {"responsible": ["市文化局"]}),
    ("縣農業局負責，縣水利局參與", {"responsible": ["縣農業局"], "support": ["縣水利局"]}),
])
def test_role_words_and_labels_in_their_variants(text, expected):
    assert roles(text) == expected


def test_a_closing_note_sentence_keeps_the_names_before_it():
    assert roles("区住建委牵头，区城管局配合。未注明牵头单位的，由各街道按职责分工负责，下同") == {
        "lead": ["区住建委"], "support": ["区城管局"]}


def test_a_partly_broken_annotation_keeps_what_parses():
    assert roles("市商务委牵头，详见附表，市统计局配合") == {"lead": ["市商务委"], "support": ["市统计局"]}


def test_bare_parentheses_closing_tasks_are_responsibility_annotations(tmp_path):
    d = doc(tmp_path, "一、重点任务\n1.建设园区。推进园区建设。（市商务委、市规划资源局）\n"
                      "2.引进人才。加大引才力度。（市人才局、相关区）\n3.强化保障。做好经费保障（含配套）。\n")
    by_id = {c.id: c for c in d.clauses}
    assert [a.responsible for a in by_id["1.1"].agencies] == [["市商务委", "市规划资源局"]]
    assert [a.responsible for a in by_id["1.2"].agencies] == [["市人才局", "相关区"]]
    assert by_id["1.3"].agencies == []


def test_a_single_bare_parenthesis_is_not_an_annotation(tmp_path):
    d = doc(tmp_path, "一、保障措施\n（一）加强协调。建立联席会议制度。（市发展改革委、市财政局）\n（二）加强宣传。做好宣传。\n")
    assert all(c.agencies == [] for c in d.clauses)


def test_annotations_in_tortoise_shell_brackets(tmp_path):
    d = doc(tmp_path, "一、重点任务\n（一）建设平台。推进平台建设。〔责任单位：市科委、市财政局〕\n")
    assert d.clauses[1].agencies[0].responsible == ["市科委", "市财政局"]


def test_a_standing_rule_reaches_later_tasks_without_annotations(tmp_path):
    d = doc(tmp_path, "一、重点任务\n1.摸清底数。开展排查。（区商务委牵头。以下各项工作均需各街道落实）\n"
                      "2.完善台账。建立台账。（区统计局负责）\n3.加强培训。组织培训。\n")
    by_id = {c.id: c for c in d.clauses}
    assert by_id["1.1"].agencies[0].implementers == ["各街道"]
    assert by_id["1.2"].agencies[0].implementers == ["各街道"] and by_id["1.2"].agencies[0].responsible == ["区统计局"]
    [inherited] = by_id["1.3"].agencies
    assert inherited.implementers == ["各街道"] and inherited.inherited
    assert by_id["1"].agencies == []  # the section is not a task


def test_agency_context_is_fresh_per_parser():
    assert AgencyContext().bare_entries == set()


# ---------------------------------------------------------------- review sections, past figures, relative windows
def test_a_review_section_gives_neither_targets_nor_deadlines(tmp_path):
    d = doc(tmp_path, "某县农业机械化提升方案\n\n一、工作基础和面临形势\n“十三五”期间，全县农作物耕种收综合机械化率提高12个百分点，"
                      "累计建成烘干中心8座，2020年秸秆综合利用率达到91%。\n二、主要目标\n到2025年，全县农作物耕种收综合机械化率达到85%，"
                      "新建烘干中心5座。\n", )
    assert [(t.clause_id, t.value, t.unit, t.target_year) for t in d.targets] == [("2", 85, "%", 2025), ("2", 5, "座", 2025)]
    assert [dl.date for dl in d.deadlines] == ["2025-12-31"]


def test_a_figure_of_a_year_before_the_document_is_an_actual_not_a_goal(tmp_path):
    d = doc(tmp_path, "关于印发某市智慧交通行动计划的通知\n\n各区人民政府：\n现将计划印发给你们。\n某市人民政府\n2023年5月6日\n\n"
                      "一、总体要求\n2021年，全市公交出行分担率达到41%。到2025年，公交出行分担率达到50%。\n")
    assert [(t.value, t.target_year) for t in d.targets] == [(50, 2025)]


def test_a_verb_led_heading_about_foundations_is_a_task_not_a_review(tmp_path):
    d = doc(tmp_path, "某市基础研究方案\n\n一、夯实创新基础\n到2026年，建成新型研发机构12家。\n")
    assert [(t.value, t.unit, t.target_year) for t in d.targets] == [(12, "家", 2026)]


def test_a_relative_window_is_a_period_and_the_year_of_its_goals_and_a_later_bare_window_means_the_same(tmp_path):
    d = doc(tmp_path, "某市人才专项计划\n\n一、目标\n从2024年起，用3年时间，引进海外高层次人才200名。\n"
                      "二、措施\n（一）3年内新建人才驿站15个。\n（二）5年内建成人才社区。\n")
    assert [(t.value, t.unit, t.target_year) for t in d.targets] == [(200, "名", 2026), (15, "个", 2026)]
    periods = [(dl.clause_id, dl.start, dl.date) for dl in d.deadlines if dl.kind == "period"]
    assert periods == [("1", "2024-01-01", "2026-12-31"), ("2.1", "2024-01-01", "2026-12-31")]
    assert d.targets[1].metric == "新建人才驿站"  # the window is when, not what


def test_a_start_year_is_never_a_target_year():
    [t] = sentence("2022年起，全市每年新增绿色工厂20家以上", year=2022)
    assert t.target_year is None


# ---------------------------------------------------------------- words inside words, ranks, magnitudes
def test_a_direction_word_inside_a_noun_is_part_of_the_metric():
    [a, b] = sentence("到2027年，规上工业增加值年均增长7%，数字经济核心产业增加值占比达到12%")
    assert (a.metric, a.direction, b.metric, b.direction) == ("规上工业增加值年均增长率", "increase", "数字经济核心产业增加值占比", None)


@pytest.mark.parametrize("text", ["到2026年，力争全省生物医药产业规模居全国前五位", "到2026年，综合排名稳居全省第二"])
def test_a_rank_is_not_a_quantity(text):
    assert sentence(text) == []


def test_a_magnitude_before_its_unit_is_read_with_the_unit():
    [t] = sentence("到2026年，培育年营收超亿元企业30家")
    assert (t.value, t.unit, t.metric) == (30, "家", "培育年营收超亿元企业")
    [t] = sentence("到2026年，技术合同成交额突破亿元")
    assert (t.value, t.unit, t.comparator) == (1, "亿元", ">=")


# ---------------------------------------------------------------- standing rules as sentences, labels
def test_a_standing_rule_written_as_a_sentence_holds_for_every_later_task_also_unannotated_ones(tmp_path):
    d = doc(tmp_path, "某县乡村振兴工作方案\n\n以下各项任务均由各乡镇人民政府负责落实。\n一、重点任务\n"
                      "（一）改造农村公路30公里。（牵头督导：县交通运输局；协办单位：县财政局）\n（二）开展人居环境整治。\n")
    a1, a2 = [c.agencies for c in d.clauses if c.id in ("1.1", "1.2")]
    assert (a1[0].lead, a1[0].support, a1[0].implementers_inherited) == (["县交通运输局"], ["县财政局"], ["各乡镇人民政府"])
    assert (a2[0].implementers, a2[0].inherited) == (["各乡镇人民政府"], True)


def test_a_following_sentence_that_names_no_agency_declares_no_standing_rule(tmp_path):
    d = doc(tmp_path, "某县工作方案\n\n以下工作要认真抓好落实。\n一、重点任务\n（一）开展人居环境整治。\n")
    assert all(not c.agencies for c in d.clauses)


def test_a_horizon_in_the_title_is_not_the_documents_year(tmp_path):
    d = doc(tmp_path, "某省适应气候变化行动方案2035\n\n一、目标\n到2025年，森林覆盖率达到40%。\n")
    assert d.meta.doc_year is None
    assert [(t.value, t.target_year) for t in d.targets] == [(40, 2025)]


def test_a_starting_level_is_not_a_goal_but_the_level_it_goes_to_is():
    [t] = sentence("到2026年，全市规上企业数字化改造覆盖率由45%提高到80%")
    assert (t.value, t.unit) == (80, "%")


def test_a_share_written_before_its_noun_names_what_follows_as_its_metric():
    [t] = sentence("到2027年，40%以上的行政村建成数字乡村示范点")
    assert (t.value, t.comparator, t.metric) == (40, ">=", "行政村建成数字乡村示范点")


def test_a_counted_thing_keeps_its_bracketed_list():
    [t] = sentence("到2026年，完成12个县（市、区）供水管网改造")
    assert (t.value, t.unit, t.metric) == (12, "个", "县（市、区）供水管网改造")


def test_a_measure_word_that_the_dictionary_glues_to_its_noun_still_counts():
    ts = sentence("到2028年，形成年产40发运载火箭、500颗卫星的能力")
    assert [(t.value, t.unit, t.metric) for t in ts] == [(40, "发", "运载火箭"), (500, "颗", "卫星")]


def test_the_last_count_of_a_list_keeps_a_long_modified_noun():
    ts = sentence("到2026年，培育6家龙头企业、30家具有核心竞争力的专精特新企业")
    assert [t.metric for t in ts] == ["龙头企业", "具有核心竞争力的专精特新企业"]


@pytest.mark.parametrize("text,metric", [
    ("到2026年，企业开办时间压缩至2个工作日以内", "企业开办时间"),
    ("到2026年，单位产值能耗降至0.3吨标准煤/万元", "单位产值能耗"),
])
def test_a_level_verb_ends_the_metric(text, metric):
    [t] = sentence(text)
    assert t.metric == metric


def test_a_count_closing_a_verb_phrase_that_the_dictionary_reads_as_one_word():
    [t] = sentence("到2026年，举办活动40场次")
    assert (t.value, t.unit, t.target_year) == (40, "场次", 2026)


def test_a_time_limit_already_past_is_an_overdue_deadline_not_a_review(tmp_path):
    # A drafting slip (last year's date left in) stays a deadline and a goal, so that `check` reports it.
    d = doc(tmp_path, "关于印发某区2024年节水工作方案的通知\n\n各街道：\n现将方案印发给你们。\n某区人民政府\n2024年3月1日\n\n"
                      "一、重点任务\n（一）2023年底前，完成节水型单位创建30家。至2020年底，全区已建成节水型小区12个。\n")
    assert [(dl.text, dl.date) for dl in d.deadlines] == [("2023年底前", "2023-12-31")]
    assert [(t.value, t.unit, t.target_year) for t in d.targets] == [(30, "家", 2023)]


def test_a_predicate_the_dictionary_glues_to_the_noun_before_it_still_ends_the_metric():
    [t] = sentence("到2026年，劣V类水体比例控制在3%以内")  # jieba: 比例控制 | 在
    assert (t.metric, t.value, t.comparator) == ("劣V类水体比例", 3, "<=")


def test_the_japanese_style_inequality_signs_are_comparators_too():
    assert [(t.value, t.comparator) for t in sentence("到2026年，优良天数比率≧85%，PM2.5浓度≦30微克/立方米")] == [(85, ">="), (30, "<=")]


@pytest.mark.parametrize("text,metrics", [
    ("到2026年，铁路、水路客运量分别增长8%和5%", ["铁路客运量", "水路客运量"]),
    ("到2026年，玉米、大豆耕种收综合机械化率分别达到95%、90%", ["玉米耕种收综合机械化率", "大豆耕种收综合机械化率"]),
    ("到2026年，长三角地区、珠三角地区PM2.5浓度分别下降8%、6%", ["长三角地区PM2.5浓度", "珠三角地区PM2.5浓度"]),
])
def test_coordinated_subjects_share_the_last_ones_head(text, metrics):
    assert [t.metric for t in sentence(text)] == metrics


def test_a_label_sentence_indented_or_after_blank_lines_is_read():
    parser = AgencyParser(G, AgencyContext())
    text = "开展节水宣传。\n\n\n\n　　责任单位：县水利局、县教育局。"
    assert [a.responsible for a in parser.annotations_in(text, 0)] == [["县水利局", "县教育局"]]
