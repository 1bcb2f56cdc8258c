"""Tables: task-decomposition tables (→ tasks) and annex tables (→ tables, targets), from every source:
geometric tables (PDF/docx/html), tab-separated text, one-cell-per-line text, and PDF text flattened
with neither ruling nor tabs (sample 002). Expected values were written out from a reading of the
samples; nothing here reads the gold files.
"""
from __future__ import annotations

import re
import sys
import unicodedata
from pathlib import Path

import pytest

from planparse.emit import write_document_csvs
from planparse.extraction import extract_all
from planparse.grammar import load_grammars
from planparse.ingest.base import RawDocument, RawPage, RawTable
from planparse.normalise import normalise
from planparse.pipeline import extract_file
from planparse.segment import segment

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
S001 = SAMPLES / "001_e273565e5025a23d.txt"
S002 = SAMPLES / "002_5ca395b12717d3cc.txt"
S004 = SAMPLES / "004_f8539a09ccbc65f7.txt"


def key(s):
    """Compare categories as the contract does: punctuation and whitespace removed."""
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", s or ""))


def roles(task):
    ag = task.agencies
    return {r: getattr(ag, r) for r in ("lead", "support", "responsible", "implementers") if getattr(ag, r)}


@pytest.fixture(scope="module")
def doc001():
    return extract_file(S001)


@pytest.fixture(scope="module")
def doc002():
    return extract_file(S002)


@pytest.fixture(scope="module")
def doc004():
    return extract_file(S004)


# ------------------------------------------------------------------------ 002: the flattened table

CATEGORIES_002 = (
    ["坚决遏制“两高一低”项目盲目上马"] * 2
    + ["加快退出重点行业落后产能"]
    + ["推进园区、产业集群绿色低碳化改造与综合整治"] * 2
    + ["优化含VOCs原辅材料和产品结构"] * 2
    + ["严格合理控制煤炭消费总量"] * 2
    + ["推进燃煤锅炉关停整合和工业炉窑清洁能源替代"] * 3
    + ["持续优化调整货物运输结构"] * 2
    + ["加快提升机动车清洁化水平"] * 5
    + ["强化非道路移动源综合治理"] * 2
    + ["加强扬尘精细化管控"] * 2
    + ["加强秸秆综合利用和禁烧"] * 2
    + ["强化VOCs全流程、全环节综合治理"] * 2
    + ["推进重点行业超低排放与提标改造"] * 3
    + ["开展餐饮油烟、恶臭异味专项治理"]
    + ["稳步推进大气氨污染防控"] * 2
    + ["健全区域大气污染防治协作机制"]
    + ["完善重污染天气应对机制"] * 2
    + ["持续加强监测和执法监管能力建设"] * 3
    + ["加强决策科技支撑"]
    + ["强化标准引领"] * 2
    + ["积极发挥财政金融引导作用"] * 4
    + ["加强组织领导", "严格监督考核", "推进信息公开"]
)

# 完成时限 column, rows 1–49, as printed
DEADLINES_002 = (
    ["持续推进", "持续推进", "尽快淘汰"] + ["持续推进"] * 7 + ["2025年", "持续推进", "2025年", "持续推进", "2025年",
    "持续推进", "持续推进", "2025年", "持续推进", "2025年", "2025年", "持续推进", "2025年", "持续推进", "持续推进",
    "2025年", "持续推进", "2024年", "持续推进", "持续推进", "持续推进", "2025年"] + ["持续推进"] * 17
)


def test_002_rebuilds_all_49_rows(doc002):
    assert [t.seq for t in doc002.tasks] == list(range(1, 50))
    assert doc002.tables == []  # a task table is tasks, not tables
    assert all(t.table_title == "重点工作任务分解表" for t in doc002.tasks)


def test_002_categories_carried_down(doc002):
    got = [key(t.category) for t in doc002.tasks]
    assert got == [key(c) for c in CATEGORIES_002]
    by_seq = {t.seq: t for t in doc002.tasks}
    assert {by_seq[s].category for s in range(15, 20)} == {"加快提升机动车清洁化水平"}
    assert {by_seq[s].category for s in range(37, 40)} == {"持续加强监测和执法监管能力建设"}
    assert {by_seq[s].category for s in range(43, 47)} == {"积极发挥财政金融引导作用"}
    # a category broken over lines with a blank line inside (`强化 VOCs` / `全流程、全` …)
    assert by_seq[26].category == "强化VOCs全流程、全环节综合治理"


