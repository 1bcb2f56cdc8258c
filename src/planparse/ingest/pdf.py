"""PDF reader: pypdfium2 for the text and the ruled tables of every page; pdfplumber (pdfminer) only
for pages where pdfium would lose text, and for rotated pages that may hold a table.

Speed: pypdfium2 reads a page an order of magnitude faster than pdfplumber/pdfminer. Tables are looked
for only on pages whose vector graphics look like table ruling (>= 2 horizontal rules and >= 3
distinct vertical ones, counting box sides: a frame around the text is not a table), by pdfplumber's
table finder run on pdfium's own path objects and characters (ingest/pdf_tables.py), so pdfminer does
not parse the page again; the characters inside a table's box are taken out of the text stream, and
the table is returned as a RawTable placed (line_index) where it stands among the lines. A page with
/Rotate keeps pdfplumber's own finder, whose coordinates are those of the displayed page.

pdfium silently skips text objects it measures as zero-width (glyphs of a non-embedded CJK font when
the machine has no CJK font: lone characters, rotated runs); the page scan finds them and such pages
are read by pdfplumber alone (on a rotated table page, also when pdfminer sees visibly more characters).

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
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .. import compiled
from ..errors import CorruptFileError, EncryptedError, NoTextLayerError
from .base import LineBox, OcrLine, OcrMode, RawDocument, RawTable, line_box
from .ocr import DocumentOcr, OcrJob, is_garbled
from .page_text import (Item, clean_line, clean_lines as _clean_lines, count_visible as _count_visible,  # noqa: F401
                        is_line as _is_line, join_cell_lines, strip_page_numbers as _strip_page_numbers,
                        strip_running_lines as _strip_running_lines, to_raw_page as _to_raw_page)
from .pdf_tables import ruled_tables
from .pdf_layout import COLUMN_SPLIT_MIN, WRITTEN_SPACE, Glyph, PageLine, lines_from_glyphs, lines_of_records, quadrant, to_reading

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

# ------------------------------------------------------------------- page scan (cheap, pdfium only)

_PAGEOBJ_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT
# pdfium's text page skips text objects whose bounding box has no width (CPDF_TextPage: `Width() <
# kSizeEpsilon`). That happens to real text when pdfium has no glyph outlines for the font: a
# non-embedded CJK font (STSong-Light / Adobe-GB1, common in generated government PDFs) on a machine
# without CJK fonts gives single-character lines and rotated (landscape) runs a zero width, and their
# characters silently vanish from get_text_range(). Such pages are read by pdfplumber instead.
_ZERO_WIDTH = 1e-3


# Base font names of the Adobe CJK CID fonts and the common Chinese/Japanese/Korean system fonts
# written in ASCII (names in GBK/Shift-JIS bytes are non-ASCII and caught as such).
_CJK_FONT_NAME = re.compile(
    r"(?i)^(?:[A-Z]{6}\+)?(?:ST|Adobe|M|Heisei|HY|Kozuka|Noto|Source)?"
    r"(?:Song|Sung|Hei|Kai|Fangsong|FangSong|Ming|Min|Gothic|GoThic|KakuGo|MyeongJo|Sim|MS-?Mincho|MS-?Gothic"
    r"|Yahei|YaHei|DengXian|PMingLiU|MingLiU|Batang|Gulim|Dotum|CJK)"
)


def _loses_text(text_obj) -> bool:
    """A zero-width text object loses text only when pdfium has no outlines for its font: a font
    that is not embedded (and no system substitute gave it a width). Office exports (LibreOffice,
    WPS, Word) write a lone space as its own object in an embedded subset font: it has no outline,
    so its box is empty, and nothing is lost."""
    return _font_loses_text(pdfium_c.FPDFTextObj_GetFont(text_obj))


def _font_loses_text(font) -> bool:
    """Whether a zero-width text object in this font (a handle, maybe null) loses text (_loses_text)."""
    if not font:
        return True
    if pdfium_c.FPDFFont_GetIsEmbedded(font):
        return False
    # Not embedded: a Latin font always has a substitute with outlines (its empty objects are
    # spaces); a CJK font may have none on this machine.
    buf = ctypes.create_string_buffer(128)
    n = pdfium_c.FPDFFont_GetBaseFontName(font, buf, len(buf))
    name = buf.raw[: max(n - 1, 0)]
    return not name.isascii() or bool(_CJK_FONT_NAME.search(name.decode("ascii")))


class _Scan:
    """What one cheap pass over a page's objects tells: ruling that may form a table, lost text.

    A table needs at least two columns, so at least three distinct vertical rules (cell borders,
    or the sides of cell boxes); the ruling that frames a text block (page border, letterhead
    rules, a text box) has two, and such pages never go to pdfminer."""

    __slots__ = ("vertical_x", "horizontal", "grid_path", "lossy_text")

    def __init__(self) -> None:
        self.vertical_x: set[int] = set()  # x of vertical rules and box sides, in 2-pt bins
        self.horizontal = 0
        self.grid_path = False  # one path object drawing a whole grid
        self.lossy_text = False

    @property
    def may_have_table(self) -> bool:
        return self.horizontal >= 2 and (self.grid_path or len(self.vertical_x) >= 3)


_GRID_SEGMENTS = 12  # a box is 4-5 path segments; a path with many more inside a box may be a grid


def _unchecked(function, restype):
    """pdfium's C function declared with no argument types: ctypes then passes the handles, indexes
    and buffer addresses as they are, without checking each against the binding's pointer types. A
    page has thousands of characters, two calls each: the checks cost more than the calls."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)


