"""Layout decisions on PDFs in the shapes real producers give (issue 19): prose stays prose, ruled
indicator tables give their targets, tables of contents stay contents, web prints keep their chrome
out of the text. Each PDF is drawn line by line (tests/pdf_shapes.py) so the geometry is exact."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from reportlab.pdfbase import pdfmetrics

from planparse import compiled
from planparse.grammar import load_grammars
from planparse.ingest import read
from planparse.normalise import normalise
from planparse.ingest.ocr import is_garbled
from planparse.pipeline import extract_file
from tests.pdf_shapes import FONT, LEADING, LEFT, RIGHT, SIZE, Writer

SENTENCE = ("各地区各部门要坚持问题导向和目标导向，统筹推进城乡建设领域绿色低碳发展，完善工作机制，"
            "加强协调配合，形成工作合力，确保各项任务落到实处。")
NUMERALS = "一二三四五六七八九十"
LEADER = "\U001001BA"  # the private-use glyph WPS writes for a table of contents' leader dot


def _right(w: Writer, text: str, size: float = SIZE) -> None:
    w.line(RIGHT - pdfmetrics.stringWidth(text, FONT, size), text, size)


def _all_lines(path) -> list[str]:
    return [line for page in read(path).pages for line in page.lines]


# ------------------------------------------------------------------------------ prose is never a table


def test_ten_pages_of_running_text_have_no_table(tmp_path):
    """Paragraphs wrapped to the right margin, no ruling on any page: every clause, no table."""
    w = Writer()
    w.centred("关于推进城乡建设绿色发展的实施意见")
    goals = []
    for ch, name in enumerate(["总体要求", "重点任务", "保障措施", "组织实施", "监督考核"]):
        w.line(LEFT + 2 * SIZE, f"{NUMERALS[ch]}、{name}")
        for k in range(8):
            n = ch * 8 + k + 1
            goals.append(50 + n)
            w.para(f"（{NUMERALS[k]}）加强第{n}项工作。" + SENTENCE * 2 + f"到2025年，第{n}项工作覆盖率达到{50 + n}%。")
    path = w.save(tmp_path / "prose.pdf")
    assert len(w.pages) >= 10
    doc = extract_file(path)
    assert doc.tables == []
    assert "no-clauses" not in {x.code for x in doc.warnings}
    assert len(doc.clauses) == 5 + 40
    assert sorted(t.value for t in doc.targets) == goals


def test_short_prose_lines_are_not_cells(tmp_path):
    """A notice whose lines are short sentences, each on a line of its own, left-aligned at the same
    indent: one column of sentences, never a table."""
    w = Writer()
    w.centred("关于做好冬季安全生产工作的通知")
    w.line(LEFT, "各区县人民政府，市各有关部门：")
    w.para("为做好冬季安全生产工作，现就有关事项通知如下。")
    for k, heading in enumerate(["加强组织领导。", "落实主体责任。", "开展隐患排查。", "强化应急值守。", "严格督导检查。"]):
        w.line(LEFT + 2 * SIZE, f"{NUMERALS[k]}、{heading}")
        for s in ["各单位要明确专人负责。", "每周报送一次进展情况；", "发现问题立即整改，", "确保不留死角。"]:
            w.line(LEFT + 2 * SIZE, s)
    doc = extract_file(w.save(tmp_path / "short.pdf"))
    assert doc.tables == []
    assert [c.heading for c in doc.clauses] == ["加强组织领导", "落实主体责任", "开展隐患排查", "强化应急值守", "严格督导检查"]
    assert doc.clauses[0].text.endswith("确保不留死角。")


def test_a_page_of_short_lines_is_measured_by_the_documents_width(tmp_path):
    """An annexed list of names after pages of prose: no line on its page reaches the right margin,
    so the page alone cannot tell a wrapped line from a short one. Against the document's width each
    name is a line of its own, and the list's title is not run into its first name."""
    w = Writer()
    w.centred("关于成立技术改造工作领导小组的通知")
    w.line(LEFT + 2 * SIZE, "一、工作目标")
    for k in range(4):
        w.para(f"（{NUMERALS[k]}）" + SENTENCE * 3)
    w.new_page()
    w.line(LEFT, "附件")
    w.centred("技术改造工作领导小组成员名单", size=18)
    names = ["组 长：张某某 市政府副市长", "副组长：李某某 市政府副秘书长", "王某某 市工信局局长",
             "成 员：赵某某 市发改委副主任", "钱某某 市财政局副局长", "孙某某 市自然资源和规划局副局长"]
    for k, name in enumerate(names):
        w.line(LEFT + (2 if "：" in name else 5) * SIZE, name)
    path = w.save(tmp_path / "names.pdf")
    doc = extract_file(path)
    assert doc.tables == []
    assert doc.annexes[0].title == "技术改造工作领导小组成员名单"
    paragraphs = normalise(read(path), load_grammars()).text.split("\n")
    at = paragraphs.index("技术改造工作领导小组成员名单")
    assert [p.replace(" ", "") for p in paragraphs[at + 1:]] == [n.replace(" ", "") for n in names]


