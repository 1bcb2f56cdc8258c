"""PDF reader: pypdfium2 for the text of every page, pdfplumber only for pages that may hold a ruled table.

Speed: pypdfium2 reads text an order of magnitude faster than pdfplumber/pdfminer. pdfplumber is opened
lazily and only asked about pages whose vector graphics look like ruling lines (>= 2 horizontal and
>= 2 vertical strokes or boxes); on those pages the characters whose baseline origin lies inside a
table's bounding box are taken out of the text stream, and the table is returned as a RawTable placed
(line_index) where its first character stood in the stream.

pdfium silently skips text objects it measures as zero-width (glyphs of a non-embedded CJK font when
the machine has no CJK font: lone characters, rotated runs); the page scan finds them and such pages
are read by pdfplumber alone, as are table pages where pdfminer sees visibly more characters.

Lines are the visual lines of the page (lines_are_paragraphs=False), with page furniture removed:
page numbers (`— 11 —`, `- 3 -`, `第 1 页 共 14 页`, a bare number as first/last line) and running
headers/footers repeated at the top or bottom of at least half the pages (documents of >= 3 pages).
"""
from __future__ import annotations

import ctypes
import io
import logging
import math
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Union

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..errors import CorruptFileError, EncryptedError, NoTextLayerError
from .base import RawDocument, RawPage, RawTable
from .ocr import DocumentOcr, OcrMode

__all__ = ["read_pdf", "clean_line", "join_cell_lines", "TABLE_SETTINGS"]

# pdfplumber table finder settings for ruled government tables (Word/WPS exports draw cell borders
# as thin filled rectangles or stroked lines, often a fraction of a point apart at the joints).
TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
    "edge_min_length": 3,
    "text_x_tolerance": 3,
    "text_y_tolerance": 3,
}

_PASSWORD_ERR = 4  # FPDF_ERR_PASSWORD
_SECURITY_ERR = 5  # FPDF_ERR_SECURITY
_PAGEOBJ_PATH = pdfium_c.FPDF_PAGEOBJ_PATH
_PAGEOBJ_FORM = pdfium_c.FPDF_PAGEOBJ_FORM

# ----------------------------------------------------------------------------------------------- text

_CJK = (
    "\u2e80-\u2fdf"  # CJK radicals, Kangxi radicals
    "\u3000-\u303f"  # CJK symbols and punctuation
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms (，（）：；)
    "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"  # ‘’“”—…· as used in Chinese text
)
_CJK_SPACE = re.compile(rf"(?<=[{_CJK}])[ \u00a0]+(?=[{_CJK}])")
# Kangxi radicals / CJK radicals supplement / compatibility ideographs: fonts whose ToUnicode maps a
# glyph to one of these instead of the unified ideograph (⽅ U+2F45 for 方). NFKC maps them back.
_RADICALS = re.compile("[\u2e80-\u2fdf\uf900-\ufaff]")
# Invisible extraction artefacts: NUL/other C0 controls, pdfium's hyphen marks (U+0002 / U+FFFE),
# soft hyphen, BOM / zero-width no-break space, zero-width space.
_ARTEFACTS = re.compile("[\x00-\x08\x0b-\x1f\x7f\u00ad\ufffe\ufeff\u200b]")
_WHITESPACE = (" ", "\r", "\n", "\t", "\u3000", "\u00a0")
_LINE_SPLIT = re.compile(r"\r\n|\r|\n")


def _unradical(m: re.Match) -> str:
    ch = m.group(0)
    norm = unicodedata.normalize("NFKC", ch)
    return norm if len(norm) == 1 else ch


def clean_line(line: str) -> str:
    """Remove what is clearly an artefact of text extraction; keep everything else as it is."""
    line = _ARTEFACTS.sub("", line)
    line = line.replace("\t", " ")
    if _RADICALS.search(line):
        line = _RADICALS.sub(_unradical, line)
    if " " in line or "\u00a0" in line:
        line = _CJK_SPACE.sub("", line)
    return line.rstrip()


def join_cell_lines(text: str | None) -> str | None:
    """Join a table cell's visual lines without a separator (narrow CJK cells break anywhere, even in
    `VOCs`), after removing extraction artefacts from each line."""
    if text is None:
        return None
    return "".join(clean_line(p).strip() for p in _LINE_SPLIT.split(text))


