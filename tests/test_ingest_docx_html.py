"""docx and HTML readers on realistic government documents.

.docx fixtures are built at test time with python-docx plus a real numbering part
(tools/make_docx.py): paragraphs carry w:numPr, not typed markers, exactly as Word saves them.
HTML fixtures are hand-written pages in tests/fixtures/html/ modelled on provincial government
sites (gb2312 page with site chrome; table-layout page in UTF-8).
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import docx
import pytest

ROOT = Path(__file__).resolve().parents[1]
try:
    import planparse  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

from planparse.errors import CorruptFileError, EmptyFileError, EncryptedError, InputError  # noqa: E402
from planparse.ingest import read  # noqa: E402
from planparse.ingest.docx import chinese_counting, format_number, read_docx  # noqa: E402
from planparse.ingest.html import read_html  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_docx", ROOT / "tools" / "make_docx.py")
make_docx = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("make_docx", make_docx)
_spec.loader.exec_module(make_docx)
Level = make_docx.Level

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"

# Headings and clauses of samples/000 (江苏省空气质量持续改善行动计划实施方案).
H1 = "总体要求"
H2 = "优化产业结构，促进产业绿色低碳升级"
H3 = "优化能源结构，加快能源清洁低碳高效发展"
C1 = "坚决遏制高耗能、高排放、低水平项目盲目上马。研究制定“两高”项目管理目录。"
C2 = "加快退出重点行业落后产能。落实《产业结构调整指导目录》，逐步退出限制类涉气行业工艺和装备。"
C3 = "推进园区、产业集群绿色低碳化改造与综合整治。"
C5 = "大力发展新能源和清洁能源。到2025年，非化石能源消费比重达20%左右。"
C6 = "严格合理控制煤炭消费总量。原则上不再新增自备燃煤机组。"
BODY = "以习近平新时代中国特色社会主义思想为指导，深入贯彻习近平生态文明思想。"


def _policy_levels(l1_restart: int | None = None) -> list:
    """一、 / （一） / 1. as Word defines them: level N's own counter is %N+1."""
    return [
        Level("chineseCounting", "%1、", suffix="nothing"),
        Level("chineseCounting", "（%2）", restart=l1_restart, suffix="nothing"),
        Level("decimal", "%3.", suffix="nothing"),
    ]


def _lines(path: Path) -> list[str]:
    doc = read_docx(path, path.read_bytes())
    assert doc.format == "docx" and doc.lines_are_paragraphs
    assert len(doc.pages) == 1 and doc.pages[0].number is None
    return doc.pages[0].lines


def _save(doc, tmp_path: Path, name: str) -> Path:
    p = tmp_path / name
    doc.save(str(p))
    return p


# ------------------------------------------------------------------------------------------
# docx: Word automatic numbering
# ------------------------------------------------------------------------------------------


def test_docx_direct_numpr_restarts_sublevels(tmp_path):
    doc = docx.Document()
    make_docx.add_abstract_num(doc, 10, _policy_levels())
    make_docx.add_num(doc, 10, 10)
    doc.add_paragraph("江苏省空气质量持续改善行动计划实施方案")
    make_docx.numbered(doc.add_paragraph(H1), 10, 0)
    doc.add_paragraph(BODY)
    make_docx.numbered(doc.add_paragraph(H2), 10, 0)
    make_docx.numbered(doc.add_paragraph(C1), 10, 1)
    make_docx.numbered(doc.add_paragraph(C2), 10, 1)
    make_docx.numbered(doc.add_paragraph("逐步淘汰步进式烧结机和球团竖炉。"), 10, 2)
    make_docx.numbered(doc.add_paragraph("淘汰半封闭式硅锰合金、镍铁电炉。"), 10, 2)
    make_docx.numbered(doc.add_paragraph(C3), 10, 1)
    make_docx.numbered(doc.add_paragraph("实施产业集群专项整治。"), 10, 2)  # restarts under (三)
    make_docx.numbered(doc.add_paragraph(H3), 10, 0)
    make_docx.numbered(doc.add_paragraph(C5), 10, 1)  # restarts under 三、 (default lvlRestart)
    lines = _lines(_save(doc, tmp_path, "plan.docx"))
    assert lines == [
        "江苏省空气质量持续改善行动计划实施方案",
        "一、" + H1,
        BODY,
        "二、" + H2,
        "（一）" + C1,
        "（二）" + C2,
        "1.逐步淘汰步进式烧结机和球团竖炉。",
        "2.淘汰半封闭式硅锰合金、镍铁电炉。",
        "（三）" + C3,
        "1.实施产业集群专项整治。",
        "三、" + H3,
        "（一）" + C5,
    ]


