"""Where a fact stands on its page (issue 26): the normalised text's offsets mapped back to the source
lines, each line's box cut to the fact's characters; and on real and office-exported PDFs, the text
pdfplumber reads inside a fact's boxes holds the fact's number or date as written."""
from __future__ import annotations

import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from planparse.boxes import Locator, line_pieces
from planparse.ingest.base import LineBox
from planparse.normalise import NormalText, SourceLine
from planparse.pipeline import extract_file
from tests.conftest import FIXTURES, REAL, SAMPLES


def _box(x0, top, x1, bottom):
    return LineBox(x0=x0, x1=x1, top=top, bottom=bottom, size=bottom - top)


def _text(paragraphs: list[list[tuple[str, int, LineBox | None]]], glue: str = "") -> NormalText:
    """A normalised text made of paragraphs of (line, page, box), as normalise joins them."""
    text_parts, source = [], []
    pos = 0
    for lines in paragraphs:
        para = glue.join(s for s, _, _ in lines)
        source += [SourceLine(s, page, pos, s, n + 1, box) for n, (s, page, box) in enumerate(lines)]
        text_parts.append(para)
        pos += len(para) + 1
    return NormalText(text="\n".join(text_parts), source_lines=source)


def test_a_fact_on_one_line_gets_that_lines_box_cut_to_its_characters():
    # ten CJK characters over 100 points: ten points each; the fact is characters 2..6
    nt = _text([[("一二三四五六七八九十", 3, _box(100, 50, 200, 60))]])
    where = Locator(nt).place((2, 6))
    assert where.page == 3 and where.bbox_pages == [3]
    [(x0, top, x1, bottom)] = where.bbox
    assert (top, bottom) == (50, 60)
    assert x0 == pytest.approx(120 - 2, abs=0.1) and x1 == pytest.approx(160 + 2, abs=0.1)  # a fifth of a character more


def test_ascii_characters_take_half_the_width_of_a_cjk_one():
    # 到2025年: two CJK (one unit each) and four digits (half each): 4 units over 40 points
    nt = _text([[("到2025年", 1, _box(0, 0, 40, 10))]])
    [(x0, _, x1, _)] = Locator(nt).place((1, 5)).bbox
    assert x0 == pytest.approx(10 - 2, abs=0.1) and x1 == pytest.approx(30 + 2, abs=0.1)


def test_a_fact_over_a_line_and_a_page_break_gets_one_box_per_line_with_its_page():
    nt = _text([[("甲乙丙丁", 1, _box(0, 700, 40, 710)), ("戊己庚辛", 2, _box(0, 80, 40, 90))]])
    where = Locator(nt).place((2, 6))
    assert where.page == 1 and where.bbox_pages == [1, 2]
    assert [b[1] for b in where.bbox] == [700, 80]
    assert where.bbox[0][2] == 40 and where.bbox[1][0] == 0  # the first line to its end, the second from its start


@given(st.lists(st.tuples(st.text(alphabet="中文字a1 ，。%", min_size=1, max_size=30),
                          st.floats(0, 500), st.floats(0, 400), st.floats(0.5, 30)), min_size=1, max_size=6))
def test_a_span_over_whole_lines_gets_each_lines_own_box(lines):
    """A paragraph's inner lines are whole inside a long fact: each keeps its line box as read (what the
    cut gives for all of a line's characters), and one character less is cut short of the line's end."""
    source = [(t.strip() or "字", 1, LineBox(x0=x0, x1=x0 + w, top=10.0 * n, bottom=10.0 * n + size, size=size))
              for n, (t, x0, w, size) in enumerate(lines)]
    nt = _text([source])
    where = Locator(nt).place((0, len(nt.text)))
    assert where.bbox == [(round(b.x0, 1), round(b.top, 1), round(b.x1, 1), round(b.bottom, 1)) for _, _, b in source]
    last_text, _, last = source[-1]
    if len(last_text) > 1 and last.x1 - last.x0 > 1:
        shorter = Locator(nt).place((0, len(nt.text) - 1)).bbox[-1]
        assert shorter[2] <= round(last.x1, 1)


