"""Indicator tables (a plan's 主要指标 table: 序号 / 指标 / 目标值 / 属性) and 专栏 boxes.

Text extraction flattens such a table one cell per line (or one row per line), the header too,
repeated after a page break. The tables here are made up, in the shapes plans print them: with a
单位 column, a 基期值 column, bare year columns, a 类别 column, cells wrapped over two lines. Each row
of the table is a target; none of its lines may be read again as prose. The last test reads the
indicator table of a real plan (tests/fixtures/real/005, 专栏一), with the values written from the PDF.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from planparse.extraction.table_grid import ColumnRoles, indicator_roles
from planparse.extraction.tables import _value_of
from planparse.grammar import load_grammars
from planparse.pipeline import extract_file
from tests.conftest import real_file


@pytest.fixture(scope="module")
def g():
    return load_grammars(None)


def _extract(tmp_path: Path, text: str, name: str = "plan.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract_file(path)


def _rows(doc):
    return [(t.metric, t.value, t.value_max, t.unit, t.comparator, t.target_year, t.baseline_year, t.baseline_value)
            for t in doc.targets if t.table_index is not None]


def _prose(doc):
    return [t for t in doc.targets if t.table_index is None]


ONE_CELL_PER_LINE = """某省数字经济发展行动计划

一、主要目标
到2025年，数字经济核心产业增加值占地区生产总值比重达到10%。主要指标如下：
序号
指标
2025年目标值
属性
1
数字经济核心产业增加值（亿元）
5000
预期性
2
5G基站数量（万个）
>8
预期性
3
工业互联网平台普及率（%）
≥45
约束性
专栏1 数字基础设施重点工程
建成千兆光网城市10个，新建数据中心机架5万架。
二、重点任务
（一）加快建设新型基础设施。（省通信管理局牵头）
"""


def test_one_cell_per_line_is_a_table_of_targets(tmp_path):
    doc = _extract(tmp_path, ONE_CELL_PER_LINE)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert table.kind == "targets"
    assert table.header == ["序号", "指标", "2025年目标值", "属性"]
    assert table.rows == [["1", "数字经济核心产业增加值（亿元）", "5000", "预期性"],
                          ["2", "5G基站数量（万个）", ">8", "预期性"],
                          ["3", "工业互联网平台普及率（%）", "≥45", "约束性"]]
    assert _rows(doc) == [
        ("数字经济核心产业增加值", 5000, None, "亿元", "=", 2025, None, None),
        ("5G基站数量", 8, None, "万个", ">=", 2025, None, None),
        ("工业互联网平台普及率", 45, None, "%", ">=", 2025, None, None),
    ]
    assert {t.clause_id for t in doc.targets if t.table_index == 0} == {"1"}


def test_table_lines_do_not_leak_into_prose_and_the_box_is_read_as_goals(tmp_path):
    doc = _extract(tmp_path, ONE_CELL_PER_LINE)
    prose = _prose(doc)
    for t in prose:
        assert "预期性" not in t.text and "5000" not in t.text, t.text
    got = {(t.metric, t.value, t.unit, t.target_year) for t in prose}
    # the paragraph's goal, and the 专栏 box's two goals with the goal section's year
    assert ("千兆光网城市", 10, "个", 2025) in got
    assert ("新建数据中心机架", 5, "万架", 2025) in got
    assert len(prose) == 3
    # the box title is no clause and not glued to the box's first sentence
    assert [c.id for c in doc.clauses] == ["1", "2", "2.1"]
    assert not any("专栏" in t.text for t in doc.targets)


def test_unit_column_baseline_column_blank_and_range(tmp_path):
    doc = _extract(tmp_path, """某市智慧农业示范行动方案

