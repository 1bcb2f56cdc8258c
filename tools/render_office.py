#!/usr/bin/env python3
"""Render the samples as an office would: a Word file typed like a government document, and the PDF
LibreOffice exports from it.

    python tools/render_office.py samples/*.txt -o tests/fixtures/office

For each SAMPLE.txt it writes SAMPLE.docx and SAMPLE.pdf into the output directory:

* the .docx (python-docx): A4, 仿宋-style body at 三号 (16 pt) with a two-character first-line
  indent, justified, the title centred in a larger size, tables wider than 8 columns on landscape
  pages, markers (一、 （一） 1.) typed as text as
  most issuing offices do, annex tables as ruled Word tables ("Table Grid") with merged cells and
  the header row repeated on every page, and a `— N —` page-number field in the footer;
* the .pdf: `soffice --headless --convert-to pdf` (LibreOffice, Debian's libreoffice-writer-nogui
  with fonts-noto-cjk): embedded subset fonts, a space as its own text object, ruled tables, page
  numbers in the footer — what the reader meets in real exports.

The rendered files are committed (tests/fixtures/office) so that the tests need no LibreOffice;
re-run this script after changing a sample or this layout. LibreOffice is not fully deterministic
(creation dates, subset font names), so the PDFs differ byte-wise between runs, not in content.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tools.render_pdf import txt_to_blocks  # noqa: E402

BODY_FONT = "Noto Serif CJK SC"
TITLE_FONT = "Noto Sans CJK SC"
BODY_PT = 16
TITLE_PT = 22
TABLE_PT = 10.5
WIDE_TABLE = 8  # a table of more columns goes on landscape pages, as offices lay out wide annexes


def _set_fonts(run_or_style, name: str) -> None:
    rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style, "element") else run_or_style._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _page_number_footer(section) -> None:
    """`— N —` centred in the footer, N a PAGE field."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    para._p.append(fld)
    para.add_run(" —")
    for r in para.runs:
        r.font.size = Pt(14)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _office_header(spec: dict) -> tuple[list[list[str]], list[tuple[tuple[int, int], tuple[int, int]]]] | None:
    """A two-level header as an office draws it, from the sample's flattened one: the parent cells
    over their sub-headers as merged cells, and the loose label lines that follow the sub-header
    row (cells the text lost their place of) in the empty sub-header cells after the last filled
    one. The leaves are those planparse reads from the sample's text (its header expansion).
    None when the sample's table has no such header."""
    from planparse.extraction.table_grid import expand_two_row_header

    extra = [list(r) for r in spec.get("header_rows") or []]
    top = [c for c in spec.get("header") or [] if c]
    if not extra or len(top) < 2:
        return None
    sub = [c or "" for c in extra[0]]
    labels = [c for r in extra[1:] for c in r if c]
    last = max((i for i, c in enumerate(sub) if c), default=-1)
    for i in range(last + 1, len(sub)):
        if not labels:
            break
        sub[i] = labels.pop(0)
    if labels:
        return None
    leaves = expand_two_row_header(top, sub)
    if not leaves:
        return None
    parent_of, j = [], 0
    for leaf, child in zip(leaves, sub):
        while j < len(top) and leaf != top[j] + child:
            j += 1
        if j == len(top):
            return None
        parent_of.append(j)
    row0 = [""] * len(sub)
    spans = []
    for j in range(len(top)):
        cols = [i for i, p in enumerate(parent_of) if p == j]
        row0[cols[0]] = top[j]
        if len(cols) > 1:
            spans.append(((cols[0], 0), (cols[-1], 0)))
        elif not sub[cols[0]]:
            spans.append(((cols[0], 0), (cols[0], 1)))
    return [row0, sub], spans


def _add_table(doc, spec: dict) -> None:
    header = list(spec.get("header") or [])
    extra = [list(r) for r in spec.get("header_rows") or []]
    rows = [list(r) for r in spec.get("rows") or []]
    office = _office_header(spec)
    if office:
        (header, *extra), spans = office
        spec = {**spec, "spans": spans}
    grid = ([header] if header else []) + extra + rows
    ncols = max(len(r) for r in grid)
    table = doc.add_table(rows=len(grid), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(grid):
        for c in range(ncols):
            text = row[c] if c < len(row) else ""
            cell = table.cell(r, c)
            cell.text = text or ""
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = None
                for run in p.runs:
                    run.font.size = Pt(TABLE_PT)
    for r in range((1 if header else 0) + len(extra)):
        _repeat_header(table.rows[r])
    for (c0, r0), (c1, r1) in spec.get("spans") or []:
        if (c0, r0) != (c1, r1):
            table.cell(r0, c0).merge(table.cell(r1, c1))


def _new_section(doc, landscape: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    short, long_ = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long_, short) if landscape else (short, long_)


def txt_to_office_docx(src: Path, dst: Path) -> Path:
    blocks = txt_to_blocks(src.read_text(encoding="utf-8"), keep_gaps=True)
    doc = docx.Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.first_line_indent = Pt(2 * BODY_PT)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(28)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _page_number_footer(section)
    first_para = True
    landscape = False
    for kind, value in blocks:
        wide = kind == "table" and max(len(r) for r in [value.get("header") or []] + list(value.get("rows") or [])) > WIDE_TABLE
        if wide != landscape and (wide or kind != "table"):
            _new_section(doc, landscape=wide)
            landscape = wide
        if kind == "table":
            _add_table(doc, value)
            continue
        para = doc.add_paragraph()
        run = para.add_run(value)
        if first_para or kind == "title":  # the document's first paragraph is its title
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
            para.paragraph_format.first_line_indent = Pt(0)
            run.font.size = Pt(TITLE_PT)
            _set_fonts(run, TITLE_FONT)
        first_para = False
    dst.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(dst))
    return dst


def docx_to_pdf(src: Path, out_dir: Path) -> Path:
    """LibreOffice headless export (its own profile directory: safe beside a running LibreOffice)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("render_office: LibreOffice (soffice) is not installed "
                         "(apt-get install libreoffice-writer-nogui fonts-noto-cjk)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(src)],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
        )
    pdf = out_dir / (src.stem + ".pdf")
    if not pdf.exists():
        raise SystemExit(f"render_office: LibreOffice wrote no PDF for {src}")
    return pdf


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("samples", nargs="+", type=Path)
    ap.add_argument("-o", "--out", type=Path, required=True)
    args = ap.parse_args(argv)
    for src in args.samples:
        docx_path = txt_to_office_docx(src, args.out / f"{src.stem}.docx")
        print(docx_to_pdf(docx_path, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
