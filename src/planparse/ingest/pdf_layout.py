"""Lines of a PDF page from positioned characters, in reading order, with where each line sits.

The order of a PDF's content stream is not the order of its text: office suites write a quote mark
or a Latin run in another font as a separate object after the line it belongs to, and pdfium's text
stream then puts it at the end of the line (`研究制定 两高 项目管理目 “ ”`). Here the characters are
grouped into visual lines by their vertical position and sorted along the line, and the gaps between
them are measured: a gap of a seventh of an em or more is a space (between Latin words, and
between the cells of a table drawn without ruling, where it is all that is left of the grid).

Coordinates are reading coordinates: x grows along the text, y grows up the page (PDF user space
turned so that the page's text runs left to right). `LineBox` turns y around (top-down), as people
describe a page. A glyph is a plain tuple (x0, x1, y0, y1, char): pages have thousands of them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from .. import compiled
from .base import LineBox

__all__ = ["COLUMN_SPLIT_MIN", "Glyph", "PageLine", "WRITTEN_SPACE", "lines_from_glyphs", "lines_of_records", "quadrant", "to_reading"]

# A space character the producer wrote (not one a gap suggests): a glyph of its own, read as " ".
WRITTEN_SPACE = " "

Glyph = tuple[float, float, float, float, str]  # x0, x1, y0 (bottom), y1 (top), character

# A gap between two characters of a line of at least this fraction of the line's height (ascent to
# descent: about 1.2 em) is a space; a Latin space is a quarter em or more.
_SPACE_GAP = 0.12
# Two characters are on the same line when their vertical centres are closer than this fraction of
# the taller one's height (sub- and superscripts such as PM2.5 stay on their line).
_SAME_LINE = 0.5
_QUARTER = math.pi / 2
# Inside a number a gap is a space only from this fraction of the line's height: a text layer rebuilt
# by OCR lays each digit where it was seen, and `2 0 2 5` is the year 2025. The cells of a borderless
# table stand much further apart.
_DIGIT_GAP = 0.6


def _in_number(before: str, after: str) -> bool:
    return before.isdigit() and (after.isdigit() or after in ".%")


@dataclass(slots=True)
class PageLine:
    """One visual line: its text (gaps as spaces) and its box in top-down page coordinates."""

    text: str
    box: LineBox


def quadrant(angle: float) -> int:
    """0, 1, 2, 3 for text running right, up, left, down, from pdfium's character angle (radians,
    measured clockwise; negative when unknown)."""
    if angle < 0:
        return 0
    return -int(round(angle / _QUARTER)) % 4


def to_reading(q: int, left: float, right: float, bottom: float, top: float) -> tuple[float, float, float, float]:
    """A box in user space -> (x0, x1, y0, y1) in the reading coordinates of text of quadrant q."""
    if q == 0:
        return left, right, bottom, top
    if q == 1:  # text runs up: x along the text is user y, up is user -x
        return bottom, top, -right, -left
    if q == 2:
        return -right, -left, -top, -bottom
    return -top, -bottom, left, right  # q == 3: text runs down


def _line(group: list[Glyph]) -> PageLine:
    twin = compiled.SPEEDUPS
    parts = twin.line_parts(group) if twin is not None else None
    if parts is None:
        return _line_python(group)
    text, x0, x1, top, bottom, size = parts
    return PageLine(text, LineBox(x0=x0, x1=x1, top=top, bottom=bottom, size=size))


def _line_python(group: list[Glyph]) -> PageLine:
    group.sort()
    # a written space at either end of a line (after its last number) takes no room in it
    if (group[0][4] == WRITTEN_SPACE or group[-1][4] == WRITTEN_SPACE) and any(g[4] != WRITTEN_SPACE for g in group):
        while group[0][4] == WRITTEN_SPACE:
            group.pop(0)
        while group[-1][4] == WRITTEN_SPACE:
            group.pop()
    heights = sorted([g[3] - g[2] for g in group])
    size = heights[len(heights) // 2]
    min_gap = _SPACE_GAP * size
    digit_gap = _DIGIT_GAP * size
    least_gap = min(min_gap, digit_gap)  # most neighbours stand closer than either: no test of the pair
    parts: list[str] = []
    spaced = True  # the text so far is empty or ends with a space: no second one
    prev_x1 = None
    prev_ch = ""
    for x0, x1, _, _, ch in group:
        if ch == WRITTEN_SPACE:
            if not spaced:
                parts.append(" ")
                spaced = True
            prev_x1, prev_ch = x1, ch
            continue
        if (prev_x1 is not None and not spaced and x0 - prev_x1 >= least_gap
                and x0 - prev_x1 >= (digit_gap if _in_number(prev_ch, ch) else min_gap)):
            parts.append(" ")
        parts.append(ch)
        spaced = False
        prev_x1, prev_ch = x1, ch
    top = max([g[3] for g in group])
    bottom = min([g[2] for g in group])
    right = max([g[1] for g in group])
    return PageLine("".join(parts), LineBox(x0=group[0][0], x1=right, top=-top, bottom=-bottom, size=size))


# Two columns of prose: a gutter at least this many em wide, crossed by no line of the band, with at
# least this many glyphs on each side in most of its lines ...
_GUTTER_EM = 1.2
_COLUMN_MIN_GLYPHS = 8
_COLUMN_MIN_LINES = 6
COLUMN_SPLIT_MIN = 2 * _COLUMN_MIN_GLYPHS  # the fewest glyphs of a line that may hold both columns
# ... the left column's lines ending, the right one's starting and ending within this many em of one
# another (justified text; the cells of a borderless table are ragged) ...
_COLUMN_ALIGN_EM = 1.0
_COLUMN_ALIGNED_SHARE = 0.6  # a paragraph's last line ends short: one line in four or five
# ... and the two columns about as wide as each other (a table's label and text columns are not).
_COLUMN_WIDTH_RATIO = 1.6


def _widest_gap(group: list[Glyph]) -> tuple[float, float, int]:
    """(left, right, index of the first glyph after it) of the widest gap between neighbours."""
    twin = compiled.SPEEDUPS
    found = twin.widest_gap(group) if twin is not None else None
    return found if found is not None else _widest_gap_python(group)


def _widest_gap_python(group: list[Glyph]) -> tuple[float, float, int]:
    gaps = [b[0] - a[1] for a, b in zip(group, group[1:])]
    if not gaps:
        return (0.0, 0.0, 0)
    i = gaps.index(max(gaps))  # the first of the widest
    if not gaps[i] > 0.0:
        return (0.0, 0.0, 0)
    return (group[i][1], group[i + 1][0], i + 1)


def _gutter(groups: list[list[Glyph]]) -> float | None:
    """The x of the gutter between two columns of prose on this page, or None (one column, a table)."""
    splits = []
    for grp in groups:
        if len(grp) < COLUMN_SPLIT_MIN:
            continue  # too short to hold both columns
        split = _column_split(len(grp), _widest_gap(grp), _line_size(grp), grp[0][0], grp[-1][1])
        if split is not None:
            splits.append(split)
    return _gutter_of(splits)


def _column_split(count: int, gap: tuple[float, float, int], size: float, start: float, end: float):
    """(left, right, size, start, end) of a line of `count` glyphs whose widest gap (left, right, index of
    the glyph after it) may part two columns, else None; size: the median height of its glyphs, start
    and end: its first glyph's x0 and its last one's x1."""
    left, right, i = gap
    if i < _COLUMN_MIN_GLYPHS or count - i < _COLUMN_MIN_GLYPHS:
        return None
    return (left, right, size, start, end) if right - left >= _GUTTER_EM * size else None


def _gutter_of(splits: list[tuple[float, float, float, float, float]]) -> float | None:
    """The gutter the lines' splits agree on (_column_split of each line that has one), or None."""
    if len(splits) < _COLUMN_MIN_LINES:
        return None
    centres = sorted((sp[0] + sp[1]) / 2 for sp in splits)
    centre = centres[len(centres) // 2]
    inside = [sp for sp in splits if sp[0] < centre < sp[1]]
    if len(inside) < _COLUMN_MIN_LINES:
        return None
    size = sorted(x[2] for x in inside)[len(inside) // 2]
    ends = sorted(sp[0] for sp in inside)
    starts = sorted(sp[1] for sp in inside)
    tol = _COLUMN_ALIGN_EM * size
    aligned = lambda xs: max(sum(1 for x in xs if abs(x - ref) <= tol) for ref in xs)  # noqa: E731
    if min(aligned(ends), aligned(starts), aligned([sp[4] for sp in inside])) < _COLUMN_ALIGNED_SHARE * len(inside):
        return None
    left_width = ends[len(ends) // 2] - min(sp[3] for sp in inside)
    right_width = max(sp[4] for sp in inside) - starts[len(starts) // 2]
    if min(left_width, right_width) <= 0 or max(left_width, right_width) / min(left_width, right_width) > _COLUMN_WIDTH_RATIO:
        return None
    return centre


def _line_size(group: list[Glyph]) -> float:
    heights = sorted(g[3] - g[2] for g in group)
    return heights[len(heights) // 2]


def _crosses(group: list[Glyph], x: float) -> bool:
    return any(g[0] < x < g[1] for g in group)


def _in_columns(groups: list[list[Glyph]]) -> list[list[Glyph]]:
    """Lines of a two-column page in reading order: each run of lines that no line crosses the gutter
    in is read down its left column, then down its right one; a title across both stays where it is.
    The right column's lines are moved onto the left one's (x only): a line's width and indent are
    then measured against its own column, as re-joining lines into paragraphs needs."""
    gutter = _gutter(groups)
    if gutter is None:
        return groups
    left_edge = min(g[0] for grp in groups for g in grp if g[1] <= gutter)
    right_edge = min(g[0] for grp in groups for g in grp if g[0] >= gutter)
    shift = right_edge - left_edge
    out: list[list[Glyph]] = []
    left: list[list[Glyph]] = []
    right: list[list[Glyph]] = []
    for grp in groups:
        if _crosses(grp, gutter):
            out += left + right + [grp]
            left, right = [], []
            continue
        a = [g for g in grp if g[1] <= gutter]
        b = [(g[0] - shift, g[1] - shift, g[2], g[3], g[4]) for g in grp if g[0] >= gutter]
        if a:
            left.append(a)
        if b:
            right.append(b)
    return out + left + right


def _visual_lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """The glyphs grouped into visual lines, top to bottom, each group sorted left to right."""
    order = sorted(glyphs, key=lambda g: -(g[2] + g[3]))
    groups: list[list[Glyph]] = []
    centre = height = 0.0
    group: list[Glyph] = []
    for gl in order:
        cy = (gl[2] + gl[3]) / 2
        h = gl[3] - gl[2]
        if h < 1e-3:
            h = 1e-3
        if group and -(reach := _SAME_LINE * (height if height > h else h)) < centre - cy < reach:
            group.append(gl)
            if h > height:
                height = h
            continue
        group = [gl]
        groups.append(group)
        centre, height = cy, h
    for grp in groups:
        grp.sort()
    return groups


def lines_of_records(records: list[tuple]) -> list[PageLine] | None:
    """The lines _speedups.page_lines built from a quadrant's glyphs (each record: text, x0, x1, top,
    bottom, size, then what _column_split asks of the line); None on a page set in two columns, whose
    lines lines_from_glyphs rebuilds from the glyphs, column by column."""
    splits = [split for r in records if r[6] >= COLUMN_SPLIT_MIN
              and (split := _column_split(r[6], (r[7], r[8], r[9]), r[10], r[11], r[12])) is not None]
    if _gutter_of(splits) is not None:
        return None
    return [PageLine(r[0], LineBox(x0=r[1], x1=r[2], top=r[3], bottom=r[4], size=r[5])) for r in records]


def lines_from_glyphs(glyphs: list[Glyph]) -> list[PageLine]:
    """Visual lines, top to bottom, each sorted left to right (glyphs in reading coordinates); on a
    page set in two columns, down the left column first."""
    if not glyphs:
        return []
    twin = compiled.SPEEDUPS
    groups = twin.visual_lines(glyphs) if twin is not None else None
    if groups is None:  # no compiled twin, or glyphs it does not take (not plain floats): the same in Python
        groups = _visual_lines(glyphs)
    return [_line(grp) for grp in _in_columns(groups)]