一、发展目标
到2028年，智慧农业体系基本建成。具体指标见下表：
专栏1 智慧农业示范主要指标
序号
指标名称
单位
2024年基期值
2028年目标值
指标属性
1
农业物联网覆盖面积
万亩
14
36
预期性
2
农产品网络零售额占比
%
7.5
≥18
预期性
3
化肥使用量
万吨
40.2
<38
约束性
4
数字农业示范园
个
—
4—6
预期性
二、主要任务
（一）推进数字化改造。建设一批智慧农场。
""")
    table = doc.tables[0]
    assert table.title == "专栏1智慧农业示范主要指标"
    assert table.header == ["序号", "指标名称", "单位", "2024年基期值", "2028年目标值", "指标属性"]
    assert table.rows[3] == ["4", "数字农业示范园", "个", "—", "4—6", "预期性"]
    assert _rows(doc) == [
        ("农业物联网覆盖面积", 36, None, "万亩", "=", 2028, 2024, 14),
        ("农产品网络零售额占比", 18, None, "%", ">=", 2028, 2024, 7.5),
        ("化肥使用量", 38, None, "万吨", "<=", 2028, 2024, 40.2),
        ("数字农业示范园", 4, 6, "个", None, 2028, None, None),
    ]
    assert _prose(doc) == []


def test_header_repeated_after_a_page_break_and_cells_wrapped(tmp_path):
    doc = _extract(tmp_path, """某县康养服务体系建设规划

一、规划目标
到2031年，基本建成覆盖城乡的康养服务体系。
序号
指标
2031年目标值
属性
1
康养机构护理型床位占比（%）
≥55
约束性
2
社区嵌入式康养服务
综合体覆盖率（%）
100
预期性

序号
指标
2031年目标值
属性
3
每千名老年人拥有
康养护理员数（人）
>4
预期性
4
老年人跌倒伤害发生率（%）
<2%
约束性
二、重点工程
专栏2 康养服务设施建设工程
新建街道综合康养服务中心9个。
三、保障措施
""")
    table = doc.tables[0]
    assert [r[0] for r in table.rows] == ["1", "2", "3", "4"]
    assert table.rows[1][1] == "社区嵌入式康养服务综合体覆盖率（%）"
    assert table.rows[2][1] == "每千名老年人拥有康养护理员数（人）"
    assert _rows(doc) == [
        ("康养机构护理型床位占比", 55, None, "%", ">=", 2031, None, None),
        ("社区嵌入式康养服务综合体覆盖率", 100, None, "%", "=", 2031, None, None),
        ("每千名老年人拥有康养护理员数", 4, None, "人", ">=", 2031, None, None),
        ("老年人跌倒伤害发生率", 2, None, "%", "<=", 2031, None, None),
    ]
    # a box outside the goal section: its goal has no year of its own
    prose = _prose(doc)
    assert [(t.metric, t.value, t.unit, t.target_year, t.clause_id) for t in prose] == [
        ("新建街道综合康养服务中心", 9, "个", None, "2")]


def test_one_row_per_line_with_bare_year_columns(tmp_path):
    doc = _extract(tmp_path, """某区清洁能源发展实施方案

一、主要目标
序号 指标 2023年 2027年 属性
1 光伏装机容量（万千瓦） 28 75 约束性
2 清洁能源消费占比（%） 19 32左右 预期性
3 公共充电桩数量（个） 900 4000以上 预期性
二、重点任务
（一）发展分布式光伏。
""")
    assert doc.tables[0].header == ["序号", "指标", "2023年", "2027年", "属性"]
    assert _rows(doc) == [
        ("光伏装机容量", 75, None, "万千瓦", "=", 2027, 2023, 28),
        ("清洁能源消费占比", 32, None, "%", "~", 2027, 2023, 19),
        ("公共充电桩数量", 4000, None, "个", ">=", 2027, 2023, 900),
    ]
    assert _prose(doc) == []


def test_category_column_before_the_row_number(tmp_path):
    doc = _extract(tmp_path, """某省技术创新发展规划