# ------------------------------------------------------------------------------------ page furniture

_DASHES = "\\-—–－~～_·•"
_PAGE_NO_ANYWHERE = re.compile(
    rf"^\s*(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"  # — 11 —  - 3 -  —3—
    r"|第\s*\d{1,4}\s*页\s*(?:[,，/／、]?\s*共\s*\d{1,4}\s*页)?"  # 第 1 页 共 14 页, 第1页
    r"|共\s*\d{1,4}\s*页\s*[,，/／、]?\s*第\s*\d{1,4}\s*页"  # 共 14 页 第 1 页
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?"  # Page 3 of 14
    r")\s*$"
)
_PAGE_NO_EDGE = re.compile(rf"^\s*[{_DASHES}]?\s*\d{{1,4}}\s*(?:/\s*\d{{1,4}}\s*)?[{_DASHES}]?\s*$")
_MAX_FURNITURE_LEN = 40
_SENTENCE_END = ("。", "；", "，", "：", "！", "？", ";", ",", ":", "!", "?")


def _is_page_number(line: str, at_edge: bool) -> bool:
    return bool(_PAGE_NO_ANYWHERE.match(line) or (at_edge and _PAGE_NO_EDGE.match(line)))


def _furniture_key(line: str) -> str | None:
    key = re.sub(r"\s+", "", re.sub(r"\d+", "#", line))
    if not key or len(key) > _MAX_FURNITURE_LEN or len(key.replace("#", "")) < 2:
        return None
    if key.endswith(_SENTENCE_END):  # body text, however often it repeats
        return None
    return key


Item = Union[str, RawTable]


def _strip_page_numbers(items: list[Item]) -> list[Item]:
    line_pos = [i for i, it in enumerate(items) if isinstance(it, str)]
    if not line_pos:
        return items
    edges = {line_pos[0], line_pos[-1]}
    drop = {i for i in line_pos if _is_page_number(items[i], i in edges)}  # type: ignore[arg-type]
    return [it for i, it in enumerate(items) if i not in drop]


def _edge_positions(items: list[Item]) -> tuple[list[int], list[int]]:
    pos = [i for i, it in enumerate(items) if isinstance(it, str)]
    return pos[:2], pos[-2:]


def _strip_running_lines(pages: list[list[Item]]) -> list[list[Item]]:
    """Drop headers/footers: the same short line (digits ignored) at the top/bottom of >= half the pages."""
    with_lines = [p for p in pages if any(isinstance(it, str) for it in p)]
    if len(pages) < 3 or len(with_lines) < 2:
        return pages
    need = max(2, math.ceil(len(with_lines) / 2))
    top: Counter[str] = Counter()
    bottom: Counter[str] = Counter()
    for items in with_lines:
        head, tail = _edge_positions(items)
        top.update({k for k in (_furniture_key(items[i]) for i in head) if k})  # type: ignore[arg-type]
        bottom.update({k for k in (_furniture_key(items[i]) for i in tail) if k})  # type: ignore[arg-type]
    top_keys = {k for k, n in top.items() if n >= need}
    bottom_keys = {k for k, n in bottom.items() if n >= need}
    if not top_keys and not bottom_keys:
        return pages
    out = []
    for items in pages:
        head, tail = _edge_positions(items)
        drop = {i for i in head if _furniture_key(items[i]) in top_keys}  # type: ignore[arg-type]
        drop |= {i for i in tail if _furniture_key(items[i]) in bottom_keys}  # type: ignore[arg-type]
        out.append([it for i, it in enumerate(items) if i not in drop])
    return out


def _to_raw_page(number: int, items: list[Item]) -> RawPage:
    lines: list[str] = []
    tables: list[RawTable] = []
    for it in items:
        if isinstance(it, str):
            lines.append(it)
        else:
            it.line_index = len(lines)
            tables.append(it)
    return RawPage(number=number, lines=lines, tables=tables)


def _count_visible(text: str) -> int:
    return len(text) - sum(text.count(ws) for ws in _WHITESPACE)