def test_002_deadline_cells(doc002):
    assert [t.deadline_text for t in doc002.tasks] == DEADLINES_002
    by_seq = {t.seq: t for t in doc002.tasks}
    assert (by_seq[1].deadline.kind, by_seq[1].deadline.date) == ("ongoing", None)
    assert (by_seq[3].deadline.kind, by_seq[3].deadline_text) == ("asap", "尽快淘汰")
    assert (by_seq[11].deadline.kind, by_seq[11].deadline.date) == ("date", "2025-12-31")
    assert (by_seq[28].deadline.kind, by_seq[28].deadline.date) == ("date", "2024-12-31")
    assert all(t.deadline.task_seq == t.seq for t in doc002.tasks)


def test_002_content_is_the_measures_text(doc002):
    by_seq = {t.seq: t for t in doc002.tasks}
    # cells that shared one printed line with the 完成时限 and 责任分工 cells
    assert by_seq[4].content == "每年建设绿色工厂10家，持续推进绿色工业园区建设。"
    assert by_seq[5].content == "积极开展园区和产业集群整体清洁生产审核创新试点。"
    assert by_seq[44].content == "落实港口岸电使用优惠政策。"
    assert by_seq[11].content.startswith("到2025年，淘汰每小时35蒸吨及以下的燃煤锅炉")
    assert by_seq[14].content.endswith("开通通海港、吕四港铁路专用线。")
    assert by_seq[3].content.endswith("推进全市每小时2蒸吨及以下生物质锅炉尽快淘汰。")


def test_002_agencies_and_standing_rule(doc002):
    by_seq = {t.seq: t for t in doc002.tasks}
    assert roles(by_seq[1]) == {
        "responsible": ["市发展改革委", "市工业和信息化局", "市生态环境局", "市数据局"],
        "implementers": ["各县（市、区）人民政府"],
    }
    # 以下均需各县（市、区）人民政府落实，不再列出: every later row has them as inherited implementers
    for t in doc002.tasks[1:]:
        assert t.agencies.implementers_inherited == ["各县（市、区）人民政府"], t.seq
    assert roles(by_seq[11])["lead"] == ["市生态环境局"]
    assert roles(by_seq[11])["support"] == ["市发展改革委", "市农业农村局", "市市场监管局"]
    assert roles(by_seq[44]) == {"lead": ["市交通运输局"], "responsible": ["市发展改革委", "市财政局", "市港口集团"],
                                 "implementers": ["各县（市、区）人民政府"]}
    assert roles(by_seq[46])["lead"] == ["中国人民银行南通市分行"]
    assert roles(by_seq[46])["support"] == ["国家金融监督管理总局南通监管分局", "市生态环境局", "市交通运输局", "市财政局"]
    assert roles(by_seq[49])["responsible"] == ["市生态环境局", "市发展改革委", "中国人民银行南通市分行", "市市场监管局"]
    assert all(t.agencies.task_seq == t.seq for t in doc002.tasks)


def test_002_rows_know_their_clause(doc002):
    by_seq = {t.seq: t for t in doc002.tasks}
    assert by_seq[1].clause_id == "2.1"
    assert by_seq[12].clause_id == "3.6"
    # 持续加强监测和执法监管能力建设 vs heading 持续加强监测能力建设和执法监管能力建设: fuzzy
    assert {by_seq[s].clause_id for s in (37, 38, 39)} == {"8.18"}
    assert by_seq[49].clause_id == "10.24"


def test_002_task_targets(doc002):
    by_seq = {t.seq: t for t in doc002.tasks}
    t15 = [(t.value, t.unit, t.comparator) for t in by_seq[15].targets]
    assert t15 == [(80.0, "%", ">=")]
    t13 = {(t.value, t.unit) for t in by_seq[13].targets}
    assert {(12.0, "%"), (10.0, "%"), (80.0, "%")} <= t13
    assert all(t.task_seq == 13 and t.clause_id is None for t in by_seq[13].targets)
    # task targets are in the document's flat list too
    assert sum(1 for t in doc002.targets if t.task_seq is not None) == sum(len(t.targets) for t in doc002.tasks)


# --------------------------------------------------------------------- 004: tab-separated table