一、主要目标
到2026年，创新型省份建设取得重大进展。
类别
序号
指标
2021年
2026年
属性
创新投入
1
研发经费投入强度（%）
2.3
3.1
预期性
2
基础研究经费占比（%）
6
9
预期性
创新产出
3
每万人口高价值发明专利拥有量（件）
5.4
11
预期性
二、重点任务
（一）强化基础研究。
""")
    table = doc.tables[0]
    assert table.header == ["类别", "序号", "指标", "2021年", "2026年", "属性"]
    assert [r[:2] for r in table.rows] == [["创新投入", "1"], ["创新投入", "2"], ["创新产出", "3"]]
    assert [(m, v, y, by, bv) for m, v, _, _, _, y, by, bv in _rows(doc)] == [
        ("研发经费投入强度", 3.1, 2026, 2021, 2.3),
        ("基础研究经费占比", 9, 2026, 2021, 6),
        ("每万人口高价值发明专利拥有量", 11, 2026, 2021, 5.4),
    ]


def test_a_value_equal_to_the_next_row_number_is_a_cell(tmp_path):
    """Row 1's target is 2 and row 2's is 3: the row numbers are not taken from the value cells.
    With no year in the header, the goal section's year holds."""
    doc = _extract(tmp_path, """某市文旅融合发展行动计划

一、行动目标
到2027年，文旅产业成为支柱产业。
序号
指标
目标值
属性
1
国家级旅游休闲街区（个）
2
预期性
2
5A级景区数量（家）
3
预期性
3
文旅产业增加值（亿元）
180
预期性
二、重点任务
""")
    assert [r[0] for r in doc.tables[0].rows] == ["1", "2", "3"]
    assert [(m, v, u, y) for m, v, _, u, _, y, _, _ in _rows(doc)] == [
        ("国家级旅游休闲街区", 2, "个", 2027), ("5A级景区数量", 3, "家", 2027), ("文旅产业增加值", 180, "亿元", 2027)]


def test_two_boxes_of_indicators_one_after_the_other_are_two_tables(tmp_path):
    """A header and row 1 again start the next table (not a page break inside the first)."""
    box = "序号\n指标\n目标值\n属性\n1\n{a}（%）\n{x}\n预期性\n2\n{b}（个）\n{y}\n约束性\n"
    doc = _extract(tmp_path, "某市营商环境优化行动方案\n\n一、行动目标\n到2026年，营商环境明显改善。\n"
                   + "专栏1 政务服务指标\n" + box.format(a="一网通办率", x="≥95", b="24小时自助服务点", y="120")
                   + "专栏2 市场主体指标\n" + box.format(a="新设企业存活率", x="85", b="新增上市企业", y="6—8")
                   + "二、重点任务\n（一）优化政务服务。\n")
    assert [t.title for t in doc.tables] == ["专栏1政务服务指标", "专栏2市场主体指标"]
    assert [(t.table_index, t.metric, t.value, t.value_max, t.target_year) for t in doc.targets] == [
        (0, "一网通办率", 95, None, 2026), (0, "24小时自助服务点", 120, None, 2026),
        (1, "新设企业存活率", 85, None, 2026), (1, "新增上市企业", 6, 8, 2026)]


def test_a_review_table_reports_the_past_and_gives_no_targets(tmp_path):
    """The 发展基础 section's table of the last plan period (目标 / 完成值 of a year before the
    document's) is a table, but its figures are what was done."""
    doc = _extract(tmp_path, """某市绿色建筑发展规划

2022年3月1日
一、发展基础
“十三五”期间，绿色建筑发展取得明显成效。
序号
指标
2020年目标
2020年完成值
属性
1
新建绿色建筑占比（%）
50
62
约束性
二、发展目标
到2025年，绿色建筑全面推广。
序号
指标
2025年目标值
属性
1
新建绿色建筑占比（%）
≥80
约束性
三、重点任务
""")
    assert len(doc.tables) == 2
    assert doc.tables[0].header == ["序号", "指标", "2020年目标", "2020年完成值", "属性"]
    assert doc.tables[0].rows == [["1", "新建绿色建筑占比（%）", "50", "62", "约束性"]]
    assert [(t.table_index, t.metric, t.value, t.comparator, t.target_year, t.clause_id) for t in doc.targets] == [
        (1, "新建绿色建筑占比", 80, ">=", 2025, "2")]


