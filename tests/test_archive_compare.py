"""compare pairs like an analyst (issue 21): by target year, a national amount never judged against a
region's, a region's level above or below the national one, changes rendered with their sign, and a
chain that keeps to a region's line. Made-up plans of real places."""
from __future__ import annotations

from pathlib import Path

from planparse.compare import build_chain, compare_documents
from planparse.compare.render import target_value
from planparse.grammar import load_grammars
from planparse.pipeline import extract_file

NATIONAL = """国发〔2021〕9号
国务院关于印发示范林业行动方案的通知
各省、自治区、直辖市人民政府：
现将《示范林业行动方案》印发给你们。
国务院
2021年1月5日
示范林业行动方案
一、主要目标
到2025年，全国森林覆盖率达到25%，森林蓄积量达到180亿立方米。到2030年，全国森林覆盖率达到26%。到2030年，单位国内生产总值二氧化碳排放比2005年下降65%以上。
"""

PROVINCE = """赣府发〔2021〕3号
江西省人民政府关于印发江西省示范林业实施方案的通知
各设区市人民政府：
为贯彻落实《国务院关于印发示范林业行动方案的通知》（国发〔2021〕9号），现将《江西省示范林业实施方案》印发给你们。
江西省人民政府
2021年2月5日
江西省示范林业实施方案
一、主要目标
到2030年，全省森林覆盖率达到63%。到2025年，全省森林覆盖率达到62%，森林蓄积量达到11亿立方米。
"""


def write(tmp_path: Path, name: str, text: str):
    p = tmp_path / f"{name}.txt"
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


def test_pairs_only_within_a_target_year_and_national_against_a_region(tmp_path):
    c = compare_documents(write(tmp_path, "national", NATIONAL), write(tmp_path, "jiangxi", PROVINCE))
    pairs = {(p.parent.metric_key, p.parent.target_year): p for p in c.targets.pairs}
    assert all(p.parent.target_year == p.child.target_year for p in c.targets.pairs)   # no pair across years
    cover25, cover30 = pairs[("森林覆盖率", 2025)], pairs[("森林覆盖率", 2030)]
    assert (cover25.child.value, cover25.verdict) == (62.0, "above_national")
    assert (cover30.child.value, cover30.verdict) == (63.0, "above_national")
    stock = pairs[("森林蓄积量", 2025)]
    # 11亿 of a province is a share of the nation's 180亿, never "looser"
    assert (stock.verdict, stock.region_share) == ("not_comparable", 6.11) and "6.11% of the nation's" in stock.reason


def test_a_region_below_the_national_level(tmp_path):
    province = PROVINCE.replace("达到62%", "达到20%")
    c = compare_documents(write(tmp_path, "national", NATIONAL), write(tmp_path, "jiangxi", province))
    cover25 = next(p for p in c.targets.pairs if p.parent.target_year == 2025 and p.parent.metric_key == "森林覆盖率")
    assert cover25.verdict == "below_national" and "below the national level" in cover25.reason


def test_a_decrease_keeps_its_sign_in_text(tmp_path):
    c = compare_documents(write(tmp_path, "national", NATIONAL), write(tmp_path, "jiangxi", PROVINCE))
    carbon = next(t for t in c.targets.dropped if t.direction == "decrease")
    assert target_value(carbon).startswith("-65%") and ">=-" not in target_value(carbon)


CHAIN_NATIONAL = """中发〔2021〕1号
中共中央 国务院关于做好示范碳工作的意见
各省、自治区、直辖市党委和人民政府：
一、总体要求
到2025年，非化石能源消费比重达到20%左右。
"""

OPINION = """中共{p}省委 {p}省人民政府
关于做好示范碳工作的实施意见
为贯彻落实《中共中央 国务院关于做好示范碳工作的意见》，结合我省实际，提出如下实施意见。
一、总体要求
到2025年，非化石能源占能源消费总量比重达到{v}%。
"""


def test_the_chain_keeps_to_a_regions_line(tmp_path):
    docs = [write(tmp_path, "national", CHAIN_NATIONAL),
            write(tmp_path, "sichuan", OPINION.format(p="四川", v=40)),
            write(tmp_path, "jiangxi", OPINION.format(p="江西", v=18)),
            # a 南昌 plan citing its province's 实施意见 by title only: 江西's, never 四川's of the same title
            write(tmp_path, "nanchang", "南昌市示范碳工作方案\n为贯彻落实《关于做好示范碳工作的实施意见》，制定本方案。\n一、目标\n到2025年，示范完成。\n"),
            # 〈〉 in the plan's own title names the plan it implements
            write(tmp_path, "ganzhou", "赣州市贯彻落实〈关于做好示范碳工作的实施意见〉的行动方案\n一、目标\n到2025年，示范完成。\n")]
    chain = build_chain(docs, load_grammars(None))
    implements = {Path(d.document.path).stem: [Path(p).stem for p in d.implements] for d in chain.documents}
    assert implements["sichuan"] == ["national"] and implements["jiangxi"] == ["national"]
    assert implements["nanchang"] == ["jiangxi"]
    assert implements["ganzhou"] == ["jiangxi"]


def test_metric_synonyms_fold_into_one_key(tmp_path):
    text = ("示范方案\n一、目标\n到2025年，单位GDP二氧化碳排放下降18%，非化石能源占能源消费总量比重达到20%，"
            "生活垃圾资源化利用比例达到60%。\n")
    keys = [t.metric_key for t in write(tmp_path, "keys", text).targets]
    assert keys == ["单位国内生产总值二氧化碳排放", "非化石能源消费比重", "生活垃圾资源化利用率"]