AGENCIES_004 = {
    1: {"responsible": ["区经发局", "区行政审批局", "区生态环境分局"]},
    2: {"responsible": ["区经发局", "区行政审批局", "区生态环境分局", "区综合行政执法局"]},
    3: {"lead": ["区生态环境分局"], "support": ["区经发局"]},
    4: {"responsible": ["区经发局", "区行政审批局", "区生态环境分局", "区综合行政执法局"]},
    5: {"responsible": ["区经发局", "区生态环境分局"]},
    6: {"lead": ["市交通运输综合行政执法支队二大队"], "support": ["市生态环境分局", "各街道"]},
    7: {"lead": ["区住建局"]},
    8: {"lead": ["区经发局"]},
    9: {"responsible": ["区经发局", "区行政审批局", "区综合行政执法局"]},
    10: {"lead": ["区综合行政执法局"], "support": ["区经发局", "区住建局", "区生态环境分局", "各街道"]},
    11: {"responsible": ["区经发局"]},
    12: {"support": ["各街道"], "responsible": ["区经发局", "区住建局", "区行政审批局", "区生态环境分局", "区综合行政执法局"]},
    13: {"responsible": ["区经发局", "区生态环境分局", "区综合行政执法局"]},
    14: {"responsible": ["区经发局", "区行政审批局", "区生态环境分局"]},
    15: {"support": ["各街道"], "responsible": ["区公安分局", "区经发局", "区生态环境分局", "区财政局"]},
    16: {"support": ["各街道"], "responsible": ["区住建局", "交警开发区大队", "区公安分局", "区生态环境分局"]},
    17: {"lead": ["区生态环境分局"], "support": ["交警开发区大队", "市交通运输综合行政执法支队二大队", "区公安分局", "区综合行政执法局"]},
    18: {"responsible": ["区住建局", "区经发局", "区生态环境分局", "区综合行政执法局"]},
    19: {"lead": ["区生态环境分局"], "support": ["区住建局"]},
    20: {"responsible": ["区住建局", "区生态环境分局"]},
    21: {"support": ["各街道"], "responsible": ["区住建局", "区资源分局", "区生态环境分局", "区公安分局"]},
    22: {"lead": ["区社会事业局"], "support": ["各街道"]},
    23: {"responsible": ["区生态环境分局", "区社会事业局", "区住建局"]},
    24: {"lead": ["区生态环境分局"]},
    25: {"lead": ["区生态环境分局"]},
    26: {"responsible": ["区生态环境分局", "交警开发区大队", "区公安分局", "区经发局", "区综合行政执法局"]},
    27: {"lead": ["区生态环境分局"], "support": ["区经发局", "区综合行政执法局", "区应急管理局"]},
    28: {"lead": ["区生态环境分局"]},
    29: {"support": ["各街道"], "responsible": ["区综合行政执法局", "区住建局", "区生态环境分局", "区经发局"]},
    30: {"lead": ["区社会事业局"], "support": ["各街道"]},
    31: {"lead": ["区生态环境分局"]},
    32: {"lead": ["区生态环境分局"], "support": ["各有关部门"]},
    33: {"responsible": ["交警开发区大队", "区生态环境分局"]},
    34: {"responsible": ["区生态环境分局"]},
    35: {"lead": ["区生态环境分局"]},
    36: {"lead": ["区生态环境分局"]},
    37: {"responsible": ["区生态环境分局", "交警开发区大队", "区综合行政执法局"]},
    38: {"support": ["各街道"], "responsible": ["区生态环境分局", "区经发局", "区住建局", "区综合行政执法局", "区公安分局", "交警开发区大队"]},
    39: {"responsible": ["区生态环境分局", "区经发局", "区综合行政执法局"]},
    40: {"responsible": ["区经发局", "区生态环境分局", "区综合行政执法局", "区行政审批局", "区住建局"]},
    41: {"support": ["各街道"], "responsible": ["区公安分局", "区生态环境分局", "区经发局", "区财政局"]},
    42: {"lead": ["区社会事业局"], "support": ["区生态环境分局", "区财政局"]},
    43: {"lead": ["区生态环境分局"], "support": ["各街道"], "responsible": ["各有关部门"]},
    44: {"responsible": ["区生态环境分局"]},
    45: {"support": ["各街道"], "responsible": ["区生态环境分局", "区经发局", "区综合行政执法局"]},
}


def test_004_rows(doc004):
    assert [t.seq for t in doc004.tasks] == list(range(1, 46))
    assert doc004.tables == []
    # no 完成时限 column: no deadlines
    assert all(t.deadline is None and t.deadline_text is None for t in doc004.tasks)


def test_004_categories(doc004):
    by_seq = {t.seq: t for t in doc004.tasks}
    # an empty category cell is the category of the row above (rows 25–27 under row 24)
    assert {key(by_seq[s].category) for s in (24, 25, 26, 27)} == {key("强化VOCs全流程、全环节综合治理")}
    assert by_seq[27].category == "强化VOCs全流程、全环节综合治理"
    assert by_seq[28].category == "推进重点行业超低排放与提标改造"
    # the category is written again after a repeated header (row 36)
    assert {by_seq[s].category for s in range(34, 39)} == {"持续加强监测和执法监管能力建设"}
    assert by_seq[3].category == "推进园区、产业集群绿色低碳化改造与综合治理"
    assert {by_seq[s].clause_id for s in (24, 25, 26, 27)} == {"6.11"}
    # a clause without a heading sentence matches by its own first line (十、…)
    assert {by_seq[s].clause_id for s in (43, 44, 45)} == {"10"}
    assert by_seq[30].clause_id == "6.14"  # 大气氨污染防治 vs heading 大气氨污染防控