class _Handle(ctypes.c_void_p):
    """A pdfium handle returned as a ctypes object: a plain c_void_p result comes back as an int,
    which a function declared without argument types would pass on as a 32-bit int."""


_count_objects = {False: _unchecked(pdfium_c.FPDFPage_CountObjects, ctypes.c_int),
                  True: _unchecked(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int)}
_get_object = {False: _unchecked(pdfium_c.FPDFPage_GetObject, _Handle),
               True: _unchecked(pdfium_c.FPDFFormObj_GetObject, _Handle)}
_object_type = _unchecked(pdfium_c.FPDFPageObj_GetType, ctypes.c_int)
_object_bounds = _unchecked(pdfium_c.FPDFPageObj_GetBounds, ctypes.c_int)
_path_segments = _unchecked(pdfium_c.FPDFPath_CountSegments, ctypes.c_int)
_text_font = _unchecked(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)  # the font's address, an int (a key)


def _font_at_loses_text(address: int) -> bool:
    return _font_loses_text(ctypes.cast(address, pdfium_c.FPDF_FONT))


def _scan_objects(container, form: bool, scan: _Scan, bounds: tuple, depth: int = 0) -> None:
    """Ruling evidence among path objects, and text objects that pdfium's text page would skip."""
    left, bottom, right, top, refs, fonts = bounds
    get_object, object_type, object_bounds, text_font = _get_object[form], _object_type, _object_bounds, _text_font
    for i in range(max(_count_objects[form](container), 0)):
        obj = get_object(container, i)
        if not obj:
            continue
        # Only a text object has a font (pdfium gives none of any other object): that one call tells
        # most objects' type. And most text is in fonts that cannot lose it: whether one can is asked
        # once a page per font, before any box.
        font = text_font(obj)
        if font is not None:
            if not scan.lossy_text:
                risk = fonts.get(font)
                if risk is None:
                    risk = fonts[font] = _font_loses_text(ctypes.cast(font, pdfium_c.FPDF_FONT))
                if risk and object_bounds(obj, *refs) and right.value - left.value < _ZERO_WIDTH:
                    scan.lossy_text = True
            continue
        kind = object_type(obj)
        if kind == _PAGEOBJ_TEXT:  # without a font
            if not scan.lossy_text and object_bounds(obj, *refs) and right.value - left.value < _ZERO_WIDTH:
                scan.lossy_text = True
        elif kind == _PAGEOBJ_PATH:
            if scan.may_have_table or not object_bounds(obj, *refs):
                continue
            w = right.value - left.value
            h = top.value - bottom.value
            if w <= 3 and h >= 8:
                scan.vertical_x.add(round((left.value + right.value) / 4))
            elif h <= 3 and w >= 8:
                scan.horizontal += 1
            elif w >= 8 and h >= 8:  # a box (cell, frame), or a whole grid drawn as one path
                scan.vertical_x.update((round(left.value / 2), round(right.value / 2)))
                scan.horizontal += 2
                if _path_segments(obj) >= _GRID_SEGMENTS:
                    scan.grid_path = True
        elif kind == _PAGEOBJ_FORM and depth < 8:
            _scan_objects(obj, True, scan, bounds, depth + 1)