def test_the_space_that_joined_two_latin_lines_is_stepped_over():
    nt = _text([[("PM2.5 and", 1, _box(0, 0, 45, 10)), ("NOx", 1, _box(0, 12, 15, 22))]], glue=" ")
    pieces = line_pieces(nt)
    assert [(p.start, p.end) for p in pieces] == [(0, 9), (10, 13)]
    assert Locator(nt).place((10, 13)).bbox_pages == [1]


def test_a_text_without_geometry_places_nothing():
    nt = _text([[("一二三", None, None)]])
    where = Locator(nt).place((0, 2))
    assert where.page is None and where.bbox is None and where.bbox_pages is None


def test_text_input_gives_null_boxes():
    doc = extract_file(SAMPLES / "000_1e3bdffa556e102e.txt")
    facts = [*doc.clauses, *doc.targets, *doc.deadlines, *doc.agencies]
    assert facts and all(f.bbox is None and f.bbox_pages is None and f.paragraph is None for f in facts)


def _word_paragraphs(path) -> list[str]:
    """The text of each body paragraph of a .docx (w:p in document order, table cells left out)."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(path) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{w}body")
    return ["".join(t.text or "" for t in p.iter(f"{w}t")) for p in body.iter(f"{w}p")
            if not any(a.tag == f"{w}tc" for a in p.iterancestors())]


def test_docx_facts_name_the_word_paragraph_they_stand_in():
    path = FIXTURES / "office" / "000_1e3bdffa556e102e.docx"
    doc = extract_file(path)
    paragraphs = _word_paragraphs(path)
    assert doc.clauses and all(c.bbox is None for c in doc.clauses)
    for clause in doc.clauses:
        assert clause.paragraph is not None
        assert (clause.heading or clause.text)[:6] in re.sub(r"\s", "", paragraphs[clause.paragraph])
    for target in doc.targets:
        assert re.sub(r"\s", "", target.text)[:8] in re.sub(r"\s", "", paragraphs[target.paragraph])


# ------------------------------------------------------------------ the crop test on real pages

CROP_PDFS = sorted((FIXTURES / "office").glob("*.pdf")) + [
    REAL / name for name in (
        "003_fuzhou-digital-green-retrofit-plan.pdf", "010_mohurd-urban-rural-carbon-peak-impl.pdf",
        "021_national-climate-adaptation-strategy-2035.pdf", "024_dazhou-1plusN-policy-drafting-workplan.pdf",
        "025_shandong-green-transition-2022-actionplan.pdf", "036_miit-env-equipment-actionplan-2022-2025.pdf")]


def _squeezed(s: str) -> str:
    return re.sub(r"\s+", "", s or "")


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def _number_as_written(target) -> list[str]:
    """The target's value as its text writes it (`13.5` of 下降13.5%); all its numbers when the value is
    written otherwise (百分之十, 1.2万)."""
    nums = _numbers(target.text)
    return [n for n in nums if float(n) in (target.value, target.value_max)][:1] or nums


def _inside(pdf, fact) -> str:
    parts = []
    for (x0, top, x1, bottom), number in zip(fact.bbox, fact.bbox_pages):
        page = pdf.pages[number - 1]
        dx, dy = page.mediabox[:2]  # pdfplumber measures from the user-space origin (docs/output-contract.md)
        parts.append(page.crop((x0 + dx, top + dy, x1 + dx, bottom + dy)).extract_text() or "")
    return _squeezed("".join(parts))


@pytest.mark.slow
@pytest.mark.parametrize("path", CROP_PDFS, ids=lambda p: p.stem)
def test_the_text_inside_each_facts_boxes_holds_its_number_and_date(path):
    import pdfplumber

    doc = extract_file(path)
    targets = [t for t in doc.targets if t.value is not None]
    # every fact read from the text (it has a span) or from a ruled table's cell is placed
    assert all(t.bbox and t.page == t.bbox_pages[0] for t in targets if t.span is not None or t.table_index is not None)
    assert all(d.bbox for d in doc.deadlines if d.span is not None)
    assert any(t.bbox for t in targets) or any(d.bbox for d in doc.deadlines)
    misses = []
    with pdfplumber.open(path) as pdf:
        for target in (t for t in targets if t.bbox):
            got = _inside(pdf, target)
            if not all(n in got for n in _number_as_written(target)):
                misses.append((target.text, got))
        for deadline in (d for d in doc.deadlines if d.bbox):
            got = _inside(pdf, deadline)
            # the date as written: its numbers (到**2025**年 on a page whose source kept markdown's stars)
            want = _numbers(deadline.text) or [_squeezed(deadline.text)]
            if not all(n in got for n in want):
                misses.append((deadline.text, got))
    assert not misses, misses[:5]


# ------------------------------------------------------------------ --debug-boxes


def _rects(pdf_path) -> dict[int, int]:
    """How many filled-and-stroked path objects (drawn boxes) each page holds."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    out = {}
    with pdfium.PdfDocument(str(pdf_path)) as pdf:
        for i in range(len(pdf)):
            page = pdf[i]
            out[i + 1] = sum(1 for obj in page.get_objects(max_depth=1) if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH)
            page.close()
    return out