def _accepted(got):
    """`交警开发区大队` carries its own jurisdiction; `区交警开发区大队` is the accepted variant."""
    return {s: {r: ["交警开发区大队" if n == "区交警开发区大队" else n for n in names] for r, names in v.items()}
            for s, v in got.items()}


def test_004_agencies_of_every_row(doc004):
    got = {t.seq: roles(t) for t in doc004.tasks}
    assert _accepted(got) == AGENCIES_004


def test_004_markup_is_gone(doc004):
    assert not any("<p>" in t.content or "</p>" in (t.agencies.text or "") for t in doc004.tasks)
    by_seq = {t.seq: t for t in doc004.tasks}
    assert by_seq[2].content.startswith("针对现有产业集群制定专项整治方案")
    assert [(t.value, t.unit) for t in by_seq[8].targets] == [(20.0, "%"), (15.0, "%"), (35.0, "%")]


# ---------------------------------------------------------------- 001: one cell per line, 2-row headers

def test_001_four_annex_tables(doc001):
    tables = doc001.tables
    assert [t.title for t in tables] == [
        "2020年各设区市空气质量改善目标表",
        "2020年各设区市主要大气污染物减排目标表",
        "各设区市2019-2020年秋冬季空气质量改善目标表",
        "2020年大气污染防治工程项目汇总表",
    ]  # 附件5 省有关部门名单 is a list, not a table
    assert [t.annex for t in tables] == ["附件1", "附件2", "附件3", "附件4"]
    assert [len(t.rows) for t in tables] == [14, 14, 13, 14]
    assert [len(t.header) for t in tables] == [5, 4, 3, 20]
    assert all(len(r) == len(t.header) for t in tables for r in t.rows)
    assert [t.kind for t in tables] == ["targets", "targets", "targets", None]
    assert doc001.tasks == []


def test_001_headers_flattened_to_leaves(doc001):
    t1, t2, t3, t4 = doc001.tables
    assert t1.header == ["城市", "PM2.5浓度（μg/m3）约束性目标", "PM2.5浓度（μg/m3）工作目标",
                         "优良天数比率（%）约束性目标", "优良天数比率（%）工作目标"]
    assert t2.header == ["城市", "挥发性有机物减排比例（%）", "二氧化硫减排比例（%）", "氮氧化物减排比例（%）"]
    assert t3.header == ["城市", "PM2.5浓度同比下降比例（%）", "重污染天数同比减少（天）"]
    # the 2-row header of 附件4: spanned top cells shared out by what their sub-cells say
    assert t4.header[3:5] == ["能源结构调整项目煤炭消费总量控制项目", "能源结构调整项目热电整合项目"]
    assert t4.header[6:8] == ["重点行业深度减排项目锅炉提标改造项目", "重点行业深度减排项目其他重点行业减排项目"]
    assert t4.header[8].startswith("VOCs污染治理项目") and t4.header[12].startswith("VOCs污染治理项目")
    assert t4.header[14:17] == ["扬尘治理项目施工工地扬尘治理项目", "扬尘治理项目码头堆场扬尘治理项目",
                                "扬尘治理项目工业堆场扬尘治理项目"]
    assert t4.header[-1] == "合计"


def test_001_rows(doc001):
    t1, t2, t3, t4 = doc001.tables
    assert t1.rows[0] == ["南京", "39", "38", "71.5", "72"]
    assert t1.rows[-1] == ["全省", "43", "42", "72", "73"]
    assert [r[0] for r in t3.rows][-1] == "宿迁"
    assert t3.rows[2] == ["徐州", "5.0", "1"]
    assert t4.rows[0] == ["南京", "6", "", "", "", "3", "24", "7", "", "53", "57", "", "99", "13", "39", "1", "7", "6", "7", "322"]
    assert t4.rows[-1][0] == "全省" and t4.rows[-1][-1] == "4535"


