"""Agencies an analyst can count (issue 21): the first-listed lead rule, canonical names that keep their
place, and 市场监管厅 read whole. Made-up documents."""
from __future__ import annotations

from pathlib import Path

from planparse.grammar import load_grammars
from planparse.extraction.agencies import AgencyParser
from planparse.pipeline import extract_file


def write(tmp_path: Path, name: str, text: str):
    p = tmp_path / f"{name}.txt"
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


TASKS = """天津市示范工作方案
各项任务的责任单位中，列首位的为牵头单位。
一、重点任务
（一）推进示范工作。加快推进示范项目建设。（责任单位：市发展改革委、市财政局、市生态环境局）
（二）加强示范管理。健全示范管理制度。（责任单位：市生态环境局、市发展改革委）
（三）强化示范保障。落实示范资金。（市财政局牵头，市发展改革委配合）
"""


def test_first_listed_body_leads(tmp_path):
    d = write(tmp_path, "tianjin", TASKS)
    leads = [a.lead for a in d.agencies]
    assert leads == [["市发展改革委"], ["市生态环境局"], ["市财政局"]]
    # the others of the list support the first (conventions, "Additions")
    assert (d.agencies[0].support, d.agencies[0].responsible) == (["市财政局", "市生态环境局"], [])


def test_without_the_rule_the_list_is_only_responsible(tmp_path):
    d = write(tmp_path, "tianjin", TASKS.replace("各项任务的责任单位中，列首位的为牵头单位。\n", ""))
    assert d.agencies[0].lead == [] and d.agencies[0].responsible[0] == "市发展改革委"


def test_a_canonical_name_keeps_its_place(tmp_path):
    d = write(tmp_path, "tianjin", TASKS)
    assert d.meta.region.name == "天津市"
    assert d.agencies[0].canonical["市发展改革委"] == "天津市发展和改革委员会"
    assert d.agencies[1].canonical["市生态环境局"] == "天津市生态环境局"


def test_a_city_of_a_province_and_a_province(tmp_path):
    city = write(tmp_path, "wuhan", TASKS.replace("天津市", "武汉市"))
    assert city.agencies[0].canonical["市发展改革委"] == "武汉市发展和改革委员会"
    province = write(tmp_path, "hubei", TASKS.replace("天津市", "湖北省").replace("市", "省"))
    assert province.agencies[0].canonical["省发展改革委"] == "湖北省发展和改革委员会"


def test_market_regulation_is_not_a_city_prefix():
    a, _ = AgencyParser(load_grammars(None)).parse("省发展改革委、市场监管厅、生态环境厅牵头")
    assert a.lead == ["省发展改革委", "省市场监管厅", "省生态环境厅"]


def test_a_body_naming_its_own_place_is_not_placed_again():
    from planparse.extraction.agency_names import placed
    from planparse.regions import divisions

    g = load_grammars(None)
    assert placed("省人民银行济南分行", divisions()["370000"], g) == "省人民银行济南分行"
    assert placed("省发展和改革委员会", divisions()["370000"], g) == "山东省发展和改革委员会"