def _scan_page(page: pdfium.PdfPage) -> _Scan:
    scan = _Scan()
    twin = compiled.with_pdfium()
    if twin is not None:
        scan.vertical_x, scan.horizontal, scan.grid_path, scan.lossy_text = twin.scan_page(
            compiled.address(page.raw), _font_at_loses_text, _ZERO_WIDTH)
        return scan
    floats = tuple(ctypes.c_float() for _ in range(4))
    bounds = (*floats, [ctypes.byref(f) for f in floats], {})
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


def _find_tables(plumber_page) -> list[tuple[tuple[float, float, float, float], list[list[str | None]], list]]:
    """Ruled tables of one pdfplumber page: [(bbox in pdfplumber coordinates, rows, each cell's box on the
    displayed page)]."""
    return _tables_of_text(
        (table.bbox, table.extract(x_tolerance=3, y_tolerance=3), [list(row.cells) for row in table.rows])
        for table in plumber_page.find_tables(TABLE_SETTINGS)
    )


def _tables_of_text(found) -> list[tuple[tuple[float, float, float, float], list[list[str | None]], list]]:
    """The found (bbox, rows, cell boxes) that are tables, their cells' lines joined."""
    out = []
    for bbox, rows, cells in found:
        rows = [[join_cell_lines(c) for c in row] for row in rows]
        if not _is_grid_of_text(rows):
            continue  # a page frame or a framed paragraph, not a table: its text stays in the lines
        out.append((bbox, rows, cells))
    return out


def _is_grid_of_text(rows: list[list[str | None]]) -> bool:
    """A table has at least two columns that hold text, and rows of at least two filled cells (all
    of them when the table has one or two rows). Ruling lines that box the text block (page
    borders, letterhead rules, text frames) give one column of body text: that is the page's
    prose, not a table."""
    ncols = max((len(r) for r in rows), default=0)
    columns_with_text = sum(1 for c in range(ncols) if any(c < len(r) and r[c] for r in rows))
    filled_rows = sum(1 for row in rows if sum(1 for c in row if c) >= 2)
    return columns_with_text >= 2 and filled_rows >= min(2, len(rows))


# Code points pdfium reports that are not glyphs of the page: its own line breaks and hyphen marks,
# and whitespace (spaces come back from the measured gaps between characters).
_NOT_GLYPHS = frozenset((0, 0x02, 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000, 0xFFFE, 0xFEFF, 0x200B))
_WRITTEN_SPACE = ord(WRITTEN_SPACE)
_FULL_TURN = 2 * math.pi
_UPRIGHT = math.pi / 4  # a character angle within this of 0 is upright text


_loose_char_box = _unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int)
_char_angle = _unchecked(pdfium_c.FPDFText_GetCharAngle, ctypes.c_float)


def _char_codes(tp, count: int) -> list[int]:
    """Every character's code (FPDFText_GetUnicode of each index), in one call where pdfium's text
    has one UTF-16 unit per character, as it has when pdfium itself splits a character beyond the
    BMP into two indexes (the buffer has room for the case where it does not, then read one by one)."""
    buf = (ctypes.c_ushort * (2 * count + 1))()
    if pdfium_c.FPDFText_GetText(tp, 0, count, buf) == count + 1:
        return buf[:count]
    return [pdfium_c.FPDFText_GetUnicode(tp, i) for i in range(count)]


