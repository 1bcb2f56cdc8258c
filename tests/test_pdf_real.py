"""Reading fidelity on real government PDFs (tests/fixtures/real): expected values written by
reading the documents."""
from __future__ import annotations

import pytest

from planparse.ingest import read
from planparse.pipeline import extract_file
from tests.conftest import real_file as _real


@pytest.mark.parametrize("prefix, clauses, first, last", [
    # 达州 1+N 编制工作方案: 一、二、三、 with （一）（二）（三） and 1.–8. / 1.–10. under 二、
    ("024", 28, ("1", "一、", "总体要求"), ("3.4", "（四）", "及时完成任务")),
    # 山东 绿色低碳转型 2022 行动计划
    ("025", 38, ("1", "一、", "工作目标"), ("3.4", "（四）", "强化督导评价")),
    # 重庆 2022 应对气候变化工作要点: 60 numbered tasks under 12 （一）… headings
    ("027", 75, ("1", "一、", "指导思想"), ("3.12.60", "60.", None)),
])
def test_framed_pages_are_body_text_not_a_table(prefix, clauses, first, last):
    """Every page of these ABBYY rebuilds is boxed by ruling lines: the page is prose, not a
    one-column table."""
    doc = extract_file(_real(prefix))
    assert len(doc.clauses) == clauses
    assert not doc.tables
    c0, cn = doc.clauses[0], doc.clauses[-1]
    assert (c0.id, c0.marker, c0.heading) == first
    assert (cn.id, cn.marker) == last[:2]
    if last[2]:
        assert cn.heading == last[2]


def test_framed_pages_never_go_to_pdfminer(monkeypatch):
    """A frame has two vertical rules: no table, so pdfplumber is not even opened."""
    from planparse.ingest import pdf as pdf_mod

    def boom(*a, **k):
        raise AssertionError("pdfplumber used on a framed text page")

    monkeypatch.setattr(pdf_mod._Plumber, "analyse", boom)
    doc = read(_real("027"))
    assert doc.pages[0].lines[0].replace(" ", "").startswith("重庆市生态环境系统2022年应对气候变化")


def test_office_space_objects_lose_no_text(monkeypatch):
    """WPS writes lone spaces as empty text objects (embedded fonts, and Times New Roman not
    embedded): nothing is lost, the page stays on the fast path."""
    from planparse.ingest import pdf as pdf_mod

    def boom(*a, **k):
        raise AssertionError("pdfplumber used on a text page")

    monkeypatch.setattr(pdf_mod._Plumber, "analyse", boom)
    doc = read(_real("012"))  # 繁昌区节能降碳若干支持措施, Word 2007
    text = "".join(ln for p in doc.pages for ln in p.lines).replace(" ", "")
    assert "繁昌区节能降碳若干支持措施" in text


def test_lines_run_in_reading_order():
    """环保装备制造业行动计划 (WPS): the clause （七）加快先进装备推广 starts its own line; pdfium's
    stream order ran it into the line before."""
    doc = extract_file(_real("036"))
    headings = {(c.id, c.heading) for c in doc.clauses}
    assert ("3.7", "加快先进装备推广") in headings
    assert ("5.13", "促进绿色低碳转型") in headings


def test_page_numbers_in_the_margin_are_dropped():
    """城乡建设领域碳达峰实施方案 (WPS Pro): its `- 1 -` footers are not text."""
    doc = read(_real("010"))
    for page in doc.pages:
        assert all(not ln.strip().strip("-— ").isdigit() for ln in page.lines)