def test_docx_lvlrestart_zero_continues_across_level0(tmp_path):
    # samples/000 numbers its （一）…（二十六） straight through the 一、…十、 headings:
    # Word writes that as w:lvlRestart w:val="0" on level 1.
    doc = docx.Document()
    make_docx.add_abstract_num(doc, 11, _policy_levels(l1_restart=0))
    make_docx.add_num(doc, 11, 11)
    make_docx.numbered(doc.add_paragraph(H2), 11, 0)
    for clause in (C1, C2, C3, "优化含VOCs原辅材料和产品结构。"):
        make_docx.numbered(doc.add_paragraph(clause), 11, 1)
    make_docx.numbered(doc.add_paragraph(H3), 11, 0)
    make_docx.numbered(doc.add_paragraph(C5), 11, 1)
    make_docx.numbered(doc.add_paragraph(C6), 11, 1)
    lines = _lines(_save(doc, tmp_path, "continuous.docx"))
    assert [ln.split("。")[0][:6] for ln in lines] == [
        "一、优化产业", "（一）坚决遏", "（二）加快退", "（三）推进园", "（四）优化含", "二、优化能源", "（五）大力发",
        "（六）严格合",
    ]


def test_docx_numbering_via_paragraph_style_and_basedon_chain(tmp_path):
    doc = docx.Document()
    make_docx.add_abstract_num(doc, 12, _policy_levels())
    make_docx.add_num(doc, 12, 12)
    # 标题1 carries numPr itself; 标题2 inherits it from its base style 条款基础 (basedOn chain).
    make_docx.add_numbered_style(doc, "PolicyHeading1", num_id=12, ilvl=0)
    make_docx.add_numbered_style(doc, "ClauseBase", num_id=12, ilvl=1)
    make_docx.add_numbered_style(doc, "Clause", num_id=None, ilvl=None, based_on="ClauseBase")
    doc.add_paragraph(H1, style="PolicyHeading1")
    doc.add_paragraph(BODY)
    doc.add_paragraph(H2, style="PolicyHeading1")
    doc.add_paragraph(C1, style="Clause")
    doc.add_paragraph(C2, style="Clause")
    # numId 0 on the paragraph switches the style's numbering off
    make_docx.numbered(doc.add_paragraph("到2025年，短流程炼钢产量占比力争达20%以上。", style="Clause"), 0, None)
    doc.add_paragraph(H3, style="PolicyHeading1")
    doc.add_paragraph(C5, style="Clause")
    lines = _lines(_save(doc, tmp_path, "styled.docx"))
    assert lines == [
        "一、" + H1,
        BODY,
        "二、" + H2,
        "（一）" + C1,
        "（二）" + C2,
        "到2025年，短流程炼钢产量占比力争达20%以上。",
        "三、" + H3,
        "（一）" + C5,
    ]


def test_docx_style_linked_level_found_by_pstyle(tmp_path):
    # Word's heading styles linked to a multilevel list: the style's numPr has no ilvl, the
    # level is the one whose w:pStyle names the style.
    doc = docx.Document()
    levels = _policy_levels()
    levels[0].pstyle = "LinkedH1"
    levels[1].pstyle = "LinkedH2"
    make_docx.add_abstract_num(doc, 13, levels)
    make_docx.add_num(doc, 13, 13)
    make_docx.add_numbered_style(doc, "LinkedH1", num_id=13)
    make_docx.add_numbered_style(doc, "LinkedH2", num_id=13)
    doc.add_paragraph(H2, style="LinkedH1")
    doc.add_paragraph(C1, style="LinkedH2")
    doc.add_paragraph(C2, style="LinkedH2")
    doc.add_paragraph(H3, style="LinkedH1")
    doc.add_paragraph(C5, style="LinkedH2")
    assert [ln[:4] for ln in _lines(_save(doc, tmp_path, "linked.docx"))] == [
        "一、优化", "（一）坚", "（二）加", "二、优化", "（一）大"]


