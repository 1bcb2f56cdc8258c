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

from .base import LineBox

__all__ = ["Glyph", "PageLine", "lines_from_glyphs", "quadrant", "to_reading"]

Glyph = tuple[float, float, float, float, str]  # x0, x1, y0 (bottom), y1 (top), character

# A gap between two characters of a line of at least this fraction of the line's height (ascent to
# descent: about 1.2 em) is a space; a Latin space is a quarter em or more.
_SPACE_GAP = 0.12
# Two characters are on the same line when their vertical centres are closer than this fraction of
# the taller one's height (sub- and superscripts such as PM2.5 stay on their line).
_SAME_LINE = 0.5
_QUARTER = math.pi / 2


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
    group.sort()
    heights = sorted(g[3] - g[2] for g in group)
    size = heights[len(heights) // 2]
    min_gap = _SPACE_GAP * size
    parts: list[str] = []
    prev_x1 = None
    for x0, x1, _, _, ch in group:
        if prev_x1 is not None and x0 - prev_x1 >= min_gap:
            parts.append(" ")
        parts.append(ch)
        prev_x1 = x1
    top = max(g[3] for g in group)
    bottom = min(g[2] for g in group)
    right = max(g[1] for g in group)
    return PageLine("".join(parts), LineBox(x0=group[0][0], x1=right, top=-top, bottom=-bottom, size=size))


def lines_from_glyphs(glyphs: list[Glyph]) -> list[PageLine]:
    """Visual lines, top to bottom, each sorted left to right (glyphs in reading coordinates)."""
    if not glyphs:
        return []
    order = sorted(glyphs, key=lambda g: -(g[2] + g[3]))
    groups: list[list[Glyph]] = []
    centre = height = 0.0
    for gl in order:
        cy = (gl[2] + gl[3]) / 2
        h = max(gl[3] - gl[2], 1e-3)
        if groups and abs(centre - cy) < _SAME_LINE * (height if height > h else h):
            groups[-1].append(gl)
            if h > height:
                height = h
            continue
        groups.append([gl])
        centre, height = cy, h
    return [_line(grp) for grp in groups]