def _page_glyphs(textpage: pdfium.PdfTextPage, boxes: list[tuple[float, float, float, float]]) -> dict[int, list[Glyph]]:
    """Every character of the page that is a glyph, with its box in the reading coordinates of its
    text's quadrant, by quadrant (0 first, then as first met); those with their centre in one of the
    boxes (the tables', widened) left out."""
    twin = compiled.with_pdfium()
    if twin is not None:
        return twin.page_glyphs(compiled.address(textpage.raw), boxes)
    tp = textpage.raw
    handle = ctypes.cast(tp, ctypes.c_void_p)
    rect = pdfium_c.FS_RECTF()
    rect_address = ctypes.c_void_p(ctypes.addressof(rect))
    get_box, get_angle = _loose_char_box, _char_angle
    by_quadrant: dict[int, list[Glyph]] = {0: []}
    upright = by_quadrant[0]
    count = pdfium_c.FPDFText_CountChars(tp)
    codes = _char_codes(tp, count) if count > 0 else []
    not_glyphs = _NOT_GLYPHS
    prev_digit = False
    low_half = -1  # index of the second half of a surrogate pair, read with its first
    for i, code in enumerate(codes):
        if i == low_half:
            continue
        if 0xD800 <= code < 0xDC00 and i + 1 < count and 0xDC00 <= (low := codes[i + 1]) < 0xE000:
            # A character beyond the BMP (the private-use leader dots of a table of contents, 􀆺) comes
            # as two UTF-16 halves, each with a box of its own: sorted apart they lost their pair.
            code, low_half = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00), i + 1
        if code == 0x20 and prev_digit and not pdfium_c.FPDFText_IsGenerated(tp, i) and get_box(handle, i, rect_address):
            # a space the producer wrote after a digit is a space (`专栏1 2025年`), however narrow:
            # kept as a glyph, since inside a number only a wide gap counts as one (pdf_layout)
            code = _WRITTEN_SPACE
        elif code in not_glyphs or code >= 0x110000 or not get_box(handle, i, rect_address):
            continue
        prev_digit = 0x30 <= code <= 0x39
        left, right, bottom, top = rect.left, rect.right, rect.bottom, rect.top
        if boxes:
            cx, cy = (left + right) / 2, (bottom + top) / 2
            if any(l <= cx <= r and b <= cy <= t for l, b, r, t in boxes):
                continue
        angle = get_angle(handle, i)
        if angle < _UPRIGHT or angle > _FULL_TURN - _UPRIGHT:  # the common case, without a call
            upright.append((left, right, bottom, top, chr(code)))
        else:
            q = quadrant(angle)
            by_quadrant.setdefault(q, []).append((*to_reading(q, left, right, bottom, top), chr(code)))
    return by_quadrant


def _page_lines(textpage: pdfium.PdfTextPage, boxes: list[tuple[float, float, float, float]]) -> dict[int, tuple[int, list[PageLine]]]:
    """The page's visual lines by quadrant (as _page_glyphs orders them), each with its number of glyphs:
    built in C without a Python object per glyph where the compiled reader is present and the page is
    one column of text, else from _page_glyphs by lines_from_glyphs (the same lines)."""
    twin = compiled.with_pdfium()
    found = twin.page_lines(compiled.address(textpage.raw), boxes, COLUMN_SPLIT_MIN) if twin is not None else None
    if found is not None:
        lines = {q: (count, lines_of_records(records)) for q, (count, records) in found.items()}
        if all(ls is not None for _, ls in lines.values()):
            return lines  # type: ignore[return-value]
    return {q: (len(glyphs), lines_from_glyphs(glyphs)) for q, glyphs in _page_glyphs(textpage, boxes).items()}


