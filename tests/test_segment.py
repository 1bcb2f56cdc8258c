"""Segmentation as real documents are written: text with no line structure, numbering that jumps or
runs on, headings that start with a year, and 办法/条例 numbered by 第一章/第一节/第一条.

Hand-written cases use made-up wording of the shape found in real documents; the real files of
`tests/fixtures/real/` are checked against ids read off the documents themselves."""
from __future__ import annotations

from pathlib import Path

import pytest

from planparse.pipeline import extract_file
from tests.conftest import SCORED, gold_scorer, real_file


def _doc(tmp_path: Path, text: str, name: str = "doc.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


def _ids(d) -> list[str]:
    return [c.id for c in d.clauses]


def _by_id(d) -> dict:
    return {c.id: c for c in d.clauses}


# --- 1. text without line structure ---------------------------------------------------------------

RUN_ON = (
    "某市花卉产业振兴三年行动方案 为推动花卉产业高质量发展，制定本方案。"
    "一、总体要求（一）指导思想。坚持市场导向，做强特色品种，带动农民增收。（二）主要目标。到2027年，全市花卉种植面积达到8万亩。"
    "二、重点任务（三）建设良种繁育基地。建成省级良种繁育基地3个。（四）培育龙头企业。培育年产值超亿元的龙头企业5家。"
    "1.支持企业扩大规模，对新建连栋温室给予补助。2.鼓励企业开拓海外市场，参加一、二类展会。"
    "三、保障措施（五）加强组织领导。成立工作专班。（六）强化资金保障。统筹资金不低于1.5亿元。"
)


def test_one_paragraph_document_is_segmented_by_its_inline_markers(tmp_path):
    d = _doc(tmp_path, RUN_ON)
    assert _ids(d) == ["1", "1.1", "1.2", "2", "2.3", "2.4", "2.4.1", "2.4.2", "3", "3.5", "3.6"]
    c = _by_id(d)
    assert (c["1"].heading, c["1.1"].heading, c["2.4.1"].heading) == ("总体要求", "指导思想", "支持企业扩大规模，对新建连栋温室给予补助")
    assert c["1.2"].text.startswith("主要目标。到2027年") and "二、" not in c["1.2"].text
    # `一、二类` inside a sentence and `1.5亿元` are not markers
    assert "参加一、二类展会" in c["2.4.2"].text and c["3.6"].text.endswith("1.5亿元。")
    assert [t.value for t in c["1.2"].targets] == [8]


def test_flattened_regulation_text(tmp_path):
    text = ("某市古树名木保护办法 第一章总则 第一条为了加强古树名木保护，制定本办法。第二条本办法适用于本市行政区域。"
            "第二章保护措施 第三条古树名木实行分级保护。依照本办法第二条确定的范围开展普查。第四条禁止擅自移植古树名木。")
    d = _doc(tmp_path, text)
    assert _ids(d) == ["1", "1.1", "1.2", "2", "2.3", "2.4"]
    c = _by_id(d)
    assert [c[i].kind for i in _ids(d)] == ["chapter", "article", "article", "chapter", "article", "article"]
    assert c["2"].heading == "保护措施" and "本办法第二条确定的范围" in c["2.3"].text


def test_markers_run_into_one_line_in_a_structured_document(tmp_path):
    # A scrape that put the section heading and its first sub-heading on one line.
    text = "\n".join([
        "某县秸秆综合利用工作方案",
        "一、总体要求（一）工作思路。以就地还田为主，离田利用为辅。",
        "（二）工作目标。到2026年，秸秆综合利用率稳定在92%以上。",
        "二、主要任务",
        "（三）推进肥料化利用。推广机械化粉碎还田。",
        "（四）拓展饲料化利用。支持青贮饲料加工。按照（四）项要求推进。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["1", "1.1", "1.2", "2", "2.3", "2.4"]
    assert _by_id(d)["1"].heading == "总体要求" and _by_id(d)["1.1"].heading == "工作思路"


# --- 2. numbering as real documents write it -------------------------------------------------------


def test_arabic_items_run_on_across_sections_without_a_second_level(tmp_path):
    text = "\n".join([
        "某市智能网联汽车产业行动方案",
        "一、发展目标",
        "到2027年，产业规模突破500亿元。",
        "二、重点任务",
        "1.突破核心技术。攻关车规级芯片。",
        "2.建设测试场景。开放测试道路100公里。",
        "三、保障措施",
        "3.加强人才引育。引进高层次人才团队。",
        "4.加大金融支持。设立产业基金。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["1", "2", "2.1", "2.2", "3", "3.3", "3.4"]
    assert [(c.level, c.kind) for c in d.clauses if c.parent_id] == [(3, "item")] * 4


def test_an_excerpt_that_jumps_to_a_later_item(tmp_path):
    text = "\n".join([
        "五、加快工业绿色转型",
        "9.推进钢铁行业超低排放改造。",
        "10.开展涉气产业集群排查整治。",
        "六、优化交通运输结构",
        "38.提升铁路货运比例。",
        "39.加快淘汰老旧柴油货车。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["5", "5.9", "5.10", "6", "6.38", "6.39"]
    assert any(w.code == "numbering-gap" and w.message.startswith("38.") for w in d.warnings)


@pytest.mark.parametrize("item", ["1.完善标准体系。", "1. 完善标准体系。", "1．完善标准体系。", "1、完善标准体系。"])
def test_arabic_marker_written_with_space_or_full_width_stop(tmp_path, item):
    d = _doc(tmp_path, f"一、健全制度\n{item}\n2.强化执法检查。\n")
    assert _ids(d) == ["1", "1.1", "1.2"] and _by_id(d)["1.1"].heading == "完善标准体系"


def test_level_one_heading_that_starts_with_a_year(tmp_path):
    text = "\n".join([
        "三、2026年工作回顾",
        "全年新增绿地120公顷。",
        "四、2027年重点任务",
        "（一）新建口袋公园20个。",
        "1.5万平方米的屋顶绿化已完成。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["3", "4", "4.1"]
    assert _by_id(d)["4"].heading == "2027年重点任务"
    assert "1.5万平方米" in _by_id(d)["4.1"].text  # the `1.5万` guard still holds


# --- 3. chapters, sections and articles ---------------------------------------------------------------

MEASURES = "\n".join([
    "某省湿地生态补偿管理办法",
    "第一章 总则",
    "第一条 为规范湿地生态补偿工作，根据有关规定，制定本办法。",
    "第二条 本办法适用于本省行政区域内的湿地生态补偿。",
    "第二章 补偿范围和标准",
    "第一节 补偿范围",
    "第三条 下列湿地纳入补偿范围：",
    "（一）国际重要湿地；",
    "（二）省级重要湿地；",
    "（三）其他需要保护的湿地。",
    "第四条【补偿对象】 补偿对象为湿地所在地的村集体和承包经营者。",
    "第二节 补偿标准",
    "第五条 补偿标准按照湿地等级确定：",
    "（一）一般湿地：",
    "1.每亩每年补偿50元；",
    "2.生态敏感区每亩每年补偿80元。",
    "（二）重要湿地每亩每年补偿100元。",
    "第三章 附则",
    "第六条 本办法自2026年7月1日起施行，依照本办法第五条规定的标准执行。",
])


def test_articles_ids_kinds_levels_and_headings(tmp_path):
    d = _doc(tmp_path, MEASURES)
    assert _ids(d) == [
        "1", "1.1", "1.2", "2", "2.1", "2.1.3", "2.1.3.1", "2.1.3.2", "2.1.3.3", "2.1.4",
        "2.2", "2.2.5", "2.2.5.1", "2.2.5.1.1", "2.2.5.1.2", "2.2.5.2", "3", "3.6",
    ]
    c = _by_id(d)
    assert [(c[i].kind, c[i].level) for i in ("1", "2.1", "2.1.3", "2.1.3.1", "2.2.5.1.1")] == [
        ("chapter", 1), ("section", 2), ("article", 3), ("item", 4), ("subitem", 5)]
    assert (c["1"].heading, c["2.1"].heading, c["2.1.4"].heading) == ("总则", "补偿范围", "补偿对象")
    # An article's heading is its first sentence (conventions, "Additions"); its text still holds it.
    assert c["1.1"].heading == "为规范湿地生态补偿工作，根据有关规定，制定本办法"
    assert c["1.1"].text.startswith("为规范湿地生态补偿工作")
    assert (c["2.1.3"].marker, c["2.1.3"].parent_id) == ("第三条", "2.1")


def test_articles_without_chapters_and_article_headings_on_their_own_line(tmp_path):
    text = "\n".join([
        "某市共享单车停放管理细则",
        "第一条 停放区域",
        "共享单车应当在施划的停放区内停放。",
        "第二条 运营责任",
        "运营企业应当及时清理违规停放车辆：",
        "1.早晚高峰每小时巡查一次；",
        "2.其他时段每两小时巡查一次。",
        "第三条 本细则自发布之日起施行。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["1", "2", "2.1", "2.2", "3"]
    c = _by_id(d)
    assert (c["1"].heading, c["2"].heading, c["3"].heading) == ("停放区域", "运营责任", "本细则自发布之日起施行")
    assert (c["2.1"].kind, c["2.1"].level) == ("subitem", 4)


def test_a_table_of_contents_is_not_the_clause_tree(tmp_path):
    text = "\n".join([
        "某区河湖长制工作规定",
        "目 录",
        "第一章 总则",
        "第二章 职责分工",
        "第三章 附则",
        "第一章 总则",
        "第一条 为落实河湖长制，制定本规定。",
        "第二章 职责分工",
        "第二条 区级河湖长负责辖区河湖管理保护。",
        "第三章 附则",
        "第三条 本规定自印发之日起施行。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["1", "1.1", "2", "2.2", "3", "3.3"]
    assert not any(w.code == "numbering-repeat" for w in d.warnings)


def test_dot_leader_contents_lines_are_skipped(tmp_path):
    text = "\n".join([
        "第一章 发展基础............12",
        "第一节 主要成效............12",
        "第一章 发展基础",
        "第一节 主要成效",
        "全区生态环境质量持续改善。",
    ])
    assert _ids(_doc(tmp_path, text)) == ["1", "1.1"]


def test_notice_with_clauses_and_an_attached_measures_gets_both_trees(tmp_path):
    text = "\n".join([
        "某市人民政府关于印发某市养老服务补贴管理办法的通知",
        "各区人民政府：",
        "现将《某市养老服务补贴管理办法》印发给你们，并提出以下要求：",
        "一、加强组织领导。各区要明确责任分工。",
        "二、做好资金保障。各区要足额安排补贴资金。",
        "附件：某市养老服务补贴管理办法",
        "附件",
        "某市养老服务补贴管理办法",
        "第一章 总则",
        "第一条 为规范养老服务补贴发放，制定本办法。",
        "第二章 补贴发放",
        "第二条 补贴按月发放。",
        "第三条 补贴标准如下：",
        "（一）失能老人每月300元；",
        "（二）半失能老人每月150元。",
    ])
    d = _doc(tmp_path, text)
    assert _ids(d) == ["1", "2", "A1.1", "A1.1.1", "A1.2", "A1.2.2", "A1.2.3", "A1.2.3.1", "A1.2.3.2"]
    c = _by_id(d)
    assert c["2"].text == "做好资金保障。各区要足额安排补贴资金。"  # the notice's last clause ends at the annex
    assert (c["A1.2.3.1"].kind, c["A1.2.3.1"].parent_id) == ("item", "A1.2.3")


def test_annex_without_articles_still_closes_the_tree(tmp_path):
    text = "\n".join([
        "一、总体要求",
        "二、工作任务",
        "附件：任务清单",
        "附件",
        "1、完善监测网络",
        "2、加强执法检查",
    ])
    assert _ids(_doc(tmp_path, text)) == ["1", "2"]


# --- 4. the real files ---------------------------------------------------------------------------------


def _real(prefix: str):
    return extract_file(real_file(prefix))


@pytest.mark.slow
def test_real_guangdong_measures_chapters_and_articles():
    d = _real("006")
    arts = [c for c in d.clauses if c.kind == "article"]
    assert len(arts) == 24 and (arts[0].id, arts[-1].id) == ("1.1", "5.24")
    assert [(c.id, c.heading) for c in d.clauses if c.kind == "chapter"] == [
        ("1", "总则"), ("2", "碳普惠管理"), ("3", "碳普惠交易"), ("4", "监督管理"), ("5", "附则")]
    c = _by_id(d)
    assert [x.id for x in d.clauses if x.parent_id == "3"] == ["3.14", "3.15", "3.16"]
    assert [x.id for x in d.clauses if x.parent_id == "5.22"] == [f"5.22.{i}" for i in range(1, 6)]
    assert c["5.22.1"].heading == "温室气体" and c["5.24"].text.startswith("本办法自2022年5月6日起施行")


@pytest.mark.slow
def test_real_bijie_measures_articles_without_chapters():
    d = _real("016")
    arts = [c.id for c in d.clauses if c.kind == "article"]
    assert arts == [str(i) for i in range(1, 23)]
    assert [c.id for c in d.clauses if c.parent_id == "7"] == ["7.1", "7.2", "7.3", "7.4", "7.5"]


@pytest.mark.slow
def test_real_jinan_rules_notice_then_rules_with_article_headings():
    d = _real("039")
    c = _by_id(d)
    assert [x.id for x in d.clauses if x.kind == "chapter"] == ["1", "2", "3", "4"]
    arts = [x for x in d.clauses if x.kind == "article"]
    assert len(arts) == 19 and (arts[0].id, arts[-1].id) == ("1.1", "4.19")
    assert (c["1.1"].heading, c["3.16"].heading, c["4.19"].heading) == ("补贴范围", "第三方机构", "其他事项")
    assert [x.id for x in d.clauses if x.parent_id == "2.7"] == [f"2.7.{i}" for i in range(1, 6)]
    assert [x.id for x in d.clauses if x.parent_id == "2.7.5"] == [f"2.7.5.{i}" for i in range(1, 6)]
    assert c["2.7.5.1"].heading == "闭环管理"


@pytest.mark.slow
def test_real_state_council_regulation():
    d = _real("050")
    arts = [c for c in d.clauses if c.kind == "article"]
    assert len(arts) == 55 and (arts[0].id, arts[-1].id) == ("1.1", "8.55")
    assert [(c.id, c.heading) for c in d.clauses if c.kind == "chapter"][-1] == ("8", "附则")
    assert [c.id for c in d.clauses if c.parent_id == "2"] == ["2.8", "2.9", "2.10", "2.11", "2.12", "2.13"]
    assert len([c for c in d.clauses if c.parent_id == "3.18"]) == 9


@pytest.mark.slow
def test_real_plan_with_chapters_sections_and_a_table_of_contents():
    d = _real("005")
    chapters = [c for c in d.clauses if c.kind == "chapter"]
    assert [c.id for c in chapters] == [str(i) for i in range(1, 13)]
    assert chapters[0].heading == "环境基础与形势" and chapters[0].page == 7  # the body, not the contents page
    assert [c.id for c in d.clauses if c.parent_id == "12"] == [f"12.{i}" for i in range(1, 7)]
    assert [c.id for c in d.clauses if c.parent_id == "6"] == [f"6.{i}" for i in range(1, 7)]


@pytest.mark.slow
def test_real_national_strategy_chapters_and_sections():
    d = _real("021")
    assert [c.id for c in d.clauses if c.kind == "chapter"] == [str(i) for i in range(1, 8)]
    assert [(c.id, c.heading) for c in d.clauses if c.parent_id == "4"] == [
        ("4.1", "水资源"), ("4.2", "陆地生态系统"), ("4.3", "海洋与海岸带")]


# --- 5. the scored corpus ------------------------------------------------------------------------------


@pytest.mark.slow
def test_scored_corpus_clause_ids_and_headings(tmp_path):
    import json

    score = gold_scorer()
    for doc in sorted((SCORED / "docs").glob("*.md")):
        d = extract_file(doc)
        gold = json.loads((SCORED / "gold" / f"{doc.stem}.json").read_text(encoding="utf-8"))
        r = score.score_clauses(gold, json.loads(d.model_dump_json()))
        assert (r["tp"], r["fp"], r["fn"]) == (len(gold["clauses"]), 0, 0), (doc.name, r["missing"], r["spurious"])
        assert r["heading_match"] == r["tp"], doc.name

