"""Where a fact stands in its source: the normalised text's offsets mapped back to the lines they were
read from, and each line's box cut to the fact's characters.

Normalising joins a paragraph's cleaned lines in order, with at most one space between two of them
(NormalText.source_lines keeps each line and the paragraph it went into). Walking a paragraph's
lines along its text gives every line the offsets it occupies; a fact's span then falls on one or
more lines, and on each the part of the line box its characters take. Readers give line boxes, not
glyph positions: the part is the characters' share of the line's rendered width (a CJK character
one unit, an ASCII one half), which a page set in one CJK font follows closely.

Pure functions over NormalText: computed once per document at assembly, only for the facts.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from .ingest.base import LineBox
from .normalise import NormalText, visual_width

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: PDF points from the page's top-left corner


@dataclass(frozen=True, slots=True)
class LinePiece:
    """One source line's place in the normalised text (offsets [start, end)) and on its page."""

    start: int
    end: int
    text: str
    page: int | None
    box: LineBox | None
    paragraph: int | None


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a span stands: its first page and source paragraph, and one box per line it covers
    with the page of each (a span that runs over a page break has boxes on two pages)."""

    page: int | None = None
    bbox: list[Box] | None = None
    bbox_pages: list[int] | None = None
    paragraph: int | None = None


NOWHERE = Placement()


def line_pieces(nt: NormalText) -> list[LinePiece]:
    """Every non-empty source line with the offsets its text occupies in nt.text, in text order.
    A line whose text cannot be found where its paragraph puts it is left out (it places nothing)."""
    text = nt.text
    pieces: list[LinePiece] = []
    para = -1
    pos = 0
    for sl in nt.source_lines:
        if not sl.text:
            continue
        if sl.offset != para:
            para, pos = sl.offset, sl.offset
        n = len(sl.text)
        if text.startswith(sl.text, pos):
            start = pos
        elif text.startswith(sl.text, pos + 1) and text[pos] == " ":  # the space that joined two Latin words
            start = pos + 1
        else:
            stop = text.find("\n", pos)
            found = text.find(sl.text, pos, stop if stop >= 0 else len(text))
            if found < 0:
                continue
            start = found
        pieces.append(LinePiece(start, start + n, sl.text, sl.page, sl.box, sl.paragraph))
        pos = start + n
    return pieces


# The share of the width is an estimate (a Latin letter or a full-width mark is not exactly half or one
# CJK character wide, and gaps between table-like runs are squeezed to a space): each cut reaches this
# many character heights further, so a box never clips the first or last character it stands for.
_EDGE_ALLOWANCE = 0.2


def cut_box(piece: LinePiece, start: int, end: int) -> Box | None:
    """The part of the piece's line box taken by its characters [start, end) (offsets in nt.text)."""
    box = piece.box
    if box is None:
        return None
    i, j = max(start, piece.start) - piece.start, min(end, piece.end) - piece.start
    if i == 0 and j >= len(piece.text) and box.size > 0:
        # the whole line (a long span's inner lines): its box, which the cut below gives too, clamped
        return _rounded((box.x0, box.top, box.x1, box.bottom))
    whole = visual_width(piece.text)
    width = box.x1 - box.x0
    if whole <= 0 or width <= 0:
        return _rounded((box.x0, box.top, box.x1, box.bottom))
    # widths are whole or half characters, exact in a float: the rest of the line is what it takes
    # from the whole (most spans take a line from its start or to its end, or all of it)
    before = visual_width(piece.text[:i]) if i else 0.0
    inside = whole - before if j >= len(piece.text) else visual_width(piece.text[i:j])
    x0 = max(box.x0, box.x0 + width * before / whole - _EDGE_ALLOWANCE * box.size)
    x1 = min(box.x1, box.x0 + width * (before + inside) / whole + _EDGE_ALLOWANCE * box.size)
    return _rounded((x0, box.top, x1, box.bottom))


def _rounded(box: Box) -> Box:
    return (round(box[0], 1), round(box[1], 1), round(box[2], 1), round(box[3], 1))


class Locator:
    """Placements of spans of one normalised text (its line pieces computed once)."""

    def __init__(self, nt: NormalText):
        # a text read without pages, boxes or paragraphs (plain text, markdown) places every span NOWHERE:
        # its pieces, one object per line, are not built
        placed = any(sl.page is not None or sl.box is not None or sl.paragraph is not None for sl in nt.source_lines)
        self.pieces = line_pieces(nt) if placed else []
        self._starts = [p.start for p in self.pieces]

    def place(self, span: tuple[int, int] | None) -> Placement:
        if span is None or not self.pieces:
            return NOWHERE
        start, end = span
        if end <= start:
            return NOWHERE
        i = max(bisect.bisect_right(self._starts, start) - 1, 0)
        boxes: list[Box] = []
        pages: list[int] = []
        first: LinePiece | None = None
        while i < len(self.pieces) and self.pieces[i].start < end:
            piece = self.pieces[i]
            i += 1
            if piece.end <= start:
                continue
            first = first or piece
            box = cut_box(piece, start, end)
            if box is not None and piece.page is not None:
                boxes.append(box)
                pages.append(piece.page)
        if first is None:
            return NOWHERE
        return Placement(page=pages[0] if pages else first.page, bbox=boxes or None, bbox_pages=pages or None,
                         paragraph=first.paragraph)


def merge_lines(placements: list[Placement]) -> Placement:
    """One placement covering several (a task row's cells): boxes on the same page and line joined."""
    rows: dict[tuple[int, float, float], list[float]] = {}
    paragraph = None
    for pl in placements:
        paragraph = paragraph if paragraph is not None else pl.paragraph
        for box, page in zip(pl.bbox or (), pl.bbox_pages or ()):
            key = (page, box[1], box[3])
            if key in rows:
                rows[key] = [min(rows[key][0], box[0]), max(rows[key][1], box[2])]
            else:
                rows[key] = [box[0], box[2]]
    if not rows:
        return Placement(page=next((pl.page for pl in placements if pl.page is not None), None), paragraph=paragraph)
    keys = sorted(rows, key=lambda k: (k[0], k[1]))
    return Placement(page=keys[0][0], bbox=[(rows[k][0], k[1], rows[k][1], k[2]) for k in keys],
                     bbox_pages=[k[0] for k in keys], paragraph=paragraph)