def _pdfium_items(textpage: pdfium.PdfTextPage, tables: list[tuple[tuple, list]], number: int,
                  frame: tuple[tuple[float, float, float, float], int] | None = None) -> list[Item]:
    """The page's lines from pdfium's characters and their boxes, in reading order; the characters
    inside a table's box go to the table, which stands before the first line below its top.
    frame: the page's MediaBox and /Rotate, to give the lines' boxes on the displayed page."""
    by_quadrant = _page_lines(textpage, [(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1) for b, *_ in tables])
    # The page's text direction is that of most of its characters; text in another direction
    # (a stamp, a rotated side note) follows it.
    order = sorted((q for q in by_quadrant if by_quadrant[q][0]), key=lambda q: -by_quadrant[q][0])
    by_line = [(q, ln) for q in order for ln in _clean_lines(by_quadrant[q][1])]
    lines = [ln for _, ln in by_line]
    main = order[0] if order else 0
    placed = []
    for (b, rows, cells) in tables:
        _, _, _, table_top = to_reading(main, b[0], b[2], b[1], b[3])
        placed.append((-table_top, RawTable(rows=rows, page=number, cell_boxes=cells)))
    items = _interleave(lines, placed)
    if frame is None:
        return items
    # reading order was decided in reading coordinates; the boxes people read are on the displayed page
    quadrant_of = {id(ln): q for q, ln in by_line}
    return [PageLine(it.text, _displayed_box(it.box, quadrant_of.get(id(it), main), *frame)) if isinstance(it, PageLine) else it
            for it in items]


def _interleave(lines: list[PageLine], tables: list[tuple[float, RawTable]]) -> list[Item]:
    """Tables (with the top of each, measured down the page) put among the lines where they stand."""
    pending = sorted(tables, key=lambda t: t[0])
    items: list[Item] = []
    for line in lines:
        while pending and pending[0][0] <= (line.box.top + line.box.bottom) / 2:
            items.append(pending.pop(0)[1])
        items.append(line)
    items.extend(t for _, t in pending)
    return items


def _plumber_items(page, tables: list[tuple[tuple, list]], number: int) -> list[Item]:
    """Lines and tables of a page from pdfplumber alone (when pdfium missed characters of this page)."""
    boxes = [b for b, *_ in tables]

    def outside(obj: dict) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (obj["x0"] + obj["x1"]) / 2
        cy = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    found = page.filter(outside).extract_text_lines(strip=True, return_chars=False)
    lines = _clean_lines([
        PageLine(ln["text"], LineBox(x0=ln["x0"], x1=ln["x1"], top=ln["top"], bottom=ln["bottom"],
                                     size=ln["bottom"] - ln["top"]))
        for ln in found
    ])
    return _interleave(lines, [(b[1], RawTable(rows=rows, page=number, cell_boxes=cells)) for b, rows, cells in tables])


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
        self._page_objs: list = []
        self._page_class: Any = None
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
                from pdfminer.pdfpage import PDFPage
                from pdfplumber.page import Page

                self._pdf = pdfplumber.open(io.BytesIO(self._data))
                # pdfminer's page objects only (light); `pdf.pages` would build a pdfplumber Page
                # for every page of the file, when only the few table pages are wanted
                self._page_objs = list(PDFPage.create_pages(self._pdf.doc))
                self._page_class = Page
            page = self._page_class(self._pdf, self._page_objs[index], page_number=index + 1, initial_doctop=0)
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
            return [(_plumber_to_user(bbox, page), rows, cells) for bbox, rows, cells in found], fallback
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