def test_a_goal_in_words_is_a_row_but_no_target(tmp_path):
    doc = _extract(tmp_path, """某市生态环境保护规划

一、主要目标
序号
指标
2020年
2025年
属性
1
地表水优良水体比例（%）
92
完成省定目标
约束性
2
森林覆盖率（%）
58
≥60
约束性
二、重点任务
""")
    assert len(doc.tables[0].rows) == 2
    assert doc.tables[0].rows[0][3] == "完成省定目标"
    assert [(m, v, c, y, bv) for m, v, _, _, c, y, _, bv in _rows(doc)] == [("森林覆盖率", 60, ">=", 2025, 58)]


def test_an_annex_table_takes_its_titles_year_and_no_clause(tmp_path):
    doc = _extract(tmp_path, """某市物流降本增效实施方案

一、总体要求
（一）工作目标。全市物流效率明显提升。
二、重点任务
（一）完善物流网络。
附件1
2026年物流降本增效主要指标表
序号
指标
目标值
属性
1
社会物流总费用与地区生产总值的比率（%）
<13.5
预期性
2
多式联运货运量（万吨）
1500以上
预期性
""")
    table = doc.tables[0]
    assert table.title == "2026年物流降本增效主要指标表" and table.annex == "附件1"
    assert [(t.metric, t.value, t.comparator, t.target_year, t.clause_id) for t in doc.targets if t.table_index == 0] == [
        ("社会物流总费用与地区生产总值的比率", 13.5, "<=", 2026, None),
        ("多式联运货运量", 1500, ">=", 2026, None),
    ]


@pytest.mark.parametrize("name, text", [
    ("tabs.txt", "某市数据要素行动计划\n\n一、主要目标\n到2026年，数据要素市场初步形成。\n"
                 "序号\t指标\t2026年目标值\t属性\n1\t数据交易额（亿元）\t60\t预期性\n2\t公共数据开放率（%）\t≥85\t约束性\n"
                 "二、重点任务\n（一）培育数据市场。\n"),
    ("cells.txt", "某市数据要素行动计划\n\n一、主要目标\n到2026年，数据要素市场初步形成。\n"
                  "\t序号\n\t指标\n\t2026年目标值\n\t属性\n\n\t1\n\t数据交易额（亿元）\n\t60\n\t预期性\n\n"
                  "\t2\n\t公共数据开放率（%）\n\t≥85\n\t约束性\n\n二、重点任务\n（一）培育数据市场。\n"),
    ("pipes.md", "# 某市数据要素行动计划\n\n一、主要目标\n\n到2026年，数据要素市场初步形成。\n\n"
                 "| 序号 | 指标 | 2026年目标值 | 属性 |\n|---|---|---|---|\n| 1 | 数据交易额（亿元） | 60 | 预期性 |\n"
                 "| 2 | 公共数据开放率（%） | ≥85 | 约束性 |\n\n二、重点任务\n\n（一）培育数据市场。\n"),
])
def test_tab_separated_and_markdown_indicator_tables(tmp_path, name, text):
    doc = _extract(tmp_path, text, name)
    assert [t.kind for t in doc.tables] == ["targets"]
    assert [(t.metric, t.value, t.unit, t.comparator, t.target_year, t.clause_id) for t in doc.targets if t.table_index == 0] == [
        ("数据交易额", 60, "亿元", "=", 2026, "1"),
        ("公共数据开放率", 85, "%", ">=", 2026, "1"),
    ]


def test_a_task_table_is_not_an_indicator_table(tmp_path):
    doc = _extract(tmp_path, """某区工作方案

一、重点任务
（一）推进改造。
附件
重点工作任务分解表
序号 重点任务 工作内容 完成时限 责任单位
1 推进改造 完成园区改造5个。 2025年 区发展改革局负责
""")
    assert not [t for t in doc.tables if t.kind == "targets"]