def test_a_boxed_goal_section_is_prose(tmp_path):
    """A goal section framed by four rules (a one-cell box) is text: its `——` goals are targets of
    its clause, and the heading after the box is a clause of its own."""
    w = Writer()
    w.centred("绿色低碳转型行动计划")
    w.line(LEFT + 2 * SIZE, "一、主要目标")
    top = w.y + LEADING - 6
    for k in range(14):
        w.para(f"——第{k + 1}类指标持续优化，到2025年，重点行业能效水平提高{k + 2}%，建成{k + 10}个示范项目。")
    bottom = w.y + LEADING - 10
    w.page.rules += [(LEFT - 5, top, RIGHT + 5, top), (LEFT - 5, bottom, RIGHT + 5, bottom),
                     (LEFT - 5, top, LEFT - 5, bottom), (RIGHT + 5, top, RIGHT + 5, bottom)]
    w.line(LEFT + 2 * SIZE, "二、重点任务")
    w.para("（一）推进产业结构调整。" + SENTENCE)
    doc = extract_file(w.save(tmp_path / "boxed.pdf"))
    assert doc.tables == []
    assert [(c.id, c.heading) for c in doc.clauses] == [("1", "主要目标"), ("2", "重点任务"), ("2.1", "推进产业结构调整")]
    goals = [t for t in doc.targets if t.clause_id == "1"]
    assert len(goals) == 28 and {t.target_year for t in goals} == {2025}


def test_white_boxes_behind_every_line_are_not_rulings(tmp_path):
    """Web and WPS exports paint a white filled rectangle behind each text line, edge to edge: their
    edges are no ruling lines, and the body stays text."""
    w = Writer()
    w.centred("关于推动高质量发展的实施意见")
    for k in range(3):
        w.line(LEFT + 2 * SIZE, f"{NUMERALS[k]}、第{k + 1}项重点工作")
        w.para(SENTENCE * 3)
    doc = extract_file(w.save(tmp_path / "white.pdf", white_boxes_behind_lines=True))
    assert doc.tables == []
    assert [c.heading for c in doc.clauses] == ["第1项重点工作", "第2项重点工作", "第3项重点工作"]
    assert all(c.text.endswith("落到实处。") for c in doc.clauses)