def _text_items(text: str) -> list[Item]:
    out: list[Item] = []
    for raw in _LINE_SPLIT.split(text):
        line = clean_line(raw)
        if line.strip():
            out.append(line)
    return out


# ------------------------------------------------------------------- page scan (cheap, pdfium only)

_PAGEOBJ_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT
# pdfium's text page skips text objects whose bounding box has no width (CPDF_TextPage: `Width() <
# kSizeEpsilon`). That happens to real text when pdfium has no glyph outlines for the font: a
# non-embedded CJK font (STSong-Light / Adobe-GB1, common in generated government PDFs) on a machine
# without CJK fonts gives single-character lines and rotated (landscape) runs a zero width, and their
# characters silently vanish from get_text_range(). Such pages are read by pdfplumber instead.
_ZERO_WIDTH = 1e-3


class _Scan:
    __slots__ = ("vertical", "horizontal", "lossy_text")

    def __init__(self) -> None:
        self.vertical = 0
        self.horizontal = 0
        self.lossy_text = False

    @property
    def may_have_table(self) -> bool:
        return self.vertical >= 2 and self.horizontal >= 2


def _scan_objects(container, form: bool, scan: _Scan, bounds: tuple, depth: int = 0) -> None:
    """Ruling evidence among path objects, and text objects that pdfium's text page would skip."""
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    left, bottom, right, top, refs = bounds
    for i in range(max(count(container), 0)):
        obj = get(container, i)
        if not obj:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == _PAGEOBJ_TEXT:
            if not scan.lossy_text and pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
                if right.value - left.value < _ZERO_WIDTH:
                    scan.lossy_text = True
        elif kind == _PAGEOBJ_PATH:
            if scan.may_have_table or not pdfium_c.FPDFPageObj_GetBounds(obj, *refs):
                continue
            w = right.value - left.value
            h = top.value - bottom.value
            if w <= 3 and h >= 8:
                scan.vertical += 1
            elif h <= 3 and w >= 8:
                scan.horizontal += 1
            elif w >= 8 and h >= 8:  # a box, or a whole grid drawn as one path
                scan.vertical += 2
                scan.horizontal += 2
        elif kind == _PAGEOBJ_FORM and depth < 8:
            _scan_objects(obj, True, scan, bounds, depth + 1)


def _scan_page(page: pdfium.PdfPage) -> _Scan:
    scan = _Scan()
    floats = tuple(ctypes.c_float() for _ in range(4))
    bounds = (*floats, [ctypes.byref(f) for f in floats])
    _scan_objects(page.raw, False, scan, bounds)
    return scan


# ------------------------------------------------------------------------------ tables (pdfplumber)


def _plumber_to_user(box: tuple[float, float, float, float], page) -> tuple[float, float, float, float]:
    """pdfplumber (x0, top, x1, bottom) in the displayed page -> PDF user-space (left, bottom, right, top).

    pdfminer draws the page with a CTM that moves the MediaBox origin to 0 and applies /Rotate;
    pdfplumber then measures `top` from the top of that device space. Undo both.
    """
    x0, top, x1, bottom = box
    mb = [float(v) for v in page.page_obj.mediabox]
    mx0, my0, mx1, my1 = mb
    height = float(page.height)
    rot = page.rotation

    def to_user(dx: float, dtop: float) -> tuple[float, float]:
        dy = height - dtop
        if rot == 90:
            return mx1 - dy, dx + my0
        if rot == 180:
            return mx1 - dx, my1 - dy
        if rot == 270:
            return mx0 + dy, my1 - dx
        return dx + mx0, dy + my0

    (ax, ay), (bx, by) = to_user(x0, top), to_user(x1, bottom)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _find_tables(plumber_page) -> list[tuple[tuple[float, float, float, float], list[list[str | None]]]]:
    """Ruled tables of one pdfplumber page: [(bbox in pdfplumber coordinates, rows)]."""
    found = []
    for table in plumber_page.find_tables(TABLE_SETTINGS):
        rows = table.extract(x_tolerance=3, y_tolerance=3)
        rows = [[join_cell_lines(c) for c in row] for row in rows]
        cells = [c for row in rows for c in row]
        if len(rows) < 2 and len(cells) < 2:
            continue  # a framed paragraph, not a table: leave its text in the lines
        found.append((table.bbox, rows))
    return found