def test_header_roles(g):
    iroles = ColumnRoles(g, g.tables.indicator_columns)
    assert indicator_roles(["序号", "指标", "2025年目标值", "属性"], iroles, g) == ["seq", "indicator", "target", "attribute"]
    # of two bare years the earlier is the base year; a named 基期值 keeps both bare years targets
    assert indicator_roles(["序号", "指标", "2020年", "2025年"], iroles, g) == ["seq", "indicator", "baseline", "target"]
    assert indicator_roles(["指标", "基期值", "2024年", "2025年"], iroles, g) == ["indicator", "baseline", "target", "target"]
    assert indicator_roles(["序号", "指标", "单位", "2022年基准值", "2027年目标"], iroles, g) == [
        "seq", "indicator", "unit", "baseline", "target"]
    # no indicator column, or no value column: no indicator table
    assert indicator_roles(["城市", "PM2.5浓度（μg/m3）约束性目标"], iroles, g) is None
    assert indicator_roles(["序号", "指标", "属性"], iroles, g) is None
    # what was reached is no target column
    assert indicator_roles(["序号", "指标", "2020年目标", "2020年完成值"], iroles, g) == ["seq", "indicator", "target", "actual"]


@pytest.mark.parametrize("cell, expect", [
    (">8", (8, None, ">=", False)),
    ("≥45", (45, None, ">=", False)),
    ("<1%", (1, None, "<=", True)),
    ("≤0.5", (0.5, None, "<=", False)),
    ("<=2", (2, None, "<=", False)),
    ("小于等于3", (3, None, "<=", False)),
    ("3—5", (3, 5, None, False)),
    ("60%以上", (60, None, ">=", True)),
    ("73.5*", (73.5, None, "=", False)),
    ("完成省定目标", None),
    ("—", None),
])
def test_value_cells(g, cell, expect):
    assert _value_of(cell, g) == expect


def test_real_plan_indicator_box(tmp_path):
    """巴中市“十四五”生态环境保护规划 (tests/fixtures/real/005), 专栏一 主要指标 on printed pages 18–19: 25
    indicators, 13 of them with a number in the 2025年目标 column (the others say 完成省定目标 or are
    blank). Only those two pages are read (a copy made here), to keep the test quick."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(real_file("005")))
    part = pdfium.PdfDocument.new()
    part.import_pages(src, [17, 18])
    path = tmp_path / "005_p18-19.pdf"
    part.save(str(path))
    doc = extract_file(path)
    tables = [t for t in doc.tables if t.kind == "targets"]
    assert len(tables) == 1
    assert tables[0].title.startswith("专栏一")
    assert len(tables[0].rows) == 25
    got = [(t.value, t.unit, t.comparator, t.target_year, t.baseline_year, t.baseline_value)
           for t in doc.targets if t.table_index is not None]
    assert got == [
        (27.0, "微克/立方米", "<=", 2025, 2020, 28.1),  # 2 细颗粒物（PM2.5）浓度
        (100.0, "%", "=", 2025, 2020, 100.0),  # 3 地表水达到或好于Ⅲ类水体比例
        (0.0, "%", "=", 2025, 2020, 0.0),  # 4 劣V类水体比例
        (0.0, "%", "=", 2025, 2020, 0.0),  # 5 城市黑臭水体比例
        (73.5, "%", ">=", 2025, 2020, 73.5),  # 12 生态质量指数 (73.5* in the base column)
        (95.0, "%", ">=", 2025, 2020, 95.0),  # 13 国家重点保护野生动植物保护率
        (63.0, "%", ">=", 2025, 2020, 63.0),  # 14 森林覆盖率 (>63)
        (100.0, "%", "=", 2025, 2020, 100.0),  # 18 危险废物安全处置率
        (100.0, "%", "=", 2025, 2020, 100.0),  # 21 城市集中式饮用水水源水质达到或优于Ⅲ类比例
        (98.0, "%", ">=", 2025, 2020, 95.0),  # 22 乡镇及以下集中式饮用水水源…
        (96.0, "%", ">=", 2025, 2020, 95.92),  # 23 城镇污水处理率
        (99.0, "%", ">=", 2025, 2020, 99.0),  # 24 城镇生活垃圾无害化处理率
        (75.0, "%", ">=", 2025, 2020, 54.0),  # 25 行政村农村生活污水有效治理比例
    ]
    metrics = [t.metric for t in doc.targets if t.table_index is not None]
    assert metrics[-3:] == ["城镇污水处理率", "城镇生活垃圾无害化处理率", "行政村农村生活污水有效治理比例"]