def _pdfium_tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> list[tuple[tuple, list]] | None:
    """pdfplumber's table finder on pdfium's paths and characters: pdfminer need not parse the page
    again. (pdfplumber's coordinates are those of the displayed page, so the caller keeps a rotated
    page for pdfplumber itself.) None when the finder fails on what pdfium gives: pdfplumber then
    reads the page, which keeps the page's text whatever happens to its tables."""
    try:
        found = _tables_of_text(ruled_tables(page, textpage, TABLE_SETTINGS))
    except Exception:
        return None
    # cells come measured as the finder saw them (x, and y turned down from the user-space origin): on
    # the displayed page (this path reads unrotated pages only) they shift by the MediaBox's corner
    mx0, _, _, my1 = page.get_mediabox()
    return [(bbox, rows, [[(c[0] - mx0, c[1] + my1, c[2] - mx0, c[3] + my1) if c else None for c in row] for row in cells])
            for bbox, rows, cells in found]


def _read_page(page: pdfium.PdfPage, index: int, plumber: _Plumber) -> list[Item]:
    """One page's lines and tables: pdfium's characters, pdfplumber's table finder on pages whose
    ruling may form a table, and pdfplumber's text on pages where pdfium loses characters."""
    textpage = page.get_textpage()
    try:
        scan = _scan_page(page)
        if scan.lossy_text:
            found = plumber.analyse(index, find_tables=scan.may_have_table, pdfium_chars=None)
            if found and found[1] is not None:
                return found[1]
        tables: list[tuple[tuple, list]] | None = []
        if scan.may_have_table and textpage.count_chars() > 0:
            tables = _pdfium_tables(page, textpage) if page.get_rotation() == 0 else None
            if tables is None:
                found = plumber.analyse(index, find_tables=True, pdfium_chars=_count_visible(textpage.get_text_range()))
                if found and found[1] is not None:
                    return found[1]
                tables = found[0] if found else []
        return _pdfium_items(textpage, tables, index + 1, (page.get_mediabox(), page.get_rotation()))
    finally:
        textpage.close()


def _displayed_box(box: LineBox, q: int, mediabox: tuple[float, float, float, float], rotation: int) -> LineBox:
    """A line's box in the reading coordinates of its text's quadrant q (pdf_layout) -> on the page as
    displayed (origin at its top-left corner, /Rotate applied), as pdfplumber and the OCR measure
    theirs: the output's boxes are read against the page people see."""
    x0, x1, y0, y1 = box.x0, box.x1, -box.bottom, -box.top
    if q == 0 and rotation == 0:  # most lines of most pages: the general steps below, without their calls
        mx0, _, _, my1 = mediabox
        ax, at, bx, bt = x0 - mx0, my1 - y1, x1 - mx0, my1 - y0
        return LineBox(x0=min(ax, bx), x1=max(ax, bx), top=min(at, bt), bottom=max(at, bt), size=box.size)
    # back to user space (left, bottom, right, top): to_reading undone
    if q == 1:
        left, bottom, right, top = -y1, x0, -y0, x1
    elif q == 2:
        left, bottom, right, top = -x1, -y1, -x0, -y0
    elif q == 3:
        left, bottom, right, top = y0, -x1, y1, -x0
    else:
        left, bottom, right, top = x0, y0, x1, y1
    mx0, my0, mx1, my1 = mediabox

    def shown(ux: float, uy: float) -> tuple[float, float]:
        if rotation == 90:
            return uy - my0, ux - mx0
        if rotation == 180:
            return mx1 - ux, uy - my0
        if rotation == 270:
            return my1 - uy, mx1 - ux
        return ux - mx0, my1 - uy

    (ax, at), (bx, bt) = shown(left, top), shown(right, bottom)
    return LineBox(x0=min(ax, bx), x1=max(ax, bx), top=min(at, bt), bottom=max(at, bt), size=box.size)


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


# pages: a fresh handle reloads every font the next pages use (5 ms on a 116-page plan at 50 pages); what
# a handle keeps grows with the fonts it met (a compilation of 21 documents: +18 MB at 500 pages against 50)
_REOPEN_EVERY = 200


def _items_text(items: list[Item]) -> str:
    """The page's text, a line a line: the garbled-layer test reads odd glyphs within their line."""
    return "\n".join(it.text if isinstance(it, PageLine) else str(it.rows) for it in items)