def test_docx_num_instances_share_or_restart_the_abstract_list(tmp_path):
    # Word: "continue numbering" = a new w:num on the same abstractNum (counters shared);
    # "restart at" = a new w:num with w:lvlOverride/w:startOverride.
    doc = docx.Document()
    make_docx.add_abstract_num(doc, 14, _policy_levels())
    make_docx.add_num(doc, 14, 14)
    make_docx.add_num(doc, 15, 14)  # continues
    make_docx.add_num(doc, 16, 14, start_overrides={0: 1})  # restarts at 一
    make_docx.add_num(doc, 17, 14, start_overrides={0: 5})  # restarts at 五
    make_docx.numbered(doc.add_paragraph(H1), 14, 0)
    make_docx.numbered(doc.add_paragraph(H2), 14, 0)
    make_docx.numbered(doc.add_paragraph(H3), 15, 0)
    doc.add_paragraph("附件")
    make_docx.numbered(doc.add_paragraph("重点工作任务"), 16, 0)
    make_docx.numbered(doc.add_paragraph("保障措施"), 16, 0)
    make_docx.numbered(doc.add_paragraph("强化面源污染治理"), 17, 0)
    make_docx.numbered(doc.add_paragraph("加强扬尘精细化管控。"), 17, 1)
    assert _lines(_save(doc, tmp_path, "overrides.docx")) == [
        "一、" + H1, "二、" + H2, "三、" + H3, "附件", "一、重点工作任务", "二、保障措施", "五、强化面源污染治理",
        "（一）加强扬尘精细化管控。",
    ]


def test_docx_multilevel_lvltext_formats_each_level_in_its_own_format(tmp_path):
    doc = docx.Document()
    make_docx.add_abstract_num(doc, 20, [
        Level("chineseCounting", "第%1章", suffix="space"),
        Level("decimal", "%1.%2", suffix="nothing"),  # %1 shown in level 0's format: 一.1
        Level("decimal", "%1.%2.%3", is_legal=True, suffix="nothing"),  # isLgl: all arabic: 1.1.1
        Level("decimalEnclosedCircle", "%4", suffix="nothing"),
        Level("ideographTraditional", "%5、", suffix="nothing"),
        Level("none", "", suffix="nothing"),
    ])
    make_docx.add_num(doc, 20, 20)
    make_docx.numbered(doc.add_paragraph("总则"), 20, 0)
    make_docx.numbered(doc.add_paragraph("目的"), 20, 1)
    make_docx.numbered(doc.add_paragraph("依据"), 20, 2)
    make_docx.numbered(doc.add_paragraph("推进"), 20, 3)
    make_docx.numbered(doc.add_paragraph("加强"), 20, 3)
    make_docx.numbered(doc.add_paragraph("甲项"), 20, 4)
    make_docx.numbered(doc.add_paragraph("乙项"), 20, 4)
    make_docx.numbered(doc.add_paragraph("无编号级别"), 20, 5)
    make_docx.numbered(doc.add_paragraph("重点任务"), 20, 0)
    assert _lines(_save(doc, tmp_path, "multilevel.docx")) == [
        "第一章 总则", "一.1目的", "1.1.1依据", "①推进", "②加强", "甲、甲项", "乙、乙项", "无编号级别", "第二章 重点任务",
    ]