def _page_with_tables(textpage: pdfium.PdfTextPage, tables: list[tuple[tuple, list]], number: int) -> list[Item]:
    """Walk pdfium's characters; those whose origin is inside a table box go to the table, not the text."""
    tp = textpage.raw
    n = pdfium_c.FPDFText_CountChars(tp)
    x = ctypes.c_double()
    y = ctypes.c_double()
    xr, yr = ctypes.byref(x), ctypes.byref(y)
    boxes = [(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1) for b, _ in tables]
    raw_tables = [RawTable(rows=rows, page=number) for _, rows in tables]
    placed = [False] * len(tables)
    chunks: list[Union[list[str], RawTable]] = [[]]
    for i in range(n):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        ch = chr(code) if 0 < code < 0x110000 else ""
        inside = -1
        if ch not in ("\r", "\n") and pdfium_c.FPDFText_GetCharOrigin(tp, i, xr, yr):
            for k, (l, b, r, t) in enumerate(boxes):
                if l <= x.value <= r and b <= y.value <= t:
                    inside = k
                    break
        if inside >= 0:
            if not placed[inside]:
                placed[inside] = True
                chunks.append(raw_tables[inside])
                chunks.append([])
            continue
        chunks[-1].append(ch)  # type: ignore[union-attr]
    items: list[Item] = []
    for chunk in chunks:
        if isinstance(chunk, RawTable):
            items.append(chunk)
        else:
            items.extend(_text_items("".join(chunk)))
    # a table without any character (an empty grid) has no place in the stream: it goes last
    items.extend(t for t, ok in zip(raw_tables, placed) if not ok)
    return items


def _plumber_items(page, tables: list[tuple[tuple, list]], number: int) -> list[Item]:
    """Lines and tables of a page from pdfplumber alone (when pdfium missed characters of this page)."""
    boxes = [b for b, _ in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    lines = page.filter(outside).extract_text_lines(strip=True, return_chars=False)
    pending = sorted(((b[1], RawTable(rows=rows, page=number)) for b, rows in tables), key=lambda t: t[0])
    items: list[Item] = []
    for line in lines:
        while pending and pending[0][0] <= line["top"]:
            items.append(pending.pop(0)[1])
        items.extend(_text_items(line["text"]))
    items.extend(t for _, t in pending)
    return items


def _quiet_pdfminer() -> None:
    """pdfminer logs a WARNING per damaged object; planparse reports a file's problems itself.
    Only touches the logger when the application has not configured it."""
    logger = logging.getLogger("pdfminer")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)


class _Plumber:
    """pdfplumber opened lazily, once, for the pages that need the table finder or lost text in pdfium."""

    def __init__(self, data: bytes):
        self._data = data
        self._pdf = None
        self._failed = False

    def analyse(
        self, index: int, *, find_tables: bool, pdfium_chars: int | None
    ) -> tuple[list[tuple[tuple, list]], list[Item] | None] | None:
        """Tables of page `index` (boxes in PDF user space) and the page's items read by pdfplumber
        when pdfium's text cannot be trusted: pdfium_chars None (the page scan found text pdfium
        skips), or visibly fewer characters than pdfminer sees on a table page.
        None when pdfplumber cannot read the page."""
        if self._failed:
            return None
        try:
            if self._pdf is None:
                import pdfplumber

                _quiet_pdfminer()
                self._pdf = pdfplumber.open(io.BytesIO(self._data))
            page = self._pdf.pages[index]
        except Exception:  # pdfminer cannot parse what pdfium could: no tables, pdfium's text is kept
            self._failed = True
            return None
        try:
            found = _find_tables(page) if find_tables else []
            fallback = None
            if pdfium_chars is None:
                fallback = _plumber_items(page, found, index + 1)
            elif found:
                plumber_chars = sum(1 for c in page.chars if not c["text"].isspace())
                if plumber_chars > pdfium_chars * 1.02 + 2:
                    fallback = _plumber_items(page, found, index + 1)
            return [(_plumber_to_user(bbox, page), rows) for bbox, rows in found], fallback
        except Exception:
            return None
        finally:
            page.close()  # flush pdfplumber's per-page caches: bounded memory on long files

    def close(self) -> None:
        if self._pdf is not None:
            pdf, self._pdf = self._pdf, None
            try:
                pdf.close()  # re-walks the page tree: may fail on a damaged file
            except Exception:
                try:
                    pdf.stream.close()
                except Exception:
                    pass