def _other_decoder(plumber: _Plumber, index: int, items: list[Item], text: str) -> tuple[list[Item], str]:
    """A page whose text pdfium decodes to the wrong letters (ћ њ τ М: it read the font's own map
    where the ToUnicode map was meant) is read again by pdfminer, which may decode it cleanly; OCR
    stays the last resort, for a page that neither decoder reads."""
    found = plumber.analyse(index, find_tables=any(not _is_line(it) for it in items), pdfium_chars=None)
    if not found or found[1] is None:
        return items, text
    other_text = _items_text(found[1])
    if _count_visible(other_text) and not is_garbled(other_text):
        return found[1], other_text
    return items, text


def _damaged(e: Exception, index: int, spath: str) -> CorruptFileError:
    return CorruptFileError(f"corrupt PDF (page {index + 1}: {type(e).__name__})", path=spath)


def _ocr_items(doc_ocr: DocumentOcr, job: OcrJob, spath: str) -> list[Item]:
    """A page's items once OCR has read it: its OCR'd lines (with their boxes) and tables, or its own."""
    try:
        found = doc_ocr.finish(job)
    except (AssertionError, ValueError, OSError, IndexError) as e:  # a page image the engine cannot read
        raise _damaged(e, job.number - 1, spath) from None
    if found is None:
        return job.own_items
    return [PageLine(str(it), line_box(it.box)) if isinstance(it, OcrLine) else it for it in found]


def read_pdf(path: Path, data: bytes, ocr: OcrMode = "auto") -> RawDocument:
    """Text pages through pdfium/pdfplumber; pages without a usable text layer through OCR (ingest/ocr.py)."""
    spath = str(path)
    _check_structure(data, spath)
    compiled.cache_glyph_metrics()  # each glyph's metrics loaded once, not at every character (_glyph_cache.c)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise _open_error(e, spath) from None
    except Exception:
        raise CorruptFileError("corrupt PDF (cannot be opened)", path=spath) from None
    plumber = _Plumber(data)
    doc_ocr = DocumentOcr(ocr)
    pages: list[list[Item] | OcrJob] = []
    try:
        n_pages = len(pdf)
        for index in range(n_pages):
            if index and index % _REOPEN_EVERY == 0:
                # pdfium keeps what it parsed (fonts, their substitutes, resources) for the life of
                # the document: a fresh handle every so many pages keeps memory flat on long files
                pdf.close()
                pdf = pdfium.PdfDocument(data)
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                raise CorruptFileError(f"corrupt PDF (page {index + 1} cannot be loaded)", path=spath) from None
            try:
                items = _read_page(page, index, plumber)
                page_text = _items_text(items)
                garbled = None  # asked again by OCR where pdfminer's text replaced pdfium's
                if ocr != "always":
                    garbled = is_garbled(page_text)
                    if garbled:
                        items, page_text = _other_decoder(plumber, index, items, page_text)
                        garbled = None
                # no usable text layer: OCR reads the page, maybe on another thread while the next pages are read
                job = doc_ocr.start(page, index + 1, page_text, items, garbled)
            except pdfium.PdfiumError:
                raise CorruptFileError(f"corrupt PDF (page {index + 1} cannot be read)", path=spath) from None
            except (AssertionError, ValueError, OSError, IndexError) as e:  # damaged content streams
                raise _damaged(e, index, spath) from None
            finally:
                page.close()
            pages.append(items if job is None else job)
        pages = [_ocr_items(doc_ocr, job, spath) if isinstance(job, OcrJob) else job for job in pages]
    finally:
        doc_ocr.close()
        plumber.close()
        pdf.close()
    # one visible character anywhere is enough: counting them all cost as much as a step of the reader
    if not any(_count_visible(it.text) if isinstance(it, PageLine) else it.rows for items in pages for it in items):
        raise NoTextLayerError(doc_ocr.why_no_text(), path=spath)
    pages = _strip_running_lines(_strip_page_numbers(pages))
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
