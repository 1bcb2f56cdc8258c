"""Render a sample .txt (or a list of blocks) as an A4 PDF that looks like a Chinese government document.

Used by the PDF tests and the benchmark: the PDFs have a real CJK text layer (reportlab's built-in
CID font STSong-Light; pypdfium2 and pdfplumber both extract it back as correct Unicode), wrapped
body paragraphs of ~29 CJK characters per line, a page number ``— N —`` centred at the bottom of
every page, and ruled tables (GRID, header repeated on every page, SPAN for merged cells).

    python tools/render_pdf.py samples/004_f8539a09ccbc65f7.txt out.pdf

Rendering is deterministic (reportlab ``invariant=1``): the same input gives the same bytes.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Iterable

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
BODY_SIZE = 15  # close to 三号 (16pt): 29 CJK characters per line in a 156 mm text block
BODY_LEADING = 26
TABLE_SIZE = 10.5  # 五号
PAGE_NO_SIZE = 14

Block = tuple[str, Any]  # ("para", text) | ("table", {"header": [...], "rows": [[...]], "spans": [...]})

__all__ = ["render_text_pdf", "txt_to_blocks", "render_sample", "main"]

_font_registered = False


def _register_font() -> None:
    global _font_registered
    if not _font_registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _font_registered = True


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=FONT, fontSize=BODY_SIZE, leading=BODY_LEADING, wordWrap="CJK",
        firstLineIndent=2 * BODY_SIZE, spaceAfter=0,
    )
    heading = ParagraphStyle("heading", parent=body, firstLineIndent=2 * BODY_SIZE)
    title = ParagraphStyle(
        "title", parent=body, fontSize=20, leading=32, alignment=TA_CENTER, firstLineIndent=0,
        spaceBefore=6, spaceAfter=12,
    )
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.35, wordWrap="CJK")
    small_cell = ParagraphStyle("small_cell", parent=cell, fontSize=7, leading=9)
    return {"body": body, "heading": heading, "title": title, "cell": cell, "small_cell": small_cell}


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell_markup(text: str | None) -> str:
    if not text:
        return ""
    return "<br/>".join(_esc(part) for part in str(text).split("\n"))


def _page_number(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, PAGE_NO_SIZE)
    canvas.drawCentredString(A4[0] / 2, 18 * mm, f"— {doc.page} —")
    canvas.restoreState()


def _table_flowable(spec: dict, styles: dict[str, ParagraphStyle], width: float) -> Table:
    header = list(spec.get("header") or [])
    rows = [list(r) for r in spec.get("rows") or []]
    ncols = max([len(header)] + [len(r) for r in rows] + [1])
    header_rows = [header] if header else []
    extra_header = spec.get("header_rows") or []  # further header rows (multi-level headers)
    header_rows += [list(r) for r in extra_header]
    all_rows = [r + [""] * (ncols - len(r)) for r in header_rows + rows]
    style = styles["small_cell"] if ncols > 8 else styles["cell"]
    data = [[Paragraph(_cell_markup(c), style) for c in r] for r in all_rows]
    col_widths = spec.get("col_widths")
    if col_widths:
        total = sum(col_widths)
        col_widths = [width * w / total for w in col_widths]
    else:
        col_widths = [width / ncols] * ncols
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        # reportlab's CJK wrap lets closing punctuation hang one character past the text box: keep
        # that room inside the cell, as a word processor would (no character crosses a ruling line)
        ("RIGHTPADDING", (0, 0), (-1, -1), style.fontSize + 2),
    ]
    for (c0, r0), (c1, r1) in spec.get("spans") or []:
        commands.append(("SPAN", (c0, r0), (c1, r1)))
    return Table(
        data, colWidths=col_widths, style=TableStyle(commands), repeatRows=max(1, len(header_rows)),
        hAlign="CENTER",
    )


def render_text_pdf(blocks: Iterable[Block], out_path: str | Path, *, title: str = "") -> Path:
    """Render blocks as an A4 PDF at out_path; returns the path.

    blocks: ("para", text) | ("title", text) | ("table", {"header": [...], "rows": [[...]],
    "spans": [((col0, row0), (col1, row1)), ...], "col_widths": [...]}). Span coordinates count
    the header row as row 0, as in reportlab.
    """
    _register_font()
    out_path = Path(out_path)
    styles = _styles()
    doc = SimpleDocTemplate(
        str(out_path), pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=37 * mm,
        bottomMargin=35 * mm, invariant=1, title=title, author="planparse tests", creator="planparse tools/render_pdf.py",
        producer="reportlab",
    )
    story: list = []
    for kind, payload in blocks:
        if kind == "para":
            story.append(Paragraph(_esc(payload), styles["body"]))
        elif kind == "title":
            story.append(Paragraph(_esc(payload), styles["title"]))
        elif kind == "table":
            story.append(Spacer(1, 6))
            story.append(_table_flowable(payload, styles, doc.width))
            story.append(Spacer(1, 6))
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return out_path


# --------------------------------------------------------------------------- sample .txt -> blocks

_TERMINAL = tuple("。；：！？）;:!?)")
_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百]+[）)]|\d+[、.．]|[（(]\d+[）)]|第[一二三四五六七八九十百]+[章节条部分]|附件)"
)
_DATE = re.compile(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
_DOC_NO = re.compile(r"〔\d{4}〕\s*\d+\s*号\s*$")
_SAMPLE_PAGE_NO = re.compile(r"^\s*[-—–]+\s*\d+\s*[-—–]+\s*$")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_MAX_VISUAL_LINE = 50  # a sample line longer than this is a whole paragraph, not a wrapped line


def _clean_cell(text: str) -> str:
    return _TAG.sub("", text).strip()


def _is_tsv_row(line: str) -> bool:
    return "\t" in line and not line.startswith("\t") and line.count("\t") >= 2


def _parse_tsv_table(lines: list[str]) -> dict:
    """Sample 004 style: `seq\\tcategory\\tcontent\\tagencies`, header repeated, empty category = same as above."""
    header = [c.strip() for c in lines[0].split("\t")]
    rows: list[list[str]] = []
    for line in lines[1:]:
        cells = [_clean_cell(c) for c in line.split("\t")]
        if [c for c in cells] == header or cells[0] == header[0]:
            continue  # repeated header row (a page break of the source)
        rows.append(cells)
    ncols = max([len(header)] + [len(r) for r in rows])
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    header = header + [""] * (ncols - len(header))
    spans: list = []
    # header: an empty header cell is covered by the one on its left
    c = 1
    while c < ncols:
        if header[c] == "" and header[c - 1] != "":
            start = c - 1
            while c < ncols and header[c] == "":
                c += 1
            spans.append(((start, 0), (c - 1, 0)))
        else:
            c += 1
    # data: the category column (1) is carried down: an empty cell continues the one above
    if ncols >= 3:
        r = 0
        while r < len(rows):
            end = r
            while end + 1 < len(rows) and rows[end + 1][1] == "" and rows[r][1] != "":
                end += 1
            if end > r:
                spans.append(((1, r + 1), (1, end + 1)))  # +1: header is row 0
            r = end + 1
    widths = {4: [10, 32, 80, 36]}.get(ncols)
    return {"header": header, "rows": rows, "spans": spans, "col_widths": widths}


def _parse_cell_table(lines: list[str]) -> dict | None:
    """Sample 001 style: one `\\tcell` per line, rows separated by blank lines, continuation lines join the cell."""
    rows: list[list[str]] = []
    cur: list[str] = []
    row_break = False
    for line in lines:
        if line.startswith("\t"):
            if row_break and cur:
                rows.append(cur)
                cur = []
            row_break = False
            cur.append(line[1:].strip())
        elif not line.strip():
            row_break = True
        elif cur:
            # a wrapped cell (`挥发性有机物` / blank / `减排比例（%）`): the text continues the last cell
            cur[-1] = (cur[-1] + "\n" + line.strip()).strip("\n")
            row_break = False
    if cur:
        rows.append(cur)
    rows = [r for r in rows if any(c for c in r)]
    if len(rows) < 2:
        return None
    ncols = max(len(r) for r in rows)
    # leading header rows: rows without a numeric value
    n_header = 1
    while n_header < len(rows) - 1 and not any(re.fullmatch(r"[\d.]+", c) for c in rows[n_header][1:] if c):
        n_header += 1
    spans: list = []
    head = rows[0]
    # two-level header (sample 001 annex 1): `城市 | A | B` over ` | a1 | a2 | b1 | b2`
    if (
        n_header == 2 and len(head) < ncols and len(rows[1]) == ncols and rows[1][0] == ""
        and (ncols - 1) % (len(head) - 1) == 0
    ):
        k = (ncols - 1) // (len(head) - 1)
        new_head = [head[0]]
        spans.append(((0, 0), (0, 1)))
        for j, cell in enumerate(head[1:]):
            c0 = 1 + j * k
            new_head += [cell] + [""] * (k - 1)
            if k > 1:
                spans.append(((c0, 0), (c0 + k - 1, 0)))
        rows[0] = new_head
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    return {"header": rows[0], "header_rows": rows[1:n_header], "rows": rows[n_header:], "spans": spans}


def _join_paragraphs(lines: list[str], keep_gaps: bool = False) -> list[str]:
    """The sample's paragraphs as planparse's own normaliser reads them from the text.

    Rendering those paragraphs makes the PDF a faithful copy of what the text pipeline sees, so that
    PDF and text of one document can be compared clause by clause. keep_gaps: the spaces of the
    sample's lines stay in the paragraphs (the cell gaps of a flattened table), as a typist's
    document would have them.
    """
    try:
        from planparse.grammar import load_grammars
        from planparse.ingest.base import RawDocument, RawPage
        from planparse.normalise import normalise
    except ImportError:  # the tool also works without planparse installed
        return _join_paragraphs_naively(lines)
    raw = RawDocument(path="", format="txt", sha256="", pages=[RawPage(number=None, lines=list(lines))])
    nt = normalise(raw, load_grammars(None))
    if not keep_gaps:
        return [p for p in nt.text.split("\n") if p.strip()]
    paras: dict[int, list[str]] = {}
    for sl in nt.source_lines:
        if sl.text:
            paras.setdefault(sl.offset, []).append(sl.raw.strip())
    return ["".join(parts) for _, parts in sorted(paras.items())]


def _join_paragraphs_naively(lines: list[str]) -> list[str]:
    """Re-join a sample's broken lines: a visual line not ending a sentence continues on the next."""
    paras: list[str] = []
    pieces: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if pieces:
            last = pieces[-1]
            joinable = (
                len(last) <= _MAX_VISUAL_LINE
                and not last.endswith(_TERMINAL)
                and not (_MARKER.match(last) and len(last) < 30 and "。" not in last)  # a heading stands alone
                and not last.endswith("的通知")
                and not _MARKER.match(line)
                and not _DATE.match(line)
                and not _DATE.match(last)
                and not _DOC_NO.search(last)
                and not _DOC_NO.search(line)
            )
            if joinable:
                pieces.append(line)
                continue
            paras.append("".join(pieces))
        pieces = [line]
    if pieces:
        paras.append("".join(pieces))
    return paras