def test_001_table_targets(doc001):
    tt = [t for t in doc001.targets if t.table_index is not None]
    assert [sum(1 for t in tt if t.table_index == i) for i in range(4)] == [56, 42, 14, 0]
    first = tt[0]
    assert (first.scope, first.metric, first.value, first.unit, first.target_year, first.table_index) == (
        "南京", "PM2.5浓度约束性目标", 39.0, "微克/立方米", 2020, 0)
    ratio = next(t for t in tt if t.table_index == 0 and t.scope == "全省" and t.metric == "优良天数比率工作目标")
    assert (ratio.value, ratio.unit) == (73.0, "%")
    # 持续改善 is qualitative: no target; 无锡 0.0 is the value 0; 2019-2020年秋冬季 → 2020
    t3 = [t for t in tt if t.table_index == 2]
    assert [t.scope for t in t3 if t.unit == "天"] == ["徐州"]
    wuxi = next(t for t in t3 if t.scope == "无锡")
    assert (wuxi.value, wuxi.unit, wuxi.direction, wuxi.target_year) == (0.0, "%", "decrease", 2020)
    assert all(t.clause_id is None and t.task_seq is None for t in tt)


# ------------------------------------------------------------------------------ hand-made tables

BODY = [
    "某市关于印发大气治理工作方案的通知",
    "",
    "一、加强组织领导",
    "（一）强化统筹调度。建立工作专班。",
    "（二）压实工作责任。将任务纳入考核。",
    "",
]


def _write(tmp_path, name, lines):
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_tab_separated_table_with_merged_category_and_lead_support_columns(tmp_path):
    p = _write(tmp_path, "tsv.txt", BODY + [
        "附件", "", "重点任务清单", "",
        "序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限",
        "1\t强化统筹调度\t建立工作专班，每月调度一次。\t市发展改革委\t市财政局、统计局\t2025年6月底前",
        "2\t\t编制年度计划，明确责任分工。\t市发展改革委\t\t持续推进",
        "序号\t重点任务\t具体措施\t牵头单位\t配合单位\t完成时限",
        "3\t压实工作责任\t将任务纳入年度考核。\t市委组织部\t市发展改革委\t每年",
    ])
    doc = extract_file(p)
    assert [t.seq for t in doc.tasks] == [1, 2, 3]
    assert [t.category for t in doc.tasks] == ["强化统筹调度", "强化统筹调度", "压实工作责任"]
    assert [t.clause_id for t in doc.tasks] == ["1.1", "1.1", "1.2"]
    assert doc.tasks[0].content == "建立工作专班，每月调度一次。" == doc.tasks[0].measures
    assert roles(doc.tasks[0]) == {"lead": ["市发展改革委"], "support": ["市财政局", "市统计局"]}
    assert roles(doc.tasks[1]) == {"lead": ["市发展改革委"]}
    assert (doc.tasks[0].deadline.kind, doc.tasks[0].deadline.date) == ("date", "2025-06-30")
    assert doc.tasks[2].deadline.kind == "recurring"
    assert doc.tables == []


FLAT = BODY[:2] + [
    "一、推进产业升级",
    "（一）推进产业升级。加快淘汰落后产能，推动传统产业改造提升。",
    "（二）加强监测能力建设。完善空气质量监测网络。",
    "",
    "附件", "", "重点任务分解表", "",
    "序号 重点任务 责任单位 完成时限",
    "",
    "1 推进产业",
    "升级",
    "",
    "加快淘汰落后产能，推动传统产业改造提升，",
    "培育一批绿色工厂，到 2025年建成 10家以上。",
    "",
    "市工信局牵头，市发改委配合。 2025年底前",
    "",
    "2",
    "开展清洁生产审核，推动重点行业企业实施",
    "清洁化改造。",
    "市生态环境局负责。 持续推进",
    "",
    "— 12 —",
    "",
    "序号 重点任务 责任单位 完成时限",
    "",
    "3 加强监测",
    "能力建设",
    "",
    "完善空气质量监测网络，提升预警预报能力，",
    "实现重点区域全覆盖。",
    "",
    "市生态环境局、气象局按职责分工负责。",
    "长期坚持",
]


def test_flattened_table_with_repeated_page_headers(tmp_path):
    """Columns in another order than 002 (责任单位 before 完成时限), header repeated after a page number."""
    doc = extract_file(_write(tmp_path, "flat.txt", FLAT))
    assert [t.seq for t in doc.tasks] == [1, 2, 3]
    assert [t.category for t in doc.tasks] == ["推进产业升级", "推进产业升级", "加强监测能力建设"]
    assert [t.clause_id for t in doc.tasks] == ["1.1", "1.1", "1.2"]
    assert doc.tasks[0].content == "加快淘汰落后产能，推动传统产业改造提升，培育一批绿色工厂，到2025年建成10家以上。"
    assert doc.tasks[2].content == "完善空气质量监测网络，提升预警预报能力，实现重点区域全覆盖。"
    assert [t.deadline_text for t in doc.tasks] == ["2025年底前", "持续推进", "长期坚持"]
    assert [t.deadline.kind for t in doc.tasks] == ["date", "ongoing", "ongoing"]
    assert roles(doc.tasks[0]) == {"lead": ["市工信局"], "support": ["市发改委"]}
    assert roles(doc.tasks[2]) == {"responsible": ["市生态环境局", "市气象局"]}


