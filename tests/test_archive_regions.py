"""meta.region and meta.level (issue 21): where a document is from, on made-up documents of real places.

Every shape is a made-up document: the 文号 prefix (苏政发 → 江苏省), a party-committee issuer, a city
bureau, a county, a central document, a document that names no place.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planparse.grammar import load_grammars
from planparse.pipeline import extract_file
from planparse.regions import divisions, place_of, short_form

DATA = Path(__file__).resolve().parents[1] / "src" / "planparse" / "data"

BODY = "一、总体要求\n到2025年，森林覆盖率达到30%。\n二、重点任务\n（一）推进示范工作。\n"


def doc(tmp_path: Path, name: str, front: str, body: str = BODY):
    p = tmp_path / f"{name}.txt"
    p.write_text(front + "\n" + body, encoding="utf-8")
    return extract_file(p)


def test_the_division_list_is_the_vendored_one_with_its_licence():
    table = divisions()
    assert len(table) > 3000 and all(len(c) == 6 and c.isdigit() for c in table)
    assert table["450000"].name == "广西壮族自治区" and table["320106"].name == "鼓楼区"
    assert (DATA / "LICENSE-divisions").read_text(encoding="utf-8").startswith("The MIT License")
    with (DATA / "divisions.csv").open(encoding="utf-8") as f:
        assert next(csv.reader(f)) == ["code", "name"]


@pytest.mark.parametrize("name, short", [("江苏省", "江苏"), ("广西壮族自治区", "广西"), ("新疆维吾尔自治区", "新疆"),
                                         ("内蒙古自治区", "内蒙古"), ("恩施土家族苗族自治州", "恩施"), ("南宁市", "南宁")])
def test_short_forms(name, short):
    rules = load_grammars(None).places
    assert short_form(name, tuple(rules.short_form_endings), tuple(rules.autonomous_endings)) == short


@pytest.mark.parametrize("text, code", [
    ("中共江苏省委", "320000"),
    ("南宁住房和城乡建设局", "450100"),      # a short city name
    ("江苏省南京市鼓楼区", "320106"),        # narrowed to the innermost place
    ("天津市发展和改革委员会", "120000"),
    ("中心城区建设方案", None),              # 城区 is a word, not the county of that name
])
def test_place_of_a_name(text, code):
    place = place_of(text, load_grammars(None).places)
    assert (place.code if place else None) == code


def test_a_namesake_county_resolved_by_the_place_around_it():
    rules = load_grammars(None).places
    assert place_of("鼓楼区人民政府", rules) is None                      # four 鼓楼区: which one is unknown
    assert place_of("鼓楼区人民政府", rules, [divisions()["350100"]]).code == "350102"  # a 福州 document


def test_region_from_the_doc_number_prefix(tmp_path):
    d = doc(tmp_path, "su", "苏政发〔2031〕5号\n\n示范行动方案\n")
    assert (d.meta.region.name, d.meta.region.code, d.meta.level) == ("江苏省", "320000", "provincial")


def test_party_committee_issuer_gets_a_level_and_region(tmp_path):
    d = doc(tmp_path, "party", "中共江西省委 江西省人民政府\n关于示范工作的实施意见\n（2031年1月5日）\n")
    assert d.meta.region.code == "360000" and d.meta.level == "provincial"


def test_city_bureau_from_the_signature(tmp_path):
    front = "关于开展示范工作的通知\n各区县商务主管部门：\n现将有关事项通知如下。\n"
    body = BODY + "\n济南市商务局\n2031年3月1日\n"
    d = doc(tmp_path, "jinan", front, body)
    assert (d.meta.region.code, d.meta.level) == ("370100", "municipal")


def test_county_from_the_title(tmp_path):
    d = doc(tmp_path, "county", "繁昌区示范支持措施\n")
    assert (d.meta.region.code, d.meta.level) == ("340212", "district")


def test_a_central_document_is_national_with_no_region(tmp_path):
    d = doc(tmp_path, "central", "国发〔2031〕9号\n\n国务院关于印发示范行动方案的通知\n各省、自治区、直辖市人民政府：\n")
    assert d.meta.region is None and d.meta.level == "national"


def test_a_document_naming_no_place_is_national(tmp_path):
    d = doc(tmp_path, "noplace", "示范领域行动方案\n")
    assert d.meta.region is None and d.meta.level == "national"


def test_a_local_department_is_not_central(tmp_path):
    d = doc(tmp_path, "dept", "苏宣发〔2031〕2号\n关于开展示范宣传工作的通知\n各设区市委宣传部：\n", BODY + "\n省委宣传部\n2031年3月1日\n")
    assert d.meta.region is not None and d.meta.region.code == "320000" and d.meta.level == "provincial"


def test_a_provincial_opinion_that_names_its_province_only_in_the_text(tmp_path):
    front = "关于做好示范工作的实施意见\n为贯彻落实党中央决策部署，结合我省实际，提出如下意见。\n"
    filler = "（三）加强示范工作的组织实施，完善工作机制，强化督促检查。" * 20   # no place up front
    body = BODY + filler + "\n（四）支持江西省重点企业和南昌、赣州等地开展示范，推动江西绿色发展，与湖南协同。\n"
    d = doc(tmp_path, "opinion", front, body)
    assert (d.meta.region.code, d.meta.level) == ("360000", "provincial")   # the province named most


def test_a_local_document_naming_no_place_still_gets_its_level(tmp_path):
    d = doc(tmp_path, "nameless", "关于做好示范工作的实施意见\n结合我市实际，提出如下意见。\n")
    assert d.meta.region is None and d.meta.level == "municipal"


def test_a_municipality_document_that_says_quanshi(tmp_path):
    front = "关于做好示范工作的实施方案\n为推动全市示范工作，结合本市实际，制定本方案。\n"
    filler = "（三）加强示范工作的组织实施，完善工作机制，强化督促检查。" * 20
    body = BODY + filler + "\n（四）支持浦东新区、闵行区开展示范，推动黄浦区协同。\n"
    d = doc(tmp_path, "shanghai", front, body)
    assert (d.meta.region.code, d.meta.level) == ("310000", "provincial")   # 全市 of 上海 is the municipality