def _two_column_pdf(tmp_path):
    """A page of one column, then a page set in two justified columns under a title across both."""
    w = Writer()
    w.centred("关于推进城乡建设绿色发展的实施意见")
    w.line(LEFT + 2 * SIZE, "一、总体要求")
    w.para("（一）指导思想。" + SENTENCE * 4)
    w.para("（二）工作原则。" + SENTENCE * 3)
    w.new_page()
    w.centred("二、重点任务和保障措施", size=16)
    size, lead, gap = 11.0, 18.0, 20.0
    width = (RIGHT - LEFT - gap) / 2
    per = int(width // size)

    def column(x0: float, paragraphs: list[str]) -> None:
        y = w.y
        for text in paragraphs:
            first = True
            while text:
                room = per - (2 if first else 0)
                w.page.lines.append((x0 + (2 * size if first else 0), y, text[:room], size))
                text, first, y = text[room:], False, y - lead

    left = ["（一）推进城乡绿色发展。" + SENTENCE * 2, "（二）建设绿色建筑。到2025年达到100%。" + SENTENCE]
    right = ["（三）优化能源结构。" + SENTENCE * 2, "（四）加强组织领导。" + SENTENCE * 2]
    column(LEFT, left)
    column(LEFT + width + gap, right)
    return w.save(tmp_path / "columns.pdf")


def test_two_column_page_reads_down_each_column(tmp_path):
    """The left column is read before the right one, and each column's wrapped lines join into paragraphs."""
    doc = extract_file(_two_column_pdf(tmp_path))
    assert doc.tables == []
    assert [c.heading for c in doc.clauses] == ["总体要求", "指导思想", "工作原则", "重点任务和保障措施",
                                                  "推进城乡绿色发展", "建设绿色建筑", "优化能源结构", "加强组织领导"]
    by_heading = {c.heading: c.text for c in doc.clauses}
    assert by_heading["推进城乡绿色发展"] == "推进城乡绿色发展。" + SENTENCE * 2
    assert by_heading["优化能源结构"] == "优化能源结构。" + SENTENCE * 2
    assert [t.value for t in doc.targets] == [100.0]


@pytest.mark.skipif(compiled.with_pdfium() is None, reason="the compiled reader (_speedups) is not built")
def test_two_column_page_is_read_from_its_glyphs(tmp_path, monkeypatch):
    """The lines built in C (page_lines) tell a page set in two columns, which is then read from its
    glyphs column by column, as the Python code reads it; the page of one column is not."""
    import pypdfium2 as pdfium

    from planparse.ingest import pdf as pdf_reader, pdf_layout

    with pdfium.PdfDocument(str(_two_column_pdf(tmp_path))) as pdf:
        told = []
        for page in pdf:
            textpage = page.get_textpage()
            try:
                found = compiled.with_pdfium().page_lines(compiled.address(textpage.raw), [], pdf_layout.COLUMN_SPLIT_MIN)
                told.append(pdf_layout.lines_of_records(found[0][1]) is None)
                twin = pdf_reader._page_lines(textpage, [])
                with monkeypatch.context() as m:
                    m.setattr(compiled, "SPEEDUPS", None)
                    assert pdf_reader._page_lines(textpage, []) == twin
            finally:
                textpage.close()
    assert told == [False, True]


# ------------------------------------------------------------------------------ ruled target tables


INDICATOR_ROWS = [
    ["序号", "指标", "2020年", "目标值", "", "属性"],
    ["", "", "", "2023年", "2025年", ""],
    ["1", "数字经济核心产业增加值占地区生产总值比重（%）", "7.8", "9", "≥10", "预期性"],
    ["2", "规模以上工业企业关键工序数控化率（%）", "52", "55", "60", "预期性"],
    ["3", "千兆宽带用户数（万户）", "20", "/", "≥150", "预期性"],
]
INDICATOR_TARGETS = [  # metric, value, unit, comparator, target year, baseline value
    ("数字经济核心产业增加值占地区生产总值比重", 9.0, "%", "=", 2023, 7.8),
    ("数字经济核心产业增加值占地区生产总值比重", 10.0, "%", ">=", 2025, 7.8),
    ("规模以上工业企业关键工序数控化率", 55.0, "%", "=", 2023, 52.0),
    ("规模以上工业企业关键工序数控化率", 60.0, "%", "=", 2025, 52.0),
    ("千兆宽带用户数", 150.0, "万户", ">=", 2025, 20.0),
]


def _indicator_plan(tmp_path, heading_under: str):
    w = Writer()
    w.centred("数字经济发展行动计划（2023—2025年）")
    w.line(LEFT + 2 * SIZE, "一、总体要求")
    w.para("（一）指导思想。" + SENTENCE)
    w.para("（二）主要目标。到2025年，数字经济发展水平显著提升，主要指标如下。")
    w.line(LEFT + 2 * SIZE, "专栏1 数字经济发展主要指标")
    # two header rows (目标值 over 2023年 | 2025年; the other header cells span both rows) and an
    # indicator name wrapped over two lines of its cell
    w.ruled_table(INDICATOR_ROWS, [35, 200, 55, 50, 50, 50],
                  merges={(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (2, 1), (0, 3): (1, 2), (0, 5): (2, 1)})
    w.line(LEFT + 2 * SIZE, heading_under)
    w.para("（一）夯实数字基础设施。" + SENTENCE)
    return w.save(tmp_path / "indicator.pdf")


@pytest.mark.parametrize("heading_under, heading", [("二、重点任务", "重点任务"), ("第二章 重点任务", "重点任务")])
def test_ruled_indicator_table_gives_targets_of_its_clause(tmp_path, heading_under, heading):
    doc = extract_file(_indicator_plan(tmp_path, heading_under))
    assert len(doc.tables) == 1  # the second header row is no second table
    table = doc.tables[0]
    assert table.header == ["序号", "指标", "2020年", "目标值2023年", "目标值2025年", "属性"]
    assert len(table.rows) == 3  # the wrapped indicator cell is one row
    assert table.rows[0][1] == "数字经济核心产业增加值占地区生产总值比重（%）"
    # the heading under the table is a clause, not a row of the table
    assert heading in [c.heading for c in doc.clauses]
    assert not any(heading in cell for row in table.rows for cell in row)
    got = sorted((t.metric, t.value, t.unit, t.comparator, t.target_year, t.baseline_value)
                 for t in doc.targets if t.table_index == 0)
    assert got == sorted(INDICATOR_TARGETS)
    goal_clause = next(c.id for c in doc.clauses if c.heading == "主要目标")
    assert {t.clause_id for t in doc.targets if t.table_index == 0} == {goal_clause}


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) not installed")
def test_word_table_printed_by_libreoffice_gives_its_targets(tmp_path):
    """The same indicator table made in Word (python-docx: merged header cells, Table Grid borders) and
    exported by LibreOffice: another producer's rulings and text runs, the same targets."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = Document()
    style = d.styles["Normal"]
    style.font.size = Pt(15)
    style.font.name = "Noto Serif CJK SC"  # creates the run fonts element the East Asian font goes in
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    d.add_paragraph("数字经济发展行动计划（2023—2025年）")
    d.add_paragraph("一、总体要求")
    for k in range(6):
        d.add_paragraph(f"（{NUMERALS[k]}）第{k + 1}项要求。" + SENTENCE * 2)
    d.add_paragraph("（七）主要目标。到2025年，数字经济发展水平显著提升，主要指标如下。")
    d.add_paragraph("专栏1 数字经济发展主要指标")
    table = d.add_table(rows=5, cols=6)
    table.style = "Table Grid"
    for r, row in enumerate(INDICATOR_ROWS):
        for c, text in enumerate(row):
            if text:
                table.cell(r, c).text = text
    for c in (0, 1, 2, 5):
        table.cell(0, c).merge(table.cell(1, c))
    table.cell(0, 3).merge(table.cell(0, 4)).text = "目标值"
    d.add_paragraph("二、重点任务")
    d.add_paragraph("（一）夯实数字基础设施。" + SENTENCE)
    d.save(tmp_path / "plan.docx")
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(tmp_path / "plan.docx")],
                   check=True, capture_output=True, timeout=300)
    doc = extract_file(tmp_path / "plan.pdf")
    assert [(t.header, len(t.rows)) for t in doc.tables] == [(["序号", "指标", "2020年", "目标值2023年", "目标值2025年", "属性"], 3)]
    assert [c.heading for c in doc.clauses][-3:] == ["主要目标", "重点任务", "夯实数字基础设施"]
    got = sorted((t.metric, t.value, t.unit, t.comparator, t.target_year, t.baseline_value, t.clause_id) for t in doc.targets)
    assert got == sorted(row + ("1.7",) for row in INDICATOR_TARGETS)


def test_goal_table_of_places_by_year_scopes_each_cell(tmp_path):
    """区域 | 2024年 | 2025年 in a goal section, untitled: each filled cell is a target of the section,
    its row's places the scope, its column's year the target year, its comparator as written."""
    w = Writer()
    w.centred("空气质量改善行动方案")
    w.line(LEFT + 2 * SIZE, "一、工作目标")
    w.para("到2025年，全省空气质量优良天数比率持续提高，各市目标如下表。")
    w.ruled_table([["区域", "2024年", "2025年"], ["济南、青岛", "≥45", "≥50"], ["淄博、枣庄、东营", "≥40", "—"]],
                  [220, 100, 100])
    w.line(LEFT + 2 * SIZE, "二、主要任务")
    w.para("（一）优化产业结构。" + SENTENCE)
    doc = extract_file(w.save(tmp_path / "places.pdf"))
    assert [c.heading for c in doc.clauses] == ["工作目标", "主要任务", "优化产业结构"]
    got = sorted((t.scope, t.value, t.comparator, t.target_year, t.clause_id) for t in doc.targets if t.table_index is not None)
    assert got == [("济南、青岛", 45.0, ">=", 2024, "1"), ("济南、青岛", 50.0, ">=", 2025, "1"),
                   ("淄博、枣庄、东营", 40.0, ">=", 2024, "1")]


def test_goal_table_of_metrics_by_place_scopes_each_column(tmp_path):
    """指标 | 全省 | 济南市 | 青岛市, one metric with its unit per row, values with comparators: each cell
    a target, its column's place the scope; the row of `≤35` cells is data, not a second header."""
    w = Writer()
    w.centred("空气质量改善行动方案")
    w.line(LEFT + 2 * SIZE, "一、主要目标")
    w.para("到2025年，全省空气质量持续改善，各市目标见专栏1。")
    w.line(LEFT + 2 * SIZE, "专栏1 2025年空气质量主要指标")
    w.ruled_table([["指标", "全省", "济南市", "青岛市"], ["细颗粒物浓度（微克/立方米）", "≤35", "≤38", "≤33"],
                   ["优良天数比率（%）", "80", "78", "≥85"]], [170, 80, 80, 80])
    w.line(LEFT + 2 * SIZE, "二、主要任务")
    w.para("（一）优化产业结构。" + SENTENCE)
    doc = extract_file(w.save(tmp_path / "by_place.pdf"))
    assert [(t.title, t.header, len(t.rows)) for t in doc.tables] == [("专栏1 2025年空气质量主要指标", ["指标", "全省", "济南市", "青岛市"], 2)]
    got = sorted((t.metric, t.scope, t.value, t.unit, t.comparator, t.target_year, t.clause_id) for t in doc.targets if t.table_index == 0)
    assert got == sorted([
        ("细颗粒物浓度", "全省", 35.0, "微克/立方米", "<=", 2025, "1"), ("细颗粒物浓度", "济南市", 38.0, "微克/立方米", "<=", 2025, "1"),
        ("细颗粒物浓度", "青岛市", 33.0, "微克/立方米", "<=", 2025, "1"), ("优良天数比率", "全省", 80.0, "%", "=", 2025, "1"),
        ("优良天数比率", "济南市", 78.0, "%", "=", 2025, "1"), ("优良天数比率", "青岛市", 85.0, "%", ">=", 2025, "1"),
    ])


def test_annex_target_table_scope_is_the_place_not_the_row_number(tmp_path):
    """An annex table of per-county targets: 序号 | 县（市）区 | values. The scope is the place (the row
    number before it is none; `其中：高新区` is 高新区; a 全市 row spans the number column)."""
    w = Writer()
    w.centred("关于实施技术改造专项行动的通知")
    w.line(LEFT + 2 * SIZE, "一、工作目标")
    w.para("全年完成技改投资1120亿元以上。各县（市）区目标见附件1。")
    w.new_page()
    w.line(LEFT, "附件1")
    w.centred("2021年各县（市）区工业技改投资预期目标", size=16)
    rows = [["序号", "县（市）区", "总量（亿元）", "比增（%）"],
            ["全市", "", "1120", "12"], ["1", "鼓楼区", "21", "9"], ["2", "台江区", "/", "/"],
            ["3", "闽侯县", "122", "13"], ["", "其中：高新区", "34", "13"], ["4", "连江县", "193.5", "12"]]
    w.ruled_table(rows, [50, 140, 120, 120], merges={(1, 0): (1, 2)})
    doc = extract_file(w.save(tmp_path / "annex.pdf"))
    assert len(doc.tables) == 1 and doc.tables[0].annex == "附件1"
    got = [(t.scope, t.value, t.unit, t.target_year, t.clause_id) for t in doc.targets if t.table_index == 0]
    assert got == [("全市", 1120.0, "亿元", 2021, None), ("全市", 12.0, "%", 2021, None),
                   ("鼓楼区", 21.0, "亿元", 2021, None), ("鼓楼区", 9.0, "%", 2021, None),
                   ("闽侯县", 122.0, "亿元", 2021, None), ("闽侯县", 13.0, "%", 2021, None),
                   ("高新区", 34.0, "亿元", 2021, None), ("高新区", 13.0, "%", 2021, None),
                   ("连江县", 193.5, "亿元", 2021, None), ("连江县", 12.0, "%", 2021, None)]


# ------------------------------------------------------------------------------ tables of contents


@pytest.mark.parametrize("leaders_own_line", [True, False])
def test_contents_with_private_use_leaders_stay_contents(tmp_path, leaders_own_line):
    """目录 entries with leader dots in a private-use glyph, on the entry's line or on a line of their
    own with the page number: no clause, no table, no garbled page, and 目录 is not in the title."""
    w = Writer()
    w.centred("某市“十四五”生态环境保护规划")
    w.gap(40)
    w.centred("目  录", size=18)
    chapters = ["总体要求", "主要任务", "保障措施"]
    for k, name in enumerate(chapters):
        for indent, entry in [(0, f"第{NUMERALS[k]}章 {name}")] + [(SIZE, f"第{NUMERALS[j]}节 {name}第{j + 1}部分") for j in range(2)]:
            w.page.lines.append((LEFT + indent, w.y, entry, SIZE))
            end = LEFT + indent + pdfmetrics.stringWidth(entry, FONT, SIZE)
            y = w.y - 13 if leaders_own_line else w.y
            x = LEFT + indent if leaders_own_line else end + 4
            # reportlab draws each UTF-16 half of the glyph as a glyph of its own: 6 leaders take 12 em
            w.page.lines.append((x, y, LEADER * 6, SIZE))
            w.page.lines.append((RIGHT - 10, y, str(k + 2), SIZE))
            w.y -= LEADING + (13 if leaders_own_line else 0)
    w.new_page()
    for k, name in enumerate(chapters):
        w.centred(f"第{NUMERALS[k]}章 {name}", size=16)
        w.para(SENTENCE * 2)
    path = w.save(tmp_path / "toc.pdf")
    lines = _all_lines(path)
    assert not any("\ufffd" in line or any(0xD800 <= ord(ch) < 0xE000 for ch in line) for line in lines)
    # the leaders are dots: each entry is one line, ending in its leaders and page number
    entries = [line for line in lines if "…" in line]
    assert len(entries) == 9 and not any(LEADER in line for line in lines)
    assert entries[0].replace(" ", "") == "第一章总体要求" + "…" * 6 + "2"
    assert not is_garbled("\n".join(lines))
    doc = extract_file(path)
    assert doc.tables == []
    assert not {"garbled-text-layer", "lone-surrogates-replaced"} & {x.code for x in doc.warnings}
    assert not any(p.ocr for p in doc.source.page_info)  # private-use leader dots do not send a page to OCR
    assert [(c.id, c.heading) for c in doc.clauses] == [("1", "总体要求"), ("2", "主要任务"), ("3", "保障措施")]
    assert all(c.text.endswith("落到实处。") for c in doc.clauses)
    assert doc.meta.title == "某市“十四五”生态环境保护规划"


# ------------------------------------------------------------------------------ web pages printed to PDF


@pytest.mark.parametrize("print_line_split", [False, True])
def test_web_print_keeps_chrome_out_of_the_text(tmp_path, print_line_split):
    """A news page printed by a browser: print header (time, page title) and footer (address, page
    counter) on every page, the site headline, timestamp and 来源 over the notice, the print line,
    author/editor and the site's domain under it."""
    w = Writer(page_number=None)
    for k, channel in enumerate(["首页", "党务公开", "政务公开", "商贸流通", "外贸", "外资"]):
        w.page.lines.append((LEFT + k * 75, w.y, channel, 11))  # the site's menu bar, spaced like cells
    w.y -= LEADING
    w.centred("某省印发《关于推动绿色低碳发展的实施意见》", size=17)
    w.centred("2022-01-30 09:55:00", size=11, leading=20)
    w.centred("来源：中共某省委办公厅", size=11, leading=20)
    w.para("中共某省委 某省人民政府印发关于推动绿色低碳发展的实施意见的通知", indent=0)
    w.line(LEFT, "各市、县（市、区）党委和人民政府，省各委办厅局：")
    w.para("《关于推动绿色低碳发展的实施意见》已经省委常委会会议审议通过，现印发给你们，请结合实际认真贯彻落实。")
    for signer in ("中共某省委", "某省人民政府", "2022年1月15日"):
        _right(w, signer)
    w.line(LEFT, "（此件公开发布）")
    w.centred("关于推动绿色低碳发展的实施意见", size=16)
    for k in range(3):
        w.line(LEFT, f"{NUMERALS[k]}、重点工作{NUMERALS[k]}")
        for j in range(4):
            w.para(f"（{NUMERALS[j]}）推进第{k * 4 + j + 1}项任务。" + SENTENCE * 2, indent=0)
    if print_line_split:
        _right(w, "中共某省委办公厅")
        _right(w, "2022年1月15日印发")
    else:
        w.line(LEFT + 6 * SIZE, "中共某省委办公厅              2022年1月15日印发")
    w.line(LEFT + 10 * SIZE, "作者：     编辑：王某某", size=11)
    w.gap(40)
    w.line(LEFT, "友情链接", size=11)
    w.line(LEFT, "网站声明 隐私保护 联系我们 版权所有：某省人民政府办公厅", size=11)
    w.line(LEFT, "某ICP备05051451号 政府网站标识码：3700000031", size=11)
    w.centred("Example.gov.cn", size=11)
    url = "news.example-gov.cn/art/2022/1/30/art_123.html"
    for n, page in enumerate(w.pages, 1):
        page.lines += [(30, 820, "2022/2/10 上午10:30", 8), (250, 820, "某省印发《关于推动绿色低碳发展的实施意见》_新闻频道", 8),
                       (30, 20, url, 8), (540, 20, f"{n}/{len(w.pages)}", 8)]
    path = w.save(tmp_path / "web.pdf")
    assert len(w.pages) >= 3
    doc = extract_file(path)
    for chrome in ("example-gov.cn", "Example.gov.cn", "上午10:30", "_新闻频道", "编辑：", "首页", "友情链接", "ICP备", "联系我们"):
        assert all(chrome not in c.text for c in doc.clauses), chrome
    assert doc.tables == []
    assert [c.id for c in doc.clauses if "." not in c.id] == ["1", "2", "3"]
    assert len(doc.clauses) == 15
    # every clause ends at its own full stop; the print line is a line of its own after the last
    last = doc.clauses[-1].text.split("\n")
    assert last[0].endswith("落到实处。")
    assert all(line.replace(" ", "") in ("中共某省委办公厅", "2022年1月15日印发", "中共某省委办公厅2022年1月15日印发")
               for line in last[1:])
    assert doc.meta.printed_by == "中共某省委办公厅" and str(doc.meta.print_date) == "2022-01-15"
    assert doc.meta.issuer == ["中共某省委", "某省人民政府"]


# ------------------------------------------------------------------------------ OCR-rebuilt text layers


def test_ocr_rebuilt_text_layer_reads_as_text(tmp_path):
    """An ABBYY-style layer: invisible characters laid one by one where OCR found them over a framed
    page image, the pitch wandering and gaps opening inside words and numbers (`到20 25年`, `6 0%`)."""
    import random

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tests.pdf_shapes import TOP, wrap

    rnd = random.Random(7)
    path = tmp_path / "ocr.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setStrokeGray(0.5)
    c.rect(50, 50, A4[0] - 100, A4[1] - 100)  # the frame ABBYY keeps around the page
    lines = [(LEFT + 60, "关于推进绿色发展的实施方案")]
    for k in range(3):
        lines.append((LEFT + 2 * SIZE, f"{NUMERALS[k]}、重点任务{NUMERALS[k]}"))
        lines += wrap(f"（一）加强第{k + 1}项工作。" + SENTENCE + f"到2025年，覆盖率达到{60 + k}%。")
    y = TOP
    for x, text in lines:
        t = c.beginText()
        t.setTextRenderMode(3)  # invisible: the words lie over the scanned image
        t.setFont(FONT, SIZE)
        for i, ch in enumerate(text):
            t.setTextOrigin(x + rnd.uniform(-0.6, 0.6), y + rnd.uniform(-0.9, 0.9))
            t.textOut(ch)
            split = text[i:i + 2] in ("20", "60", "61", "62") or rnd.random() < 0.08
            x += pdfmetrics.stringWidth(ch, FONT, SIZE) + (0.25 * SIZE if split else rnd.uniform(-0.4, 0.4))
        c.drawText(t)
        y -= LEADING
    c.showPage()
    c.save()
    doc = extract_file(path)
    assert doc.tables == []
    assert doc.meta.title == "关于推进绿色发展的实施方案"
    assert [(c.id, c.heading) for c in doc.clauses] == [("1", "重点任务一"), ("1.1", "加强第1项工作"), ("2", "重点任务二"),
                                                       ("2.1", "加强第2项工作"), ("3", "重点任务三"), ("3.1", "加强第3项工作")]
    assert doc.clauses[1].text == "加强第1项工作。" + SENTENCE + "到2025年，覆盖率达到60%。"
    assert sorted((t.value, t.target_year) for t in doc.targets) == [(60.0, 2025), (61.0, 2025), (62.0, 2025)]


# ------------------------------------------------------------------------------ text layer decoders


def test_a_page_pdfium_decodes_wrongly_is_read_by_pdfminer_before_ocr(tmp_path, monkeypatch):
    """pdfium gives Cyrillic and Greek letters for a page that pdfminer decodes cleanly: pdfminer's
    text is kept and the page never goes to OCR."""
    from planparse.ingest import pdf as pdf_mod
    from planparse.ingest import ocr as ocr_mod
    from planparse.ingest.pdf_layout import PageLine

    w = Writer()
    w.centred("关于推进城乡建设绿色发展的实施意见")
    w.line(LEFT + 2 * SIZE, "一、总体要求")
    w.para(SENTENCE * 2)
    path = w.save(tmp_path / "cmap.pdf")

    real_read_page = pdf_mod._read_page

    def wrong_map(page, index, plumber):
        items = real_read_page(page, index, plumber)
        # every ideograph comes out as a Cyrillic letter, as a font's wrong character map gives
        return [PageLine("".join(chr(0x0410 + ord(ch) % 64) if "\u4e00" <= ch <= "\u9fff" else ch for ch in it.text), it.box)
                if isinstance(it, PageLine) else it for it in items]

    def no_ocr(*a, **k):
        raise AssertionError("OCR called on a page pdfminer reads")

    with pdf_mod.pdfium.PdfDocument(str(path)) as pdf:
        page = pdf[0]
        garbled = "".join(it.text for it in wrong_map(page, 0, pdf_mod._Plumber(path.read_bytes())) if isinstance(it, PageLine))
    assert is_garbled(garbled)  # what OCR would have been asked to fix
    monkeypatch.setattr(pdf_mod, "_read_page", wrong_map)
    monkeypatch.setattr(ocr_mod, "render_for_ocr", no_ocr)
    doc = read(path)
    lines = [line for page in doc.pages for line in page.lines]
    assert lines[0].replace(" ", "") == "关于推进城乡建设绿色发展的实施意见"
    assert not is_garbled("".join(lines))
    assert not any(code == "garbled-text-layer" for code, *_ in doc.notes)