def test_flattened_table_without_matching_headings(tmp_path):
    """No body clause to match: the cells are told apart by structure alone."""
    lines = ["某区工作计划", "", "附件", "", "任务分解表", ""] + FLAT[FLAT.index("序号 重点任务 责任单位 完成时限"):]
    doc = extract_file(_write(tmp_path, "flat2.txt", lines))
    assert [t.category for t in doc.tasks] == ["推进产业升级", "推进产业升级", "加强监测能力建设"]
    assert [t.deadline_text for t in doc.tasks] == ["2025年底前", "持续推进", "长期坚持"]
    assert all(t.clause_id is None for t in doc.tasks)


def test_seq_number_is_not_a_quantity(tmp_path):
    """A line starting with the next seq number followed by a unit (`2 蒸吨…`) is content, not a row."""
    lines = FLAT[: FLAT.index("2")] + ["2 蒸吨及以下的锅炉一律淘汰。 持续推进 市生态环境局负责。", ""] + FLAT[FLAT.index("2"):]
    doc = extract_file(_write(tmp_path, "flat3.txt", lines))
    assert [t.seq for t in doc.tasks] == [1, 2, 3]
    # the quantity line stays inside row 1 (as its own text after the cells it cannot be)
    assert "蒸吨" not in doc.tasks[1].content


def test_flattened_table_resyncs_after_a_lost_row_number(tmp_path):
    """Row 2's number was lost (a bare number on a page edge read as a page number): row 3 is still
    a row of its own, and the gap is reported."""
    lines = [ln for ln in FLAT if ln != "2"]
    lines[lines.index("3 加强监测")] = "3 加强监测"
    doc = extract_file(_write(tmp_path, "flat4.txt", lines))
    assert [t.seq for t in doc.tasks] == [1, 3]
    assert doc.tasks[1].content == "完善空气质量监测网络，提升预警预报能力，实现重点区域全覆盖。"
    assert any(w.code == "table-row-gap" and "no row 2" in w.message for w in doc.warnings)


def test_geometric_table_over_two_pages():
    """RawTables of a ruled table on two pages: header repeated, None for merged cells, a row broken
    over the page break (its continuation has no seq number)."""
    g = load_grammars()
    hdr = ["序号", "重点工作任务", None, "完成时限", "责任分工"]
    t1 = RawTable(rows=[
        hdr,
        ["1", "强化统筹调度", "建立工作专班，每月调度一次。", "持续推进", "市发展改革委牵头，市财政局配合。"],
        ["2", None, "编制年度计划。", "2025年", "市发展改革委负责。"],
        ["3", "压实工作\n责任", "将任务纳入年度考核，", "每年", "市委组织部牵头。"],
    ], page=2, line_index=3)
    t2 = RawTable(rows=[
        hdr,
        [None, None, "对未完成的地区约谈。", None, None],
        ["4", None, "定期通报进展。", "持续推进", "市委组织部、\n发展改革委按职责分工负责。"],
    ], page=3, line_index=0)
    raw = RawDocument(path="x.pdf", format="pdf", sha256="", page_count=3, pages=[
        RawPage(1, ["一、加强组织领导", "（一）强化统筹调度。建立工作专班。", "（二）压实工作责任。将任务纳入考核。"]),
        RawPage(2, ["附件", "", "重点工作任务分解表"], [t1]),
        RawPage(3, ["。"], [t2]),  # a stray punctuation line between the page's tables
    ])
    nt = normalise(raw, g)
    found = extract_all(nt, segment(nt, g), g)
    tasks = found.tasks
    assert [t.seq for t in tasks] == [1, 2, 3, 4]
    assert [t.category for t in tasks] == ["强化统筹调度", "强化统筹调度", "压实工作责任", "压实工作责任"]
    assert [t.clause_id for t in tasks] == ["1.1", "1.1", "1.2", "1.2"]
    assert tasks[2].content == "将任务纳入年度考核，对未完成的地区约谈。"
    assert [t.page for t in tasks] == [2, 2, 2, 3]
    assert [t.deadline.kind for t in tasks] == ["ongoing", "date", "recurring", "ongoing"]
    assert tasks[1].deadline.date == "2025-12-31"
    assert roles(tasks[3]) == {"responsible": ["市委组织部", "市发展改革委"]}
    assert all(t.table_title == "重点工作任务分解表" for t in tasks)
    assert found.tables == []


