"""`planparse report` without a browser: the marks nest, the text is whole, the CLI and index behave."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from planparse.models import Document
from planparse.pipeline import extract_with_text
from planparse.report import IndexEntry, render_index, render_report
from planparse.report.marks import Fact, collect_facts, render_marked

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


def _strip(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


def _fact(fid, kind, s, e):
    return Fact(fid=fid, kind=kind, start=s, end=e, text="", fields={})


def test_crossing_facts_are_reopened_and_stay_well_nested():
    text = "到2025年全市PM2.5浓度下降10%，市生态环境局牵头。"
    facts = [_fact("f0", "target", 2, 20), _fact("f1", "deadline", 0, 7), _fact("f2", "agency", 18, 27)]
    facts.sort(key=lambda f: (f.start, -f.end))
    html = render_marked(text, 0, len(text), facts)
    assert _strip(html) == text
    # well nested: every </mark> closes the last opened <mark>
    depth = 0
    for tag in re.findall(r"</?mark", html):
        depth += 1 if tag == "<mark" else -1
        assert depth >= 0
    assert depth == 0
    # each fact has exactly one anchor, and its pieces cover exactly its characters
    for f in facts:
        assert html.count(f'id="{f.fid}"') == 1
        covered, stack, i = set(), [], 0  # characters inside the fact's marks, from a walk of the tags
        for m in re.finditer(r"<mark[^>]*data-f=\"(\w+)\"[^>]*>|</mark>|([^<]+)", html):
            if m.group(0).startswith("<mark"):
                stack.append(m.group(1))
            elif m.group(0) == "</mark>":
                stack.pop()
            else:
                n = len(unescape(m.group(2)))
                if f.fid in stack:
                    covered.update(range(i, i + n))
                i += n
        assert covered == set(range(f.start, f.end)), f.fid


def test_a_region_boundary_inside_a_fact_keeps_one_anchor():
    text = "一、目标\n到2025年完成。"
    f = _fact("f0", "deadline", 3, 12)
    anchored: set[str] = set()
    a = render_marked(text, 0, 5, [f], anchored)
    b = render_marked(text, 5, len(text), [f], anchored)
    assert 'id="f0"' in a and 'id="f0"' not in b and 'data-f="f0"' in b
    assert _strip(a) + _strip(b) == text


def test_report_of_a_sample_shows_the_whole_text_and_every_fact():
    doc, text = extract_with_text(SAMPLES / "001_e273565e5025a23d.txt")
    html = render_report(doc, text)
    shown = "".join(_strip(m) for m in re.findall(r'<div class="tx">(.*?)</div></section>', html, flags=re.S))
    assert shown == text  # the whole normalised text, in order (clause ids and pages are in the gutter)
    facts = collect_facts(doc)
    assert len(facts) >= len([t for t in doc.targets if t.span])
    for f in facts:
        assert f'id="{f.fid}"' in html
    for c in doc.clauses:
        assert f'id="c-{c.id}"' in html and f'data-c="{c.id}"' in html


def test_report_of_a_json_document_round_trip(tmp_path):
    doc, text = extract_with_text(SAMPLES / "004_f8539a09ccbc65f7.txt")
    again = Document.model_validate_json(doc.model_dump_json())
    assert render_report(again, text) == render_report(doc, text)


@pytest.mark.slow
@pytest.mark.cli
def test_report_cli_writes_a_self_contained_page(tmp_path):
    out = tmp_path / "r.html"
    r = subprocess.run([sys.executable, "-m", "planparse.cli", "report", str(SAMPLES / "002_5ca395b12717d3cc.txt"), "-o", str(out)],
                       capture_output=True, text=True, env=ENV)
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "南通市空气质量持续改善行动计划实施方案" in html
    for needle in ("<script src", "<link rel", "@import", "url(http", 'src="http'):
        assert needle not in html  # nothing is fetched when the page opens


@pytest.mark.slow
@pytest.mark.cli
def test_report_cli_default_name_and_bad_input(tmp_path):
    src = tmp_path / "plan.txt"
    src.write_text((SAMPLES / "003_2490237ab9f4f493.txt").read_text(encoding="utf-8"), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "planparse.cli", "report", str(src)], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "plan.txt.report.html").exists()
    r = subprocess.run([sys.executable, "-m", "planparse.cli", "report", str(tmp_path / "missing.pdf")], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and "missing.pdf" in r.stderr and "Traceback" not in r.stderr


def test_index_lists_documents_with_counts_and_failures():
    doc, _ = extract_with_text(SAMPLES / "002_5ca395b12717d3cc.txt")
    entries = [IndexEntry.of(doc, "002.report.html"), IndexEntry(source="broken.pdf", error="corrupt: not a PDF")]
    html = render_index(entries)
    assert '<a href="002.report.html">' in html
    row = re.search(r'<tr><td><a href="002.report.html">.*?</tr>', html).group(0)
    assert f'<td class="num">{len(doc.tasks)}</td>' in row and f'<td class="num">{len(doc.clauses)}</td>' in row
    assert "broken.pdf" in html and "corrupt: not a PDF" in html and "1 failed" in html


def test_batch_report_writes_pages_and_an_index_that_survives_resume(tmp_path):
    from planparse.batch import BatchOptions, PlainReporter, run_batch

    src = tmp_path / "in"
    src.mkdir()
    for name in ("002_5ca395b12717d3cc.txt", "004_f8539a09ccbc65f7.txt"):
        (src / name).write_bytes((SAMPLES / name).read_bytes())
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "out"
    opts = BatchOptions(inputs=[str(src)], output=out, workers=1, report=True)
    summary = run_batch(opts, PlainReporter())
    assert (summary.ok, summary.failed) == (2, 1)
    index = (out / "_report" / "index.html").read_text(encoding="utf-8")
    for name, title in (("002_5ca395b12717d3cc.txt", "南通市空气质量持续改善行动计划实施方案"), ("004_f8539a09ccbc65f7.txt", "开发区空气质量持续改善行动计划实施方案")):
        page = out / "_report" / f"{name}.html"
        assert page.is_file() and title in page.read_text(encoding="utf-8")
        assert f'<a href="{name}.html">' in index and title in index
    assert "broken.pdf" in index and "corrupt" in index
    # --resume skips both documents; the index still lists them, read back from their pages
    summary = run_batch(BatchOptions(inputs=[str(src)], output=out, workers=1, report=True, resume=True), PlainReporter())
    assert summary.skipped == 2
    assert (out / "_report" / "index.html").read_text(encoding="utf-8") == index
    # beside a file output, the report directory is never read back as input (it holds .html files)
    jsonl = src / "all.jsonl"
    run_batch(BatchOptions(inputs=[str(src)], output=jsonl, workers=1, report=True), PlainReporter())
    assert (src / "all.jsonl.report" / "002_5ca395b12717d3cc.txt.html").is_file()
    again = run_batch(BatchOptions(inputs=[str(src)], output=jsonl, workers=1, report=True, resume=True), PlainReporter())
    assert (again.total, again.skipped) == (3, 2)


OFFICE_PDF = Path(__file__).resolve().parent / "fixtures" / "office" / "004_f8539a09ccbc65f7.pdf"


def test_report_with_pages_embeds_each_page_once_with_every_facts_boxes():
    import base64

    from planparse.report.page_images import PAGE_BUDGET, render_pages

    doc, text = extract_with_text(OFFICE_PDF)
    images = render_pages(OFFICE_PDF)
    assert [p.number for p in images] == list(range(1, doc.source.pages + 1))
    for p in images:
        assert len(base64.b64decode(p.data_uri.split(",", 1)[1])) <= PAGE_BUDGET
    html = render_report(doc, text, pages=images)
    imgs = re.findall(r'<img src="data:image/jpeg;base64,[A-Za-z0-9+/=]+" loading="lazy"', html)
    assert len(imgs) == doc.source.pages
    facts = collect_facts(doc)
    boxed = [f for f in facts if f.boxes]
    assert len(boxed) >= 20
    for f in boxed:  # every box of every highlighted fact is drawn, linking back to the fact in the text
        assert len(re.findall(rf'<a class="box k-{f.kind}" href="#{f.fid}" data-f="{f.fid}"', html)) == len(f.boxes)
        assert f'id="{f.fid}"' in html
    # a target read from a table cell (not in the text) stands on its page too: its box links to its
    # row of the targets table, and the row links to the box
    from_cells = [t for t in doc.targets if t.span is None and t.bbox]
    assert len(from_cells) >= 10
    keys = re.findall(r'<tr id="row-(cell\d+)"', html)
    assert len(keys) >= len(from_cells)
    for key in keys:
        assert f'href="#row-{key}" data-f="{key}" id="box-{key}"' in html and f'<a href="#box-{key}" class="go"' in html
    # still nothing but our own hashed scripts: the pages add no script
    assert html.count("<script>") == 2 and "script-src 'sha256-" in unescape(html)
    # positions are percents of the page: inside it
    for left, top, width, height in re.findall(r'style="left: ([\d.]+)%; top: ([\d.]+)%; width: ([\d.]+)%; height: ([\d.]+)%"', html):
        assert 0 <= float(left) + float(width) <= 100 and 0 <= float(top) + float(height) <= 100


@pytest.mark.slow
@pytest.mark.cli
def test_report_pages_of_a_text_input_is_a_usage_error(tmp_path):
    r = subprocess.run([sys.executable, "-m", "planparse.cli", "report", str(SAMPLES / "003_2490237ab9f4f493.txt"), "--pages",
                        "-o", str(tmp_path / "r.html")], capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "--pages" in r.stderr
    assert not (tmp_path / "r.html").exists()
