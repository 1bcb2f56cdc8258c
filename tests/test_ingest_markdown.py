"""Markdown reader: scraped pages saved as .md, on hand-written documents of the scrapes' shape.

Made-up wording throughout; the ten scored corpus documents are run as a whole in test_corpus_meta.py.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from planparse.ingest import detect_format, read
from planparse.ingest.markdown import read_markdown
from planparse.pipeline import extract_file

SCRAPE = """\
# 示范市人民政府办公厅关于印发《示范市绿色码头建设行动方案》的通知

**发布日期**: 2031-03-05
**发布机构**: 示范市港航管理局
**原文链接**: [http://www.example.gov.cn/zwgk/20310305/0123456789abcdef0123456789abcdef.html](http://www.example.gov.cn/zwgk/20310305/0123456789abcdef0123456789abcdef.html)

---

示府办发〔2031〕8号

各区人民政府，市政府各委、办、局：

  经市政府同意，现将《示范市绿色码头建设行动方案》印发给你们，请认真按照执行。

  示范市人民政府办公厅

  2031年3月1日

**示范市绿色码头建设行动方案**

  为推进码头绿色转型，制定本方案。

 **一、工作目标**

  到2033年，建成绿色码头12个。

 **二、重点任务**

  1. 推广岸电设施。新建泊位同步建设岸电设施。（市港航局、市发展改革委）

  2. 更新作业机械。淘汰老旧作业机械。（市港航局）

【原文下载】
- [示范市人民政府办公厅关于印发《示范市绿色码头建设行动方案》的通知.pdf](/cmsres/ab/cd/0123.pdf )
"""


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_markdown_is_a_format_by_suffix_and_by_content(tmp_path):
    assert detect_format(Path("a.md"), b"x") == "markdown"
    assert detect_format(Path("a.markdown"), b"x") == "markdown"
    assert detect_format(Path("noext"), "# 标题\n正文".encode()) == "markdown"
    assert detect_format(Path("noext"), b"---\ntitle: x\n---\n") == "markdown"
    doc = read(_write(tmp_path, "page.md", SCRAPE))
    assert doc.format == "markdown"


def test_markup_is_not_text_and_lines_stay_source_lines(tmp_path):
    p = _write(tmp_path, "page.md", SCRAPE)
    doc = read_markdown(p, p.read_bytes())
    lines = doc.pages[0].lines
    source = SCRAPE.split("\n")
    assert len(lines) == len(source)
    # heading without '#', bold without '**', link text without its target
    assert lines[0] == "示范市人民政府办公厅关于印发《示范市绿色码头建设行动方案》的通知"
    assert lines[2] == "发布日期: 2031-03-05"
    assert lines[4].startswith("原文链接: http://www.example.gov.cn/") and "](" not in lines[4]
    assert lines[6] == ""  # the rule --- is markup only
    i = source.index(" **一、工作目标**")
    assert lines[i] == "一、工作目标"
    # an ordered-list item keeps its number: it is the document's own clause marker
    j = next(k for k, s in enumerate(source) if "推广岸电设施" in s)
    assert lines[j].startswith("1.推广岸电设施")
    # the download link of the portal is not text
    assert not any(".pdf" in s for s in lines)


def test_clause_lines_point_into_the_markdown_file(tmp_path):
    p = _write(tmp_path, "page.md", SCRAPE)
    doc = extract_file(p)
    source = SCRAPE.split("\n")
    by_id = {c.id: c for c in doc.clauses}
    assert [c.id for c in doc.clauses] == ["1", "2", "2.1", "2.2"]
    for c in doc.clauses:
        assert c.marker_raw.rstrip(".、") in source[c.line - 1], (c.id, c.line)
    assert by_id["2.1"].heading == "推广岸电设施"
    assert "岸电" in by_id["2.1"].text


def test_scrape_meta_from_the_document_not_the_portal(tmp_path):
    doc = extract_file(_write(tmp_path, "page.md", SCRAPE))
    m = doc.meta
    assert m.notice_title == "示范市人民政府办公厅关于印发《示范市绿色码头建设行动方案》的通知"
    assert m.title == "示范市绿色码头建设行动方案"
    assert m.doc_number == "示府办发〔2031〕8号"
    assert m.issuer == ["示范市人民政府办公厅"]
    assert m.issue_date == "2031-03-01"  # the signed date, not the portal's 发布日期
    assert m.recipients == ["各区人民政府", "市政府各委、办、局"]


def test_blank_line_paragraphs_are_authoritative(tmp_path):
    # A long URL line right above the 文号 and the 主送 lines, in one markdown paragraph each.
    text = (
        "来源：https://www.example.gov.cn/a/very/long/path/that/is/wider/than/any/line/of/the/document/"
        "0123456789abcdef0123456789abcdef.html\n\n"
        "示环发〔2032〕3号\n\n各县（市、区）生态环境局：\n\n  现将有关事项通知如下。\n\n"
        "  一、总体要求\n\n  做好示范工作。\n"
    )
    doc = extract_file(_write(tmp_path, "n.md", text))
    assert doc.meta.doc_number == "示环发〔2032〕3号"
    assert doc.meta.recipients == ["各县（市、区）生态环境局"]


def test_front_matter_is_header_not_text(tmp_path):
    text = "---\n标题: 示范县河道保洁办法\n文号: 示县发〔2033〕2号\n---\n\n一、总则\n\n做好河道保洁。\n"
    p = _write(tmp_path, "fm.md", text)
    doc = read_markdown(p, p.read_bytes())
    assert doc.header == {"标题": "示范县河道保洁办法", "文号": "示县发〔2033〕2号"}
    assert doc.pages[0].lines[:4] == ["", "", "", ""]
    assert doc.pages[0].lines[5] == "一、总则"
    out = extract_file(p)
    assert out.clauses[0].id == "1" and out.clauses[0].line == 6


def test_indented_scrape_paragraphs_are_text_not_code(tmp_path):
    text = "    一、工作要求\n\n    各单位要按时报送材料。\n"
    doc = extract_file(_write(tmp_path, "code.md", text))
    assert [c.id for c in doc.clauses] == ["1"]
    assert "按时报送" in doc.clauses[0].text


def test_markdown_table_is_a_table(tmp_path):
    text = "附件\n\n| 序号 | 任务 | 责任单位 |\n|---|---|---|\n| 1 | 建设岸电 | 市港航局 |\n| 2 | 更新机械 | 市交通局 |\n"
    p = _write(tmp_path, "t.md", text)
    doc = read_markdown(p, p.read_bytes())
    (table,) = doc.pages[0].tables
    assert table.rows == [["序号", "任务", "责任单位"], ["1", "建设岸电", "市港航局"], ["2", "更新机械", "市交通局"]]
    assert table.line_index == 2
    assert not any("|" in s for s in doc.pages[0].lines)


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_markdown_in_chinese_encodings(tmp_path, encoding):
    doc = read(_write(tmp_path, "enc.md", SCRAPE, encoding))
    assert doc.pages[0].lines[0] == SCRAPE.split("\n")[0].lstrip("# ")