def test_geometric_table_without_seq_column_and_group_rows():
    """No 序号 column (rows numbered in order), group heading rows across the table (the category when
    there is no category column), a row broken over the page with its cell text split."""
    g = load_grammars()
    hdr = ["工作措施", "牵头单位", "配合单位", "完成时间"]
    t1 = RawTable(rows=[
        hdr,
        ["一、强化统筹调度", None, None, None],
        ["建立工作专班，每月调度一次。", "市发展改革委", "市财政局、统计局", "2024年底前"],
        ["编制年度计划，", "市发展改革委", "", "长期坚持"],
    ], page=1, line_index=3)
    t2 = RawTable(rows=[
        hdr,
        ["明确责任分工。", "", "", ""],  # empty cells, not merged ones: the row goes on
        ["二、压实工作责任", None, None, None],
        ["将任务纳入年度考核。", "市委组织部", "市发展改革委", "每年"],
    ], page=2, line_index=0)
    raw = RawDocument(path="x.pdf", format="pdf", sha256="", page_count=2, pages=[
        RawPage(1, ["一、加强组织领导", "（一）强化统筹调度。建立工作专班。", "（二）压实工作责任。将任务纳入考核。"], [t1]),
        RawPage(2, [], [t2]),
    ])
    nt = normalise(raw, g)
    tasks = extract_all(nt, segment(nt, g), g).tasks
    assert [t.seq for t in tasks] == [1, 2, 3]
    assert [t.category for t in tasks] == ["一、强化统筹调度", "一、强化统筹调度", "二、压实工作责任"]
    assert [t.clause_id for t in tasks] == ["1.1", "1.1", "1.2"]  # the marker is not part of the match
    assert tasks[1].content == "编制年度计划，明确责任分工。" and tasks[1].measures == tasks[1].content
    assert roles(tasks[0]) == {"lead": ["市发展改革委"], "support": ["市财政局", "市统计局"]}
    assert [t.deadline.kind for t in tasks] == ["date", "ongoing", "recurring"]


def test_geometric_target_table_with_two_row_header():
    g = load_grammars()
    t = RawTable(rows=[
        ["城市", "PM2.5浓度（μg/m3）", None, "优良天数比率（%）", None],
        [None, "约束性目标", "工作目标", "约束性目标", "工作目标"],
        ["甲市", "39", "38", "71.5", "持续改善"],
        ["乙市", "40", "39", "72", "73"],
    ], page=1, line_index=2)
    raw = RawDocument(path="x.pdf", format="pdf", sha256="", page_count=1,
                      pages=[RawPage(1, ["附件1", "2025年各市空气质量改善目标表"], [t])])
    nt = normalise(raw, g)
    found = extract_all(nt, segment(nt, g), g)
    (table,) = found.tables
    assert table.title == "2025年各市空气质量改善目标表" and table.kind == "targets" and table.page == 1
    assert table.header[1] == "PM2.5浓度（μg/m3）约束性目标" and table.header[4] == "优良天数比率（%）工作目标"
    assert table.rows == [["甲市", "39", "38", "71.5", "持续改善"], ["乙市", "40", "39", "72", "73"]]
    got = [(x.scope, x.metric, x.value, x.unit, x.target_year) for x in found.table_targets]
    assert len(got) == 7  # 持续改善 skipped
    assert got[0] == ("甲市", "PM2.5浓度约束性目标", 39.0, "微克/立方米", 2025)


# ------------------------------------------------------------------------------------------- CSV

def test_csvs(tmp_path, doc002, doc001):
    paths = write_document_csvs(doc002, tmp_path / "a")
    assert [p.name for p in paths] == ["tasks.csv", "targets.csv"]
    data = paths[0].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["seq", "category", "content", "deadline_text", "deadline_date", "deadline_kind"]
    assert len(rows) == 50
    assert rows[1][0] == "1" and rows[1][1] == "坚决遏制“两高一低”项目盲目上马" and rows[1][5] == "ongoing"
    assert rows[1][8] == "市发展改革委、市工业和信息化局、市生态环境局、市数据局" and rows[1][9] == "各县（市、区）人民政府"
    assert rows[11][4] == "2025-12-31" and rows[1][10] == "2.1"
    paths = write_document_csvs(doc001, tmp_path / "b")
    names = [p.name for p in paths]
    assert names[:2] == ["tasks.csv", "targets.csv"] and len(names) == 6
    assert names[2] == "table_01_2020年各设区市空气质量改善目标表.csv"
    t1 = list(csv.reader(io.StringIO(paths[2].read_text(encoding="utf-8-sig"))))
    assert len(t1) == 15 and t1[0][1] == "PM2.5浓度（μg/m3）约束性目标" and t1[1] == ["南京", "39", "38", "71.5", "72"]
    assert not list((tmp_path / "b").glob(".*.tmp"))  # atomic writes leave no temporaries