def test_debug_boxes_draws_each_facts_boxes_on_a_copy_of_the_pdf(tmp_path):
    from tests.conftest import run_cli

    src = FIXTURES / "office" / "001_e273565e5025a23d.pdf"
    out = tmp_path / "boxes.pdf"
    r = run_cli(["extract", str(src), "-o", str(tmp_path / "doc.json"), "--debug-boxes", str(out)], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    import json

    doc = json.loads((tmp_path / "doc.json").read_text(encoding="utf-8"))
    before, after = _rects(src), _rects(out)
    assert len(before) == len(after)
    boxed_pages = {p for t in doc["targets"] if t["bbox"] for p in t["bbox_pages"]}
    assert boxed_pages and all(after[p] > before[p] for p in boxed_pages)
    drawn = sum(after.values()) - sum(before.values())
    kinds = ("clauses", "targets", "deadlines", "agencies", "measures")
    assert drawn >= sum(len(f["bbox"]) for k in kinds for f in doc[k] if f["bbox"] and k != "clauses")


@pytest.mark.parametrize("where", ["dir", "input", "output"])
def test_debug_boxes_to_a_place_that_cannot_take_it_is_a_one_line_error(tmp_path, where):
    import shutil

    from tests.conftest import run_cli

    src = tmp_path / "plan.pdf"
    shutil.copy(FIXTURES / "office" / "000_1e3bdffa556e102e.pdf", src)
    target = {"dir": tmp_path, "input": src, "output": tmp_path / "out.json"}[where]
    r = run_cli(["extract", str(src), "-o", str(tmp_path / "out.json"), "--debug-boxes", str(target)], cwd=tmp_path)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert {"dir": "cannot write", "input": "is the input", "output": "is the -o output"}[where] in r.stderr
    assert r.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.pdf"]  # no half file, no temporary left
    assert src.read_bytes() == (FIXTURES / "office" / "000_1e3bdffa556e102e.pdf").read_bytes()


def test_debug_boxes_of_a_text_input_is_a_usage_error(tmp_path):
    from tests.conftest import run_cli

    r = run_cli(["extract", str(SAMPLES / "000_1e3bdffa556e102e.txt"), "--debug-boxes", str(tmp_path / "x.pdf")], cwd=tmp_path)
    assert r.returncode == 2 and "needs a PDF input" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.slow
def test_task_rows_of_a_ruled_table_stand_in_their_rows():
    """004 (LibreOffice export): 45 task rows in a ruled table, read from its cells (no span): each row's
    box holds its content and its deadline cell; its deadline's box holds the deadline as written."""
    import pdfplumber

    path = FIXTURES / "office" / "004_f8539a09ccbc65f7.pdf"
    doc = extract_file(path)
    assert len(doc.tasks) >= 40
    with pdfplumber.open(path) as pdf:
        for task in doc.tasks:
            assert task.bbox and task.page == task.bbox_pages[0]
            got = iter(_inside(pdf, task))
            # the row's cells are read across, line by line: each cell's characters come in order, interleaved
            want = _squeezed(task.content)[:12] + _squeezed(task.deadline_text or "")
            assert all(ch in got for ch in want), task.seq
            if task.deadline and task.deadline.bbox:
                assert _squeezed(task.deadline.text) in _inside(pdf, task.deadline)


def _turned(src, dst, rotation: int) -> None:
    """A copy of `src` whose page content is drawn turned and shown upright again by /Rotate, as scanners
    and some printers write landscape or turned pages; rotation 0: the content moved onto a MediaBox
    whose corner is not 0 0."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    with pdfium.PdfDocument(str(src)) as pdf:
        for i in range(len(pdf)):
            page = pdf[i]
            w, h = page.get_size()
            if rotation == 0:  # not turned: moved, on a MediaBox that does not start at 0 0
                for obj in list(page.get_objects(max_depth=1)):
                    pdfium_c.FPDFPageObj_Transform(obj.raw, 1, 0, 0, 1, 100, 50)
                page.set_mediabox(100, 50, 100 + w, 50 + h)
                page.set_cropbox(100, 50, 100 + w, 50 + h)
                assert pdfium_c.FPDFPage_GenerateContent(page.raw)
                page.close()
                continue
            matrix = {90: (0, 1, -1, 0, h, 0), 180: (-1, 0, 0, -1, w, h), 270: (0, -1, 1, 0, 0, w)}[rotation]
            for obj in list(page.get_objects(max_depth=1)):
                pdfium_c.FPDFPageObj_Transform(obj.raw, *matrix)
            size = (h, w) if rotation in (90, 270) else (w, h)
            page.set_mediabox(0, 0, *size)
            page.set_cropbox(0, 0, *size)
            page.set_rotation(rotation)
            assert pdfium_c.FPDFPage_GenerateContent(page.raw)
            page.close()
        pdf.save(str(dst))


@pytest.mark.slow
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_boxes_are_measured_on_the_page_as_displayed_whatever_its_rotate_and_mediabox(tmp_path, rotation):
    import pdfplumber

    path = tmp_path / f"turned{rotation}.pdf"
    _turned(FIXTURES / "office" / "000_1e3bdffa556e102e.pdf", path, rotation)
    doc = extract_file(path)
    facts = [t for t in doc.targets if t.bbox] + [d for d in doc.deadlines if d.bbox]
    assert len(facts) >= 20
    with pdfplumber.open(path) as pdf:
        for fact in facts:
            got = _inside(pdf, fact)
            want = _number_as_written(fact) if hasattr(fact, "value") else _numbers(fact.text)
            assert all(n in got for n in want), (fact.text, got)


def test_a_pdf_lines_box_is_given_on_the_displayed_page():
    """A line at user-space y 788-800, x 72-300 on a page whose MediaBox starts at (10, 20): on the page
    as displayed (origin at its top-left corner) it stands 62 pt from the top; with /Rotate 90 the page
    turns and the line runs down its right-hand side."""
    from planparse.ingest.pdf import _displayed_box

    reading = LineBox(x0=72.0, x1=300.0, top=-800.0, bottom=-788.0, size=12.0)
    mediabox = (10.0, 20.0, 605.0, 862.0)
    assert _displayed_box(reading, 0, mediabox, 0) == LineBox(x0=62.0, x1=290.0, top=62.0, bottom=74.0, size=12.0)
    assert _displayed_box(reading, 0, mediabox, 90) == LineBox(x0=768.0, x1=780.0, top=62.0, bottom=290.0, size=12.0)
