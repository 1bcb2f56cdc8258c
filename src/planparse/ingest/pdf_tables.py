"""Ruled tables of a PDF page from pdfium's own objects, through pdfplumber's table finder.

pdfplumber finds a table from the page's ruling (lines, rectangles, curves) and fills its cells with
the page's characters; to get them it has pdfminer parse the whole content stream in Python, which
costs several times what reading the page with pdfium does. pdfium has parsed the page already:
its path objects give the same ruling and its text page the same characters. Here they are put
into the shape pdfplumber's objects have (pdfminer's rules for what a path is: a line, a rectangle
or a curve, one per subpath) and pdfplumber's `TableFinder` and `Table.extract` run on them
unchanged, so the cells and their text are what pdfplumber gives, at pdfium's cost.

Coordinates are PDF user space with y turned down (`top = -y`): pdfplumber's geometry is
translation-invariant, and rows run down the page. The caller keeps pages with a /Rotate for
pdfplumber, whose coordinates are those of the displayed page.
"""
from __future__ import annotations

import bisect
import ctypes
import math
import re
from types import SimpleNamespace
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .. import compiled

__all__ = ["children", "ruled_tables"]

Matrix = tuple[float, float, float, float, float, float]  # a b c d e f, as in PDF
Point = tuple[float, float]
Bbox = tuple[float, float, float, float]  # user space: left, bottom, right, top

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_MOVETO, _LINETO, _BEZIERTO = pdfium_c.FPDF_SEGMENT_MOVETO, pdfium_c.FPDF_SEGMENT_LINETO, pdfium_c.FPDF_SEGMENT_BEZIERTO
_PATH, _FORM, _TEXT = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_TEXT
_EMPTY = 1e-3  # a text object narrower than this has no glyph outline: pdfium's text page skips it
_MAX_FORM_DEPTH = 8
_SUBPATH = re.compile(r"m[^m]+")
_UPRIGHT = math.pi / 4  # a character angle within this of 0 (or 2 pi) is upright text
# pdfium's own marks (line breaks, hyphen marks, BOM): not characters of the page's content stream
_NOT_CHARS = frozenset((0, 0x02, 0x0A, 0x0D, 0xFFFE, 0xFEFF))
_CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "upright")


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies `inner` and then `outer`."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> Point:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _object_matrix(obj, fs: Any) -> Matrix:
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(fs)):
        return _IDENTITY
    return (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)


def _path_ops(obj, m: Matrix, point: tuple) -> list[tuple[str, Point]]:
    """The path's operations as pdfminer sees them after `re` and `h` are spelled out: (op, end
    point in page space); a Bézier curve's three segments are one `c` with its end point, and a
    segment that closes its subpath is followed by `h` (whose point is the subpath's start)."""
    x, y, xref, yref = point
    ops: list[tuple[str, Point]] = []
    start: Point = (0.0, 0.0)
    pending_curve = 0
    for i in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, i)
        if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, xref, yref):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        pt = _apply(m, x.value, y.value)
        if kind == _MOVETO:
            ops.append(("m", pt))
            start = pt
        elif kind == _LINETO:
            ops.append(("l", pt))
        elif kind == _BEZIERTO:
            pending_curve += 1
            if pending_curve < 3:  # control points: pdfminer keeps only the end point of a curve
                continue
            pending_curve = 0
            ops.append(("c", pt))
        else:
            continue
        if pdfium_c.FPDFPathSegment_GetClose(seg):
            ops.append(("h", start))
    return ops


def _bbox_obj(kind: str, pts: list[Point]) -> dict:
    """A pdfplumber object (line / rect / curve) from its points in page space, y turned down."""
    xs = [p[0] for p in pts]
    tops = [-p[1] for p in pts]
    x0, x1, top, bottom = min(xs), max(xs), min(tops), max(tops)
    obj = {"object_type": kind, "x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top,
           "y0": -bottom, "y1": -top, "width": x1 - x0, "height": bottom - top}
    if kind == "curve":
        obj["pts"] = [(p[0], -p[1]) for p in pts]
    return obj


def _subpath_objects(ops: list[tuple[str, Point]]) -> list[dict]:
    """pdfminer's `paint_path`: each subpath is a line (`ml`, `mlh`), a rectangle (`mlllh` or
    `mllll` closed, with square corners) or a curve through its points."""
    shape = "".join(op for op, _ in ops)
    if shape[:1] != "m":
        return []
    if shape.count("m") > 1:
        return [o for mt in _SUBPATH.finditer(shape) for o in _subpath_objects(ops[mt.start(): mt.end()])]
    pts = [p for _, p in ops]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:  # a redundant `l` back to the start
        shape = shape[:-2] + "h"
        pts.pop()
    if shape in ("mlh", "ml"):
        return [_bbox_obj("line", pts[:2])]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        closed = pts[0] == pts[4]
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
        if closed and square:
            return [_bbox_obj("rect", [pts[0], pts[2]])]
    return [_bbox_obj("curve", pts)]