# ---------------------------------------------------------------------------------- PDF renders

def _render_helpers():
    pytest.importorskip("reportlab")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tools import render_pdf

    return render_pdf


def _task_sig(doc, with_agencies=True):
    return [(t.seq, key(t.category), t.clause_id, t.deadline_text) + ((tuple(sorted(roles(t).items())),) if with_agencies else ())
            for t in doc.tasks]


def test_pdf_004_gives_the_text_rows(rendered_pdfs, doc004):
    """004 rendered with a real ruled table (header repeated on every page, merged category cells)."""
    pdf = extract_file(rendered_pdfs["004_f8539a09ccbc65f7"])
    assert pdf.source.format == "pdf"
    assert _task_sig(pdf) == _task_sig(doc004)
    assert _accepted({t.seq: roles(t) for t in pdf.tasks}) == AGENCIES_004
    assert all(isinstance(t.page, int) and t.page > 1 for t in pdf.tasks)
    assert [t.page for t in pdf.tasks] == sorted(t.page for t in pdf.tasks)


def test_pdf_001_tables(rendered_pdfs, doc001):
    pdf = extract_file(rendered_pdfs["001_e273565e5025a23d"])
    assert [t.title for t in pdf.tables] == [t.title for t in doc001.tables]
    assert [len(t.rows) for t in pdf.tables] == [14, 14, 13, 14]  # 附件2 continues over a page: merged
    assert [t.rows for t in pdf.tables[:3]] == [t.rows for t in doc001.tables[:3]]
    assert [t.header for t in pdf.tables[:3]] == [t.header for t in doc001.tables[:3]]
    assert all(isinstance(t.page, int) for t in pdf.tables)
    assert sum(1 for t in pdf.targets if t.table_index is not None) == 112


def test_pdf_002_ruled_table_gives_the_flattened_rows(tmp_path, doc002):
    """002's table rebuilt from its flattened text, printed as a real ruled table (merged category
    cells, header repeated on each page), and read back from the PDF: the same rows."""
    render_pdf = _render_helpers()
    lines = S002.read_text(encoding="utf-8").split("\n")
    annex_at = next(i for i, ln in enumerate(lines) if ln.strip() == "附件")
    blocks = render_pdf.txt_to_blocks("\n".join(lines[:annex_at]))  # the body, as the sample renders
    blocks += [("para", "附件"), ("title", "重点工作任务分解表")]
    rows, spans, start = [], [((1, 0), (2, 0))], 0
    for i, t in enumerate(doc002.tasks):
        first = i == 0 or doc002.tasks[i - 1].category != t.category
        if first and i:
            if i - 1 > start:
                spans.append(((1, start + 1), (1, i)))
            start = i
        rows.append([str(t.seq), t.category if first else "", t.content, t.deadline_text or "", t.agencies.text])
    if len(rows) - 1 > start:
        spans.append(((1, start + 1), (1, len(rows))))
    blocks.append(("table", {"header": ["序号", "重点工作任务", "", "完成时限", "责任分工"], "rows": rows,
                             "spans": spans, "col_widths": [8, 16, 60, 14, 34]}))
    path = render_pdf.render_text_pdf(blocks, tmp_path / "002_table.pdf")
    pdf = extract_file(path)
    assert pdf.source.pages > 5
    assert _task_sig(pdf) == _task_sig(doc002)
    assert [t.deadline and (t.deadline.kind, t.deadline.date) for t in pdf.tasks] == \
        [t.deadline and (t.deadline.kind, t.deadline.date) for t in doc002.tasks]


def test_a_task_row_is_matched_to_its_clause_by_content_with_the_texts_keyed_when_first_asked():
    """The clause texts a task row is matched against by content are keyed (NFKC, no punctuation) when a
    row first asks, not for every document: the answer is the clause whose text holds the row's words."""
    from planparse.extraction.tables import ClauseMatcher

    g = load_grammars(None)
    raw = RawDocument(path="x.txt", format="txt", sha256="", page_count=1, pages=[
        RawPage(1, ["一、加强组织领导", "（一）强化统筹调度。建立跨部门工作专班，每月召开调度会议。",
                    "（二）压实工作责任。将绿色码头建设任务纳入年度考核。"]),
    ])
    nt = normalise(raw, g)
    seg = segment(nt, g)
    matcher = ClauseMatcher(nt, seg, g)
    assert matcher._texts is None
    second = next(c.id for c in seg.clauses if "压实工作责任" in (c.heading or ""))
    assert matcher.by_content("将绿色码头建设任务纳入年度考核") == second
    assert matcher._texts is not None and len(matcher.texts) == len(seg.clauses)
    assert matcher.by_content("完全无关的内容与描述文字") is None