def txt_to_blocks(text: str, keep_gaps: bool = False) -> list[Block]:
    """Naive structure of a sample: paragraphs (broken lines re-joined; keep_gaps: with the
    spaces of its lines) and annex tables."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        for p in _join_paragraphs(pending, keep_gaps):
            blocks.append(("para", p))
        pending.clear()

    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if _is_tsv_row(line):
            j = i
            region: list[str] = []
            while j < n and (_is_tsv_row(lines[j]) or not lines[j].strip()):
                if lines[j].strip():
                    region.append(lines[j])
                j += 1
            if len(region) >= 2:
                flush()
                blocks.append(("table", _parse_tsv_table(region)))
                i = j
                continue
        if line.startswith("\t"):
            j = i
            region = []
            while j < n:
                cur = lines[j]
                if cur.startswith("\t") or not cur.strip():
                    region.append(cur)
                    j += 1
                    continue
                # a non-tab line: a wrapped cell only when the next non-blank line is a cell again
                k = j + 1
                while k < n and not lines[k].strip():
                    k += 1
                if k < n and lines[k].startswith("\t") and len(cur.strip()) <= 20:
                    region.append(cur)
                    j += 1
                    continue
                break
            table = _parse_cell_table(region)
            if table is not None:
                flush()
                blocks.append(("table", table))
                i = j
                continue
        if not _SAMPLE_PAGE_NO.match(line):  # the sample's own page numbers: furniture of its source
            pending.append(line)
        i += 1
    flush()
    return blocks


def render_sample(txt_path: str | Path, out_path: str | Path) -> Path:
    text = Path(txt_path).read_text(encoding="utf-8")
    return render_text_pdf(txt_to_blocks(text), out_path, title=Path(txt_path).stem)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: python tools/render_pdf.py SAMPLE.txt OUT.pdf", file=sys.stderr)
        return 2
    out = render_sample(argv[0], argv[1])
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
