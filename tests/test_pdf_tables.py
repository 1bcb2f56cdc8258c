"""Ruled tables read from pdfium's own paths and characters (ingest/pdf_tables.py) are the tables
pdfplumber's finder reads from pdfminer's parse of the same page, without pdfminer."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from planparse.ingest import read
from planparse.ingest.pdf import TABLE_SETTINGS, _plumber_to_user, _scan_page
from planparse.ingest.pdf_tables import ruled_tables
from tests.conftest import FIXTURES, REAL

OFFICE = FIXTURES / "office"


def _pdf(folder, prefix: str):
    [found] = sorted(folder.glob(f"{prefix}_*.pdf"))
    return found


@pytest.mark.parametrize("folder, prefix", [
    (OFFICE, "001"),  # LibreOffice: annex tables, one of them 20 narrow columns of vertical text
    (REAL, "003"),    # 福州 数字化绿色化改造: a ruled table of targets
    (REAL, "005"),    # 巴中 生态环境保护规划: an indicator table with a subscript (PM2.5)
    (REAL, "024"),    # 达州: a framed page whose ruling forms no table of text
])
def test_pdfium_tables_are_pdfplumbers(folder, prefix):
    pdfplumber = pytest.importorskip("pdfplumber")
    path = _pdf(folder, prefix)
    compared = 0
    with pdfium.PdfDocument(str(path)) as doc, pdfplumber.open(str(path)) as plumber:
        for index in range(len(doc)):
            page = doc[index]
            if not _scan_page(page).may_have_table:
                continue
            textpage = page.get_textpage()
            ours = ruled_tables(page, textpage, TABLE_SETTINGS)
            found = plumber.pages[index].find_tables(TABLE_SETTINGS)
            theirs = [(_plumber_to_user(t.bbox, plumber.pages[index]), t.extract(x_tolerance=3, y_tolerance=3)) for t in found]
            assert [rows for _, rows, _ in ours] == [rows for _, rows in theirs], (path.name, index + 1)
            for (box, _, _), (their_box, _) in zip(ours, theirs):
                assert box == pytest.approx(their_box, abs=0.5)
            # each cell's box, once on the displayed page (the reader's shift), is pdfplumber's
            mx0, _, _, my1 = page.get_mediabox()
            for (_, _, cells), table in zip(ours, found):
                for row, their_row in zip(cells, table.rows):
                    for cell, their_cell in zip(row, their_row.cells):
                        assert (cell is None) == (their_cell is None)
                        if cell:
                            assert (cell[0] - mx0, cell[1] + my1, cell[2] - mx0, cell[3] + my1) == pytest.approx(their_cell, abs=0.5)
            compared += 1
    assert compared >= 1


def test_a_lone_space_object_still_ends_a_word():
    """LibreOffice writes the space of `OBD 故障诊断仪` as an empty text object, which pdfium's text
    page leaves out; in a table cell it still separates the words, as in the document."""
    doc = read(OFFICE / "004_f8539a09ccbc65f7.pdf")
    cells = [c for p in doc.pages for t in p.tables for row in t.rows for c in row if c and "诊断仪" in c]
    assert cells and all("OBD 故障诊断仪" in c for c in cells)


def _one_table_page(tmp_path, rotation: int):
    with pdfium.PdfDocument(str(OFFICE / "004_f8539a09ccbc65f7.pdf")) as doc:
        index = next(i for i in range(len(doc)) if _scan_page(doc[i]).may_have_table)
        one = pdfium.PdfDocument.new()
        one.import_pages(doc, [index])
        one[0].set_rotation(rotation)
        path = tmp_path / f"table_page_{rotation}.pdf"
        one.save(str(path))
        one.close()
    return path


def test_table_pages_are_not_parsed_by_pdfminer(tmp_path, monkeypatch):
    from planparse.ingest import pdf as pdf_mod

    def boom(*a, **k):
        raise AssertionError("pdfplumber used on an upright table page")

    monkeypatch.setattr(pdf_mod._Plumber, "analyse", boom)
    page = read(_one_table_page(tmp_path, 0)).pages[0]
    assert page.tables and page.tables[0].rows[0][0] == "序号"


def test_a_rotated_table_page_keeps_pdfplumbers_finder(tmp_path, monkeypatch):
    """pdfplumber measures the page as displayed (/Rotate applied), pdfium's objects are in user
    space: a rotated page is read by pdfplumber's finder, as before."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from planparse.ingest import pdf as pdf_mod

    calls = []
    analyse = pdf_mod._Plumber.analyse
    monkeypatch.setattr(pdf_mod._Plumber, "analyse", lambda self, *a, **k: calls.append(a) or analyse(self, *a, **k))
    path = _one_table_page(tmp_path, 90)
    page = read(path).pages[0]
    assert len(calls) == 1
    with pdfplumber.open(str(path)) as plumber:
        expected = [rows for _, rows, _ in pdf_mod._find_tables(plumber.pages[0])]
    assert expected and [t.rows for t in page.tables] == expected