def test_docx_typed_markers_untouched_and_empty_paragraphs_dropped(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("一、" + H1)
    doc.add_paragraph("")
    doc.add_paragraph("　　")  # full-width indentation only
    p = doc.add_paragraph("（一）坚决遏制高耗能、高排放、")
    p.add_run().add_break()  # soft line break (Shift+Enter) inside the paragraph
    p.add_run("低水平项目盲目上马。")
    p2 = doc.add_paragraph("　　主要目标是：到2025年，全省PM")
    r = p2.add_run("2.5")
    r.font.subscript = True
    p2.add_run("浓度总体达标。")
    section = doc.sections[0]
    section.header.paragraphs[0].text = "江苏省人民政府文件"
    section.footer.paragraphs[0].text = "— 1 —"
    lines = _lines(_save(doc, tmp_path, "typed.docx"))
    assert lines == [
        "一、" + H1,
        "（一）坚决遏制高耗能、高排放、低水平项目盲目上马。",
        "主要目标是：到2025年，全省PM2.5浓度总体达标。",
    ]


def test_docx_empty_numbered_paragraph_counts_but_is_not_a_line(tmp_path):
    doc = docx.Document()
    make_docx.add_abstract_num(doc, 30, _policy_levels())
    make_docx.add_num(doc, 30, 30)
    make_docx.numbered(doc.add_paragraph(H1), 30, 0)
    make_docx.numbered(doc.add_paragraph(""), 30, 0)  # Word shows a lone "二、"
    make_docx.numbered(doc.add_paragraph(H3), 30, 0)
    assert _lines(_save(doc, tmp_path, "gap.docx")) == ["一、" + H1, "三、" + H3]


# ------------------------------------------------------------------------------------------
# docx: tables
# ------------------------------------------------------------------------------------------


def _task_table_doc():
    """附件 重点工作任务分解表 (samples/004): merged category column, spanned header."""
    doc = docx.Document()
    doc.add_paragraph("附件")
    doc.add_paragraph("重点工作任务分解表")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    hdr = table.rows[0].cells
    hdr[0].text = "序号"
    hdr[1].merge(hdr[2]).text = "重点工作任务"  # gridSpan=2
    hdr[3].text = "责任分工"
    data = [
        ("1", "严格落实“两高”项目管理目录，实行清单管理、分类处置、动态监控。", "区经发局、行政审批局、生态环境分局等按职责分工负责。"),
        ("2", "针对现有产业集群制定专项整治方案。", "区经发局、生态环境分局等按职责分工负责。"),
        ("3", "鼓励和推进汽车4S店、大型汽修厂实施水性涂料替代。", "市交通运输综合行政执法支队二大队牵头。"),
    ]
    for i, (no, task, who) in enumerate(data, start=1):
        cells = table.rows[i].cells
        cells[0].text = no
        cells[2].text = task
        cells[3].text = who
    category = table.cell(1, 1).merge(table.cell(2, 1))  # vMerge restart + continue
    category.text = "坚决遏制高耗能、高排放、低水平项目盲目上马"
    table.cell(3, 1).text = "优化含VOCs原辅材料和产品结构"
    # a responsibility cell with two paragraphs and a nested table
    cell = table.cell(3, 3)
    cell.add_paragraph("生态环境分局、各街道配合。")
    inner = cell.add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "联系人"
    inner.cell(0, 1).text = "区生态环境分局"
    doc.add_paragraph("抄送：市生态环境局。")
    return doc


def test_docx_table_merged_cells_and_position(tmp_path):
    path = _save(_task_table_doc(), tmp_path, "table.docx")
    doc = read_docx(path, path.read_bytes())
    page = doc.pages[0]
    assert page.lines == ["附件", "重点工作任务分解表", "抄送：市生态环境局。"]
    assert len(page.tables) == 1
    t = page.tables[0]
    assert t.page is None
    assert t.line_index == 2  # stands between 重点工作任务分解表 and 抄送
    assert all(len(row) == 4 for row in t.rows)
    assert t.rows[0] == ["序号", "重点工作任务", None, "责任分工"]
    assert t.rows[1][:2] == ["1", "坚决遏制高耗能、高排放、低水平项目盲目上马"]
    assert t.rows[2][0] == "2"
    assert t.rows[2][1] is None  # vertically merged continuation
    assert t.rows[2][2] == "针对现有产业集群制定专项整治方案。"
    assert t.rows[3][1] == "优化含VOCs原辅材料和产品结构"
    # cell paragraphs and nested table text flattened, no newlines, CJK joined without spaces
    assert t.rows[3][3] == "市交通运输综合行政执法支队二大队牵头。生态环境分局、各街道配合。联系人区生态环境分局"


def test_docx_through_ingest_read(tmp_path):
    path = _save(_task_table_doc(), tmp_path, "table.docx")
    raw = read(path)
    assert raw.format == "docx" and raw.sha256 and raw.path == str(path)
    assert raw.pages[0].tables[0].rows[2][1] is None


# ------------------------------------------------------------------------------------------
# docx: damaged / encrypted
# ------------------------------------------------------------------------------------------


def test_docx_truncated_is_corrupt(tmp_path):
    good = _save(_task_table_doc(), tmp_path, "good.docx").read_bytes()
    bad = tmp_path / "truncated.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(CorruptFileError) as e:
        read_docx(bad, bad.read_bytes())
    assert e.value.path == str(bad)
    assert "\n" not in e.value.one_line()
    with pytest.raises(CorruptFileError):
        read(bad)


def test_docx_garbage_and_missing_main_part_are_corrupt(tmp_path):
    import io
    import zipfile

    junk = tmp_path / "junk.docx"
    junk.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    with pytest.raises(CorruptFileError):
        read_docx(junk, junk.read_bytes())

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a word document")
    nodoc = tmp_path / "nodoc.docx"
    nodoc.write_bytes(buf.getvalue())
    with pytest.raises(CorruptFileError, match="main document"):
        read_docx(nodoc, nodoc.read_bytes())


def test_docx_ole_container_encrypted_or_legacy(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    enc = tmp_path / "secret.docx"
    enc.write_bytes(ole + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100)
    with pytest.raises(EncryptedError, match="password"):
        read_docx(enc, enc.read_bytes())
    legacy = tmp_path / "old.docx"
    legacy.write_bytes(ole + "WordDocument".encode("utf-16-le") + b"\x00" * 100)
    with pytest.raises(CorruptFileError, match=r"\.doc"):
        read_docx(legacy, legacy.read_bytes())
    with pytest.raises(InputError):
        read(legacy)


def test_number_formats():
    assert [chinese_counting(n) for n in (1, 9, 10, 11, 20, 21, 26, 99, 100, 101, 110)] == [
        "一", "九", "十", "十一", "二十", "二十一", "二十六", "九十九", "一百", "一百零一", "一百一十"]
    assert format_number(3, "chineseCountingThousand") == "三"
    assert format_number(12, "japaneseCounting") == "十二"
    assert format_number(3, "ideographTraditional") == "丙"
    assert format_number(12, "decimalEnclosedCircleChinese") == "⑫"
    assert format_number(3, "lowerLetter") == "c" and format_number(28, "upperLetter") == "BB"
    assert format_number(14, "upperRoman") == "XIV" and format_number(4, "lowerRoman") == "iv"
    assert format_number(7, "decimalFullWidth") == "７"
    assert format_number(2, "chineseLegalSimplified") == "贰"


# ------------------------------------------------------------------------------------------
# HTML
# ------------------------------------------------------------------------------------------


def _html(name: str):
    path = FIXTURES / name
    doc = read_html(path, path.read_bytes())
    assert doc.format == "html" and doc.lines_are_paragraphs
    assert len(doc.pages) == 1 and doc.pages[0].number is None
    return doc


CHROME = ["字号", "打印", "关闭", "分享", "扫一扫", "当前位置", "首页", "上一篇", "下一篇", "相关链接", "版权所有",
          "ICP", "浏览次数", "来源：", "发布日期", "搜索", "要闻动态", "统计代码", "主办单位", "微信"]


def test_html_gb2312_government_article():
    raw_bytes = (FIXTURES / "gov_article_gb2312.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw_bytes.decode("utf-8")  # really a GB2312 file
    doc = _html("gov_article_gb2312.html")
    assert doc.encoding == "gb18030"
    lines = doc.pages[0].lines
    # the <h1> title (outside the #zoom body) leads
    assert lines[0] == "江苏省人民政府关于印发江苏省空气质量持续改善行动计划实施方案的通知"
    assert lines[1] == "苏政发〔2024〕53号"
    assert "现将《江苏省空气质量持续改善行动计划实施方案》印发给你们，请认真贯彻落实。" in lines  # &nbsp; indent gone
    # a source line wrap inside a <p> between CJK characters adds no space
    assert any(ln.endswith("切实保障人民群众身体健康，以高水平保护支撑高质量发展，制定本实施方案。") for ln in lines)
    assert "一、总体要求" in lines  # <strong><span> inline, U+3000 indent stripped
    assert "二、优化产业结构，促进产业绿色低碳升级" in lines
    goal = next(ln for ln in lines if ln.startswith("以习近平"))
    assert "全省PM2.5浓度总体达标" in goal and "<sub>" not in goal
    assert any(ln.startswith("（一）坚决遏制高耗能、高排放、低水平项目盲目上马。研究制定") for ln in lines)
    # <br>-separated runs are lines of their own
    i = lines.index("（二）加快退出重点行业落后产能。落实《产业结构调整指导目录》，逐步退出限制类涉气行业工艺和装备。")
    assert lines[i + 1 : i + 3] == ["1.逐步淘汰步进式烧结机和球团竖炉。", "2.淘汰半封闭式硅锰合金、镍铁、高碳铬铁、高碳锰铁电炉。"]
    assert lines[-1] == "三、优化能源结构，加快能源清洁低碳高效发展"
    for line in lines:
        assert line == line.strip(" \u3000\xa0")
        for word in CHROME:
            assert word not in line, (word, line)

    [table] = doc.pages[0].tables
    assert table.page is None
    assert lines[table.line_index - 1] == "附件：重点工作任务分解表"
    assert lines[table.line_index] == "三、优化能源结构，加快能源清洁低碳高效发展"
    assert table.rows[0] == ["序号", "重点工作任务", None, "责任分工"]  # colspan
    assert table.rows[1][1] == "坚决遏制高耗能、高排放、低水平项目盲目上马"
    assert table.rows[2][:3] == ["2", None, "涉及产能置换的项目，被置换产能及其配套设施关停后，新建项目方可投产。"]  # rowspan
    assert table.rows[3] == ["3", "大力发展新能源和清洁能源", "到2025年，非化石能源消费比重达20%左右。", "区经发局牵头"]
    assert {len(r) for r in table.rows} == {4}


def test_html_layout_table_page_utf8():
    doc = _html("layout_table_utf8.html")
    assert doc.encoding == "utf-8"
    lines = doc.pages[0].lines
    assert lines[:3] == [
        "区管委会关于印发开发区空气质量持续改善行动计划实施方案的通知",
        "连开委〔2024〕35号",
        "各街道办事处，区各有关部门，各相关单位：",
    ]
    assert "一、总体要求" in lines and "二、主要目标" in lines and "三、重点任务" in lines
    assert any("细颗粒物（PM2.5）浓度为主线" in ln for ln in lines)
    for line in lines:
        for word in CHROME + ["网站首页", "通知公告", "您现在的位置", "Copyright"]:
            assert word not in line, (word, line)
    # the two layout tables (page grid, spacer+content) were descended into: only the data table remains
    [table] = doc.pages[0].tables
    assert lines[table.line_index - 1] == "附件：重点工作任务分解表"
    assert lines[table.line_index] == "三、重点任务"
    assert table.rows[0] == ["序号", "重点工作任务", None, "责任分工"]
    assert [r[1] for r in table.rows[1:]] == ["优化含VOCs原辅材料和产品结构", None, None]
    assert [r[0] for r in table.rows[1:]] == ["4", "5", "6"]
    assert table.rows[3][3].startswith("市交通运输综合行政执法支队二大队牵头，")  # nested table flattened
    assert "生态环境分局" in table.rows[3][3]


def test_html_generic_container_without_known_ids(tmp_path):
    page = """<!doctype html><html><head><meta charset="utf-8">
<title>南通市空气质量持续改善行动计划实施方案</title></head><body>
<div class="site-top"><a href="/">首页</a><a href="/a">机构</a><a href="/b">新闻</a><a href="/c">公开</a></div>
<div class="left-col"><ul><li><a href="/1">市政府文件</a></li><li><a href="/2">市政府办公室文件</a></li>
<li><a href="/3">部门文件</a></li><li><a href="/4">政策解读</a></li></ul></div>
<div class="right-col"><div class="x1"><div class="x2">
<p>为持续深入打好蓝天保卫战，切实保障人民群众身体健康，以空气质量持续改善推动经济高质量发展，制定本行动计划。</p>
<p>一、总体要求</p>
<p>以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，深入贯彻习近平生态文明思想，坚持稳中求进工作总基调。</p>
<p>（一）优化产业结构。坚决遏制高耗能、高排放、低水平项目盲目上马。</p>
</div></div></div>
<div class="bottom">Copyright &copy; 南通市人民政府 版权所有</div>
</body></html>"""
    path = tmp_path / "generic.html"
    path.write_text(page, encoding="utf-8")
    doc = read_html(path, path.read_bytes())
    assert doc.pages[0].lines == [
        "南通市空气质量持续改善行动计划实施方案",  # from <title>: not in the body
        "为持续深入打好蓝天保卫战，切实保障人民群众身体健康，以空气质量持续改善推动经济高质量发展，制定本行动计划。",
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党的二十大精神，深入贯彻习近平生态文明思想，坚持稳中求进工作总基调。",
        "（一）优化产业结构。坚决遏制高耗能、高排放、低水平项目盲目上马。",
    ]
    assert doc.pages[0].tables == []


def test_html_http_equiv_gbk_and_br_runs(tmp_path):
    body = ("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=GBK\">"
            "<title>通知</title></head><body><div id=\"UCAP-CONTENT\">"
            "&nbsp;&nbsp;一、总体要求<br>　　以改善空气质量为核心，减少重污染天气。<br/><br/>"
            "　　二、主要目标<br>到2025年，PM<sub>2.5</sub>浓度下降10%，臭氧（O<sub>3</sub>）浓度稳中有降。"
            "</div></body></html>")
    path = tmp_path / "gbk.htm"
    path.write_bytes(body.encode("gbk"))
    doc = read(path)
    assert doc.format == "html" and doc.encoding == "gb18030"
    assert doc.pages[0].lines == [
        "一、总体要求",
        "以改善空气质量为核心，减少重污染天气。",
        "二、主要目标",
        "到2025年，PM2.5浓度下降10%，臭氧（O3）浓度稳中有降。",
    ]


def test_html_utf8_bom_without_meta(tmp_path):
    path = tmp_path / "bom.html"
    path.write_bytes(b"\xef\xbb\xbf" + "<html><body><div class='TRS_Editor'><p>一、总体要求</p><p>（一）加强组织领导。</p>"
                     "</div></body></html>".encode("utf-8"))
    doc = read_html(path, path.read_bytes())
    assert doc.pages[0].lines == ["一、总体要求", "（一）加强组织领导。"]


def test_html_without_text_is_empty(tmp_path):
    path = tmp_path / "shell.html"
    path.write_text("<!DOCTYPE html><html><head><title></title><script>loadArticle()</script></head>"
                    "<body><nav><a href='/'>首页</a></nav><div id='app'></div>"
                    "<div class='footer'>版权所有 江苏省人民政府</div></body></html>", encoding="utf-8")
    with pytest.raises(EmptyFileError) as e:
        read_html(path, path.read_bytes())
    assert e.value.path == str(path)


def test_html_binary_or_plain_text_is_not_html(tmp_path):
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(CorruptFileError):
        read_html(binary, binary.read_bytes())
    plain = tmp_path / "plain.html"
    plain.write_text("一、总体要求\n以改善空气质量为核心。\n", encoding="utf-8")
    with pytest.raises(CorruptFileError, match="HTML"):
        read_html(plain, plain.read_bytes())


def test_html_aspnet_form_wrapping_the_page_is_kept(tmp_path):
    paras = "".join(f"<p>（{n}）{C1}{C2}</p>" for n in "一二三四")
    page = (f"<html><head><meta charset='utf-8'><title>{H2}_政策文件</title></head><body>"
            f"<form id='form1' method='post' action='./show.aspx'><input type='hidden' name='__VIEWSTATE' value='x'>"
            f"<div class='head'><a href='/'>首页</a></div><div class='detail'><h1>{H2}</h1>{paras}</div>"
            f"<div class='foot'>版权所有</div></form></body></html>")
    path = tmp_path / "show.aspx.html"
    path.write_text(page, encoding="utf-8")
    lines = read_html(path, path.read_bytes()).pages[0].lines
    assert lines[0] == H2
    assert [ln[:3] for ln in lines[1:]] == ["（一）", "（二）", "（三）", "（四）"]


def test_docx_word_markup_revisions_fields_content_controls_textboxes(tmp_path):
    from docx.oxml import parse_xml

    W = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
         'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
         'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    doc = docx.Document()
    body = doc.element.body
    sect = body[-1]  # keep w:sectPr last
    xml = [
        # tracked changes: deletion dropped, insertion kept; hidden text dropped
        f'<w:p {W}><w:r><w:t>到2025年，全省PM2.5浓度</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>基本</w:delText></w:r></w:del>'
        f'<w:ins w:id="2" w:author="a"><w:r><w:t>总体</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>（隐藏批注）</w:t></w:r>'
        f'<w:r><w:t>达标。</w:t></w:r></w:p>',
        # hyperlink and a simple field
        f'<w:p {W}><w:r><w:t xml:space="preserve">落实</w:t></w:r><w:hyperlink r:id="rIdX"><w:r><w:t>《产业结构调整指导目录》</w:t></w:r></w:hyperlink>'
        f'<w:fldSimple w:instr=" DATE "><w:r><w:t>（2024年）</w:t></w:r></w:fldSimple></w:p>',
        # a block content control wrapping a paragraph
        f'<w:sdt {W}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>江苏省人民政府</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        # a text box: Word writes it twice (DrawingML choice + VML fallback); read it once
        f'<w:p {W}><w:r><w:t>正文段落。</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>'
        f'<w:txbxContent><w:p><w:r><w:t>公开方式：主动公开</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice>'
        f'<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>公开方式：主动公开</w:t></w:r></w:p></w:txbxContent></w:pict>'
        f'</mc:Fallback></mc:AlternateContent></w:r></w:p>',
        # a table row starting after a skipped grid column (gridBefore)
        f'<w:tbl {W}><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
        f'<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>任务</w:t></w:r></w:p></w:tc>'
        f'<w:tc><w:p><w:r><w:t>责任单位</w:t></w:r></w:p></w:tc></w:tr>'
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>加强扬尘管控</w:t></w:r></w:p></w:tc>'
        f'<w:tc><w:p><w:r><w:t>住建局</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    ]
    for frag in xml:
        sect.addprevious(parse_xml(frag))
    path = _save(doc, tmp_path, "markup.docx")
    page = read_docx(path, path.read_bytes()).pages[0]
    assert page.lines == [
        "到2025年，全省PM2.5浓度总体达标。",
        "落实《产业结构调整指导目录》（2024年）",
        "江苏省人民政府",
        "正文段落。",
        "公开方式：主动公开",
    ]
    assert page.tables[0].rows == [["序号", "任务", "责任单位"], [None, "加强扬尘管控", "住建局"]]
    assert page.tables[0].line_index == 5


def test_html_table_kinds_and_site_name_title(tmp_path):
    long_cell = "".join(f"<p>（{n}）{C1}{C2}{C5}</p>" for n in "一二三四")
    data_rows = "".join(f"<tr><td>{task}</td><td><p>{C1}</p><p>{C2}</p><p>{C6}</p></td></tr>"
                        for task in ("优化产业结构", "优化能源结构", "优化交通结构"))
    page = (f"<html><head><meta charset='utf-8'><title>江苏省人民政府</title></head><body>"
            f"<div class='article'>"
            # three-column page grid (menu | spacer | article): layout, read as paragraphs
            f"<table><tr><td><a href='/1'>政策文件</a></td><td>&nbsp;</td><td>{long_cell}"
            # two-column data table whose cells hold several paragraphs: still a table
            f"<table border='1'><tr><th>重点任务</th><th>具体措施</th></tr>{data_rows}</table>"
            f"<p>二、保障措施</p></td></tr></table></div></body></html>")
    path = tmp_path / "kinds.html"
    path.write_text(page, encoding="utf-8")
    doc = read_html(path, path.read_bytes())
    lines = doc.pages[0].lines
    assert lines[0].startswith("（一）坚决遏制")  # the site name <title> is not made a title line
    assert [ln[:3] for ln in lines] == ["（一）", "（二）", "（三）", "（四）", "二、保"]
    [table] = doc.pages[0].tables
    assert table.line_index == 4
    assert table.rows[0] == ["重点任务", "具体措施"]
    assert table.rows[1] == ["优化产业结构", C1 + C2 + C6]
    assert len(table.rows) == 4


def test_docx_paragraphs_broken_mid_sentence_are_rejoined(tmp_path):
    """A Word file whose author pressed Enter inside sentences (as if typing lines): a paragraph
    ending on `，` or inside a word continues in the next; headings and items stay apart."""
    import docx as python_docx

    from planparse.pipeline import extract_file

    d = python_docx.Document()
    for text in [
        "某某区示范工作方案",
        "一、总体要求",
        "坚持系统推进示范片区建设，统筹协调各方力量，",
        "确保示范任务按期完成。",
        "二、主要任务",
        "（一）推进示范片区提质增效。到2026年，示范片区覆盖率达到百分之",
        "八十以上，区示范办牵头。",
        "（二）加强监督检查。",
    ]:
        d.add_paragraph(text)
    path = tmp_path / "broken.docx"
    d.save(str(path))
    doc = extract_file(path)
    by_id = {c.id: c for c in doc.clauses}
    assert [c.id for c in doc.clauses] == ["1", "2", "2.1", "2.2"]
    assert by_id["1"].text.endswith("\n坚持系统推进示范片区建设，统筹协调各方力量，确保示范任务按期完成。")
    assert by_id["2.1"].text.endswith("示范片区覆盖率达到百分之八十以上，区示范办牵头。")


_CHROME_PAGE = """<html><head><title>关于印发某市行动方案的通知</title></head><body><div class="content">
<p>发布时间：2024-03-01 来源：市政府办公室</p><p>扫一扫在手机打开当前页</p>
<p>一、总体目标</p><p>到2025年，覆盖率达到90%。</p><p>本站声明：转载请注明出处</p>
<p>上一篇：关于做好春耕工作的通知</p></div></body></html>"""


def test_the_html_reader_drops_the_web_chrome_layout_toml_names(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(_CHROME_PAGE, encoding="utf-8")
    lines = read(page).pages[0].lines
    assert "一、总体目标" in lines and "到2025年，覆盖率达到90%。" in lines
    assert not any(s.startswith(("发布时间", "扫一扫", "上一篇")) for s in lines)  # layout.toml web_chrome


def test_an_analysts_web_chrome_rule_reaches_html_pages_only(tmp_path):
    from planparse.pipeline import extract_file

    page = tmp_path / "page.html"
    page.write_text(_CHROME_PAGE, encoding="utf-8")
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "layout.toml").write_text(
        "[[web_chrome]]\nname = \"a site's reprint note\"\npattern = '本站声明[:：].{0,40}'\n", encoding="utf-8")
    text = tmp_path / "page.txt"
    text.write_text("一、总体目标\n到2025年，覆盖率达到90%。\n本站声明：转载请注明出处\n", encoding="utf-8")
    assert "本站声明" in extract_file(page).clauses[0].text
    assert "本站声明" not in extract_file(page, grammars_dir=tmp_path / "g").clauses[0].text
    assert "本站声明" in extract_file(text, grammars_dir=tmp_path / "g").clauses[0].text  # a text file keeps it