def _empty_text(obj, m: Matrix, bounds: tuple) -> dict | None:
    """A text object with an empty box as the space character it is. Office exports write a lone
    space as its own object in an embedded font; its glyph has no outline, so pdfium's text page
    leaves it out, where pdfminer has a space that ends a word (`OBD 故障` is not `OBD故障`)."""
    left, bottom, right, top, refs = bounds
    if not pdfium_c.FPDFPageObj_GetBounds(obj, *refs) or right.value - left.value >= _EMPTY:
        return None
    size, descent = ctypes.c_float(), ctypes.c_float()
    font = pdfium_c.FPDFTextObj_GetFont(obj)
    if not font or not pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size)):
        return None
    if not pdfium_c.FPDFFont_GetDescent(font, ctypes.c_float(1.0), ctypes.byref(descent)):
        descent.value = 0.0
    a, b, c, d, e, f = m
    lo, hi = descent.value * size.value, (descent.value + 1) * size.value
    x0, y0 = e + c * lo, f + d * lo
    x1, y1 = e + c * hi, f + d * hi
    box_top = -max(y0, y1)
    return {"text": " ", "x0": min(x0, x1), "x1": max(x0, x1), "top": box_top, "bottom": -min(y0, y1),
            "doctop": box_top, "upright": a * d > 0 and b * c <= 0}


def children(container, form: bool):
    """(object, its type) of a page's objects (form False) or of a form XObject's (form True)."""
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    for i in range(max(count(container), 0)):
        obj = get(container, i)
        if obj:
            yield obj, pdfium_c.FPDFPageObj_GetType(obj)


def _page_objects(container, form: bool, m: Matrix, out: tuple[list[dict], list[dict]], scratch: tuple,
                  depth: int = 0) -> None:
    """pdfplumber's lines, rects and curves of the page, and the spaces pdfium's text page leaves
    out (form XObjects included, as pdfminer draws them)."""
    fs, point, bounds = scratch
    ruling, spaces = out
    for obj, kind in children(container, form):
        if kind == _PATH:
            ruling.extend(_subpath_objects(_path_ops(obj, _compose(_object_matrix(obj, fs), m), point)))
        elif kind == _TEXT:
            space = _empty_text(obj, _compose(_object_matrix(obj, fs), m), bounds)
            if space is not None:
                spaces.append(space)
        elif kind == _FORM and depth < _MAX_FORM_DEPTH:
            _page_objects(obj, True, _compose(_object_matrix(obj, fs), m), out, scratch, depth + 1)


def _ruling_and_spaces(page: pdfium.PdfPage) -> tuple[list[dict], list[dict]]:
    """The page's lines, rects and curves, and its empty text objects' spaces (_page_objects): walked in
    C where the compiled reader is present (a table page has thousands of text objects, few of them
    empty, and a Python loop asked pdfium four things of each), the paths' shapes made here."""
    twin = compiled.with_pdfium()
    if twin is not None:
        paths, spaces = twin.table_objects(compiled.address(page.raw), _CHAR_KEYS, _MOVETO, _LINETO, _BEZIERTO)
        return [o for ops in paths for o in _subpath_objects([(op, (x, y)) for op, x, y in ops])], spaces
    x, y = ctypes.c_float(), ctypes.c_float()
    box = tuple(ctypes.c_float() for _ in range(4))
    scratch = (pdfium_c.FS_MATRIX(), (x, y, ctypes.byref(x), ctypes.byref(y)), (*box, [ctypes.byref(v) for v in box]))
    ruling: list[dict] = []
    spaces = []
    _page_objects(page.raw, False, _IDENTITY, (ruling, spaces), scratch)
    return ruling, spaces


def _edges(objects: list[dict]) -> list[dict]:
    """pdfplumber's `Page.edges` of these objects."""
    from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

    edges = [line_to_edge(o) for o in objects if o["object_type"] == "line"]
    for o in objects:
        if o["object_type"] == "rect":
            edges.extend(rect_to_edges(o))
    for o in objects:
        if o["object_type"] == "curve":
            edges.extend(curve_to_edges(o))
    return edges


