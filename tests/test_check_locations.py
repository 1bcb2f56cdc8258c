"""Where a finding is, in terms a drafting office can use: a .docx paragraph and its text, a PDF page
and the line on it; GitHub annotations that name both; SARIF 2.1.0."""
from __future__ import annotations

import json
import re

import docx
from typer.testing import CliRunner

from planparse.check import check_file, render
from planparse.cli import app
from test_check import BASE, variant

runner = CliRunner()
DEFECT = ("（二）优化能源结构", "(二)优化能源结构")  # PP004 half-width among full-width brackets
DEFECT_TEXT = variant(DEFECT, ("（三）优化交通结构", "（三）优化交通结构"))


def write_docx(path, text: str):
    d = docx.Document()
    for para in text.split("\n"):
        d.add_paragraph(para)  # empty ones too: Word drafts have them; they are not counted
    d.save(str(path))
    return path


def test_docx_finding_names_the_paragraph_and_quotes_it(tmp_path):
    path = write_docx(tmp_path / "draft.docx", DEFECT_TEXT)
    [f] = check_file(path)
    nonblank = [p for p in DEFECT_TEXT.split("\n") if p.strip()]
    assert f.code == "PP004" and f.location() == f"paragraph {nonblank.index(next(p for p in nonblank if p.startswith('(二)'))) + 1}"
    assert f.text.startswith("(二)优化能源结构")
    text = render([f], "text")
    assert text.startswith(f"{path}: PP004 warning ") and f"[{f.location()}, clause 2.2]" in text
    assert "\n    | (二)优化能源结构" in text  # the paragraph, shown under the finding
    gh = render([f], "github")
    assert "line=" not in gh  # a paragraph is no line of a diff
    assert f"title=PP004 mixed-bracket-width ({f.location()})::" in gh and "“(二)优化能源结构" in gh


def test_pdf_finding_names_page_and_line_on_the_page(tmp_path):
    from tools.render_pdf import render_sample

    src = tmp_path / "draft.txt"
    src.write_text(DEFECT_TEXT, encoding="utf-8")
    pdf = render_sample(src, tmp_path / "draft.pdf")
    [f] = check_file(pdf)
    assert f.code == "PP004" and f.page is not None and f.line is not None
    assert f.location() == f"page {f.page}, line {f.line}"
    assert f.text and f.text.startswith("(二)")
    gh = render([f], "github")
    assert f"title=PP004 mixed-bracket-width (page {f.page}%2C line {f.line})::" in gh and "line=" not in gh
    data = json.loads(render([f], "json"))[0]
    assert data["location"] == f.location() and data["text"] == f.text


def test_text_files_keep_path_line(tmp_path):
    p = tmp_path / "draft.txt"
    p.write_text(DEFECT_TEXT, encoding="utf-8")
    [f] = check_file(p)
    line = DEFECT_TEXT.split("\n").index(next(x for x in DEFECT_TEXT.split("\n") if x.startswith("(二)"))) + 1
    assert f.line == line and f.location() == f"line {line}"
    assert render([f], "text").startswith(f"{p}:{line}: PP004 warning ")
    assert f",line={line},title=PP004 mixed-bracket-width (line {line})::" in render([f], "github")


def test_junit_names_the_paragraph_of_a_docx(tmp_path):
    import xml.etree.ElementTree as ET

    path = write_docx(tmp_path / "draft.docx", DEFECT_TEXT)
    [f] = check_file(path)
    root = ET.fromstring(render([f], "junit", files=[str(path)], rules=["PP004"]).split("\n", 1)[1])
    body = root.find("testsuite/testcase/failure").text
    assert body.startswith(f"{path}: warning ") and f"[{f.location()}, clause 2.2]" in body and "“(二)优化能源结构" in body