# ------------------------------------------------------------------------------------------- reader


def _open_error(err: Exception, path: str) -> Exception:
    code = getattr(err, "err_code", None)
    if code == _PASSWORD_ERR:
        return EncryptedError("encrypted PDF (password required)", path=path)
    if code == _SECURITY_ERR:
        return EncryptedError("encrypted PDF (unsupported security handler)", path=path)
    return CorruptFileError("corrupt PDF (cannot be opened)", path=path)


def _check_structure(data: bytes, path: str) -> None:
    if b"%PDF" not in data[:1024]:
        raise CorruptFileError("not a PDF (no %PDF header)", path=path)
    if b"%%EOF" not in data[-65536:]:
        raise CorruptFileError("truncated PDF (no %%EOF at the end of the file)", path=path)


def read_pdf(path: Path, data: bytes, ocr: OcrMode = "auto") -> RawDocument:
    """Text pages through pdfium/pdfplumber; pages without a usable text layer through OCR (ingest/ocr.py)."""
    spath = str(path)
    _check_structure(data, spath)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise _open_error(e, spath) from None
    except Exception:
        raise CorruptFileError("corrupt PDF (cannot be opened)", path=spath) from None
    plumber = _Plumber(data)
    doc_ocr = DocumentOcr(ocr)
    pages: list[list[Item]] = []
    text_chars = 0
    try:
        n_pages = len(pdf)
        for index in range(n_pages):
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                raise CorruptFileError(f"corrupt PDF (page {index + 1} cannot be loaded)", path=spath) from None
            try:
                textpage = page.get_textpage()
                try:
                    n_chars = textpage.count_chars()
                    text = textpage.get_text_range() if n_chars > 0 else ""
                    stripped = _count_visible(text)
                    scan = _scan_page(page)
                    items: list[Item] | None = None
                    if scan.lossy_text:
                        found = plumber.analyse(index, find_tables=scan.may_have_table, pdfium_chars=None)
                        if found and found[1] is not None:
                            items = found[1]
                    elif stripped > 0 and scan.may_have_table:
                        found = plumber.analyse(index, find_tables=True, pdfium_chars=stripped)
                        if found and found[1] is not None:
                            items = found[1]
                        elif found and found[0]:
                            items = _page_with_tables(textpage, found[0], index + 1)
                    if items is None:
                        items = _text_items(text)
                    page_text = "".join(it if isinstance(it, str) else str(it.rows) for it in items)
                    ocr_lines = doc_ocr.lines_for(page, index + 1, page_text)
                    if ocr_lines is not None:
                        items = list(ocr_lines)
                    text_chars += sum(
                        _count_visible(it) if isinstance(it, str) else len(it.rows) for it in items
                    )
                finally:
                    textpage.close()
            except pdfium.PdfiumError:
                raise CorruptFileError(f"corrupt PDF (page {index + 1} cannot be read)", path=spath) from None
            except (AssertionError, ValueError, OSError, IndexError) as e:  # damaged content streams
                raise CorruptFileError(
                    f"corrupt PDF (page {index + 1}: {type(e).__name__})", path=spath
                ) from None
            finally:
                page.close()
            pages.append(items)
    finally:
        plumber.close()
        pdf.close()
    if text_chars == 0:
        raise NoTextLayerError(doc_ocr.why_no_text(), path=spath)
    pages = [_strip_page_numbers(items) for items in pages]
    pages = _strip_running_lines(pages)
    doc = RawDocument(
        path=spath,
        format="pdf",
        sha256="",
        pages=[_to_raw_page(i + 1, items) for i, items in enumerate(pages)],
        page_count=n_pages,
        lines_are_paragraphs=False,
    )
    doc_ocr.apply(doc)
    return doc