def _chars(textpage: pdfium.PdfTextPage) -> list[dict]:
    """pdfplumber's `Page.chars` from pdfium's text page: the characters of the content stream
    (spaces included: they end words as in pdfplumber; pdfium's generated spaces and line breaks
    are not in the stream), each with pdfminer's box: the advance width from the font's widths by
    the font size, from the descent up one font size, turned by the character's matrix. (pdfium's
    loose box is wider by the character spacing: a character that overruns a narrow cell would
    land in the next one.)"""
    twin = compiled.with_pdfium()
    if twin is not None:
        return twin.table_chars(compiled.address(textpage.raw), _CHAR_KEYS)
    tp = textpage.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    xref, yref = ctypes.byref(x), ctypes.byref(y)
    size, descent, width = ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    matrix = pdfium_c.FS_MATRIX()
    mref = ctypes.byref(matrix)
    one = ctypes.c_float(1.0)
    out = []
    for i in range(pdfium_c.FPDFText_CountChars(tp)):
        code = pdfium_c.FPDFText_GetUnicode(tp, i)
        if code in _NOT_CHARS or code >= 0x110000 or pdfium_c.FPDFText_IsGenerated(tp, i) == 1:
            continue
        obj = pdfium_c.FPDFText_GetTextObject(tp, i)
        font = pdfium_c.FPDFTextObj_GetFont(obj) if obj else None
        if (not font or not pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
                or not pdfium_c.FPDFText_GetCharOrigin(tp, i, xref, yref) or not pdfium_c.FPDFText_GetMatrix(tp, i, mref)):
            continue
        if not pdfium_c.FPDFFont_GetDescent(font, one, ctypes.byref(descent)):
            descent.value = 0.0
        if not pdfium_c.FPDFFont_GetGlyphWidth(font, code, one, ctypes.byref(width)):
            width.value = 0.0
        fs = size.value
        lo, hi, adv = descent.value * fs, (descent.value + 1) * fs, width.value * fs
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
        xs = (c * lo, a * adv + c * lo, c * hi, a * adv + c * hi)
        ys = (d * lo, b * adv + d * lo, d * hi, b * adv + d * hi)
        top = -(y.value + max(ys))
        angle = pdfium_c.FPDFText_GetCharAngle(tp, i)
        out.append({"text": chr(code), "x0": x.value + min(xs), "x1": x.value + max(xs), "top": top,
                    "bottom": -(y.value + min(ys)), "doctop": top,
                    "upright": angle < _UPRIGHT or angle > 2 * math.pi - _UPRIGHT})
    return out


def _in_box(char: dict, bbox) -> bool:
    """pdfplumber's `Table.extract` test: the character's middle in the box, right and bottom edges out."""
    v_mid = (char["top"] + char["bottom"]) / 2
    h_mid = (char["x0"] + char["x1"]) / 2
    x0, top, x1, bottom = bbox
    return h_mid >= x0 and h_mid < x1 and v_mid >= top and v_mid < bottom


def table_text(table, chars: list[dict], **kwargs: Any) -> list[list[str | None]]:
    """What pdfplumber's `Table.extract(**kwargs)` gives for a table on a page of these characters:
    each cell's characters (in their order) by its text extraction. extract tests every character of the
    page against every row; here only those in the table's box (every row lies inside it) are kept, and a
    row's are looked up among them by bisection on their middles."""
    from pdfplumber import utils

    table_box = table.bbox
    # each character's middles once (_in_box's test, written out below: a call per character and cell
    # was a third of this function's time)
    by_middle = sorted(((c["top"] + c["bottom"]) / 2, i, (c["x0"] + c["x1"]) / 2) for i, c in enumerate(chars)
                       if _in_box(c, table_box))
    middles = [m for m, _, _ in by_middle]
    out: list[list[str | None]] = []
    for row in table.rows:
        box = row.bbox
        near = sorted((i, h, v) for v, i, h in by_middle[bisect.bisect_left(middles, box[1]): bisect.bisect_left(middles, box[3])])
        left, top, right, bottom = box
        row_chars = [(h, v, chars[i]) for i, h, v in near if left <= h < right and top <= v < bottom]
        cells: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                cells.append(None)
                continue
            x0, y0, x1, y1 = cell
            cell_chars = [c for h, v, c in row_chars if x0 <= h < x1 and y0 <= v < y1]
            cells.append(utils.extract_text(cell_chars, **kwargs) if cell_chars else "")
        out.append(cells)
    return out


def ruled_tables(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage,
                 settings: dict[str, Any]) -> list[tuple[Bbox, list[list[str | None]], list[list[Bbox | None]]]]:
    """pdfplumber's `find_tables(settings)` with each table's `extract(x_tolerance, y_tolerance)`,
    computed from pdfium's objects: [(bbox in PDF user space, rows of cell texts, each cell's box as
    the finder measured it: x, and y turned down (-y))]."""
    from pdfplumber.table import TableFinder

    ruling, spaces = _ruling_and_spaces(page)
    edges = _edges(ruling)
    if not edges:
        return []
    found = TableFinder(SimpleNamespace(edges=edges, chars=[], bbox=(0, 0, 0, 0)), settings).tables
    if not found:
        return []
    chars = _chars(textpage) + spaces
    out = []
    for table in found:
        rows = table_text(table, chars, x_tolerance=3, y_tolerance=3)
        x0, top, x1, bottom = table.bbox
        out.append(((x0, -bottom, x1, -top), rows, [list(row.cells) for row in table.rows]))
    return out