def test_a_table_finder_failure_falls_back_to_pdfplumber(tmp_path, monkeypatch):
    """Whatever pdfium gives that the finder cannot take, the page is still read (by pdfplumber)."""
    from planparse.ingest import pdf as pdf_mod

    def broken(*a, **k):
        raise ValueError("a path the finder cannot take")

    monkeypatch.setattr(pdf_mod, "ruled_tables", broken)
    page = read(_one_table_page(tmp_path, 0)).pages[0]
    assert page.tables and page.tables[0].rows[0][0] == "序号"


@pytest.mark.parametrize("folder, prefix", [(OFFICE, "001"), (OFFICE, "004"), (REAL, "003"), (REAL, "005")])
def test_table_text_is_pdfplumbers_extract(folder, prefix):
    """`table_text` (each row's characters found by bisection) gives what pdfplumber's own
    `Table.extract` gives, table by table, on pdfplumber's own pages and characters."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from planparse.ingest.pdf_tables import table_text

    compared = 0
    with pdfplumber.open(str(_pdf(folder, prefix))) as plumber:
        for page in plumber.pages:
            for table in page.find_tables(TABLE_SETTINGS):
                assert table_text(table, page.chars, x_tolerance=3, y_tolerance=3) == \
                    table.extract(x_tolerance=3, y_tolerance=3)
                compared += 1
    assert compared >= 1


def _shapes_pdf(tmp_path):
    """A made-up page of what a ruling can be: a closed path with a Bézier curve, turned and shifted;
    a rectangle; an open polyline; and the office fixture's table page placed on it as a form XObject,
    scaled (its lines, rects and empty space objects then sit inside a form)."""
    import pypdfium2.raw as c

    doc = pdfium.PdfDocument.new()
    page = doc.new_page(600, 800)
    path = c.FPDFPageObj_CreateNewPath(10, 10)
    c.FPDFPath_LineTo(path, 110, 10)
    c.FPDFPath_BezierTo(path, 130, 30, 130, 60, 110, 80)
    c.FPDFPath_LineTo(path, 10, 80)
    c.FPDFPath_Close(path)
    c.FPDFPath_SetDrawMode(path, 0, 1)
    c.FPDFPageObj_Transform(path, 0.8, 0.6, -0.6, 0.8, 200.5, 300.25)
    c.FPDFPage_InsertObject(page.raw, path)
    rect = c.FPDFPageObj_CreateNewRect(20, 400, 300, 18)
    c.FPDFPath_SetDrawMode(rect, 0, 1)
    c.FPDFPage_InsertObject(page.raw, rect)
    line = c.FPDFPageObj_CreateNewPath(20, 700)
    for x, y in ((320, 700), (320, 760), (20.125, 760)):
        c.FPDFPath_LineTo(line, x, y)
    c.FPDFPath_SetDrawMode(line, 0, 1)
    c.FPDFPage_InsertObject(page.raw, line)
    with pdfium.PdfDocument(str(OFFICE / "004_f8539a09ccbc65f7.pdf")) as office:
        index = next(i for i in range(len(office)) if _scan_page(office[i]).may_have_table)
        form = office.page_as_xobject(index, doc).as_pageobject()
        form.transform(pdfium.PdfMatrix().scale(0.5, 0.5).translate(40, 20))
        page.insert_obj(form)
    page.gen_content()
    out = tmp_path / "shapes.pdf"
    doc.save(str(out))
    doc.close()
    return out


def test_the_ruling_walked_in_c_is_the_python_walks(tmp_path):
    """pdf_tables' page walk in C (table_objects) gives the lines, rects, curves and spaces its Python
    walk gives, value for value, on a made-up page of every shape (a form XObject among them) and on
    every page of the fixture PDFs."""
    from planparse import compiled
    from planparse.ingest.pdf_tables import _ruling_and_spaces

    if compiled.with_pdfium() is None:
        pytest.skip("the compiled reader is not built (PLANPARSE_PURE_PYTHON or no C compiler)")
    shapes = _shapes_pdf(tmp_path)
    kinds: dict[str, int] = {}
    for path in [shapes, *sorted(FIXTURES.rglob("*.pdf"))]:
        with pdfium.PdfDocument(str(path)) as doc:
            for index in range(len(doc)):
                page = doc[index]
                ours = _ruling_and_spaces(page)
                saved, compiled.SPEEDUPS = compiled.SPEEDUPS, None
                try:
                    python = _ruling_and_spaces(page)
                finally:
                    compiled.SPEEDUPS = saved
                assert ours == python, (path.name, index + 1)
                if path == shapes:
                    for obj in ours[0]:
                        kinds[obj["object_type"]] = kinds.get(obj["object_type"], 0) + 1
                kinds["space"] = kinds.get("space", 0) + len(ours[1])
    # the curved path and the open polyline are curves, the rectangle a rect, the form's cell borders lines;
    # LibreOffice's lone spaces are empty text objects
    assert kinds.get("curve", 0) >= 2 and kinds.get("rect", 0) >= 1 and kinds.get("line", 0) >= 1 and kinds["space"] >= 1
