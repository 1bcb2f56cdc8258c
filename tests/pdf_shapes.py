"""PDFs drawn line by line with reportlab, in the shapes real producers give (WPS, Word, web prints,
OCR rebuilds): exact geometry, so that each test says which layout it reads.

A page is a list of drawing steps; text lines are placed where a producer would put them (wrapped at
the right margin, indented two characters, centred titles), rules and filled boxes where it draws them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
SIZE = 15.0
LEADING = 26.0
LEFT = 80.0
RIGHT = A4[0] - 75.0
TOP = A4[1] - 90.0
BOTTOM = 80.0

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def chars_per_line(size: float = SIZE) -> int:
    return int((RIGHT - LEFT) // size)


def wrap(text: str, indent: int = 2, size: float = SIZE) -> list[tuple[float, str]]:
    """A paragraph wrapped as a word processor does: first line indented, every line but the last
    running to the right margin. Returns (x, text) per line."""
    width = chars_per_line(size)
    out, first = [], True
    while text:
        room = width - (indent if first else 0)
        out.append((LEFT + (indent * size if first else 0), text[:room]))
        text, first = text[room:], False
    return out


@dataclass
class Page:
    lines: list[tuple[float, float, str, float]] = field(default_factory=list)  # x, y, text, size
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1
    boxes: list[tuple[float, float, float, float, tuple[float, float, float]]] = field(default_factory=list)
    links: list[tuple[float, float, float, float, str]] = field(default_factory=list)


class Writer:
    """Flows paragraphs down pages; tables and boxes are drawn at the current height."""

    def __init__(self, page_number: str | None = "— {n} —"):
        self.pages: list[Page] = [Page()]
        self.y = TOP
        self.page_number = page_number

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def line(self, x: float, text: str, size: float = SIZE, leading: float = LEADING) -> None:
        self.need(leading)
        self.page.lines.append((x, self.y, text, size))
        self.y -= leading

    def centred(self, text: str, size: float = 20.0, leading: float = 34.0) -> None:
        width = pdfmetrics.stringWidth(text, FONT, size)
        self.line((LEFT + RIGHT - width) / 2, text, size, leading)

    def para(self, text: str, indent: int = 2) -> None:
        for x, piece in wrap(text, indent):
            self.line(x, piece)

    def gap(self, height: float = LEADING / 2) -> None:
        self.y -= height

    def ruled_table(self, rows: list[list[str]], widths: list[float], size: float = 10.5,
                    merges: dict[tuple[int, int], tuple[int, int]] | None = None) -> None:
        """A fully ruled grid. A cell's text wraps inside its column (a wrapped cell is one row, taller);
        `merges` maps a cell (row, col) to the (rows, cols) it spans: the rules inside the span are not drawn."""
        merges = merges or {}
        covered = {(r + i, c + j) for (r, c), (nr, nc) in merges.items() for i in range(nr) for j in range(nc)} - set(merges)
        lead = size * 1.4
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)

        def cell_lines(text: str, width: float) -> list[str]:
            per = max(1, int((width - 6) // size))
            return [text[i:i + per] for i in range(0, len(text), per)] or [""]

        heights = []
        for r, row in enumerate(rows):
            n = 1
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                span_c = merges.get((r, c), (1, 1))[1]
                n = max(n, len(cell_lines(text, xs[c + span_c] - xs[c])))
            heights.append(n * lead + 8)
        self.need(sum(heights[:3]))
        top = self.y
        ys = [top]
        for h in heights:
            ys.append(ys[-1] - h)
        page = self.page
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                if (r, c) in covered:
                    continue
                nr, nc = merges.get((r, c), (1, 1))
                x0, x1, y0, y1 = xs[c], xs[c + nc], ys[r], ys[r + nr]
                for k, piece in enumerate(cell_lines(text, x1 - x0)):
                    page.lines.append((x0 + 3, y0 - 4 - size - k * lead, piece, size))
                # the cell's own four sides; shared sides drawn twice, as producers do
                page.rules += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
        self.y = ys[-1] - LEADING

    def save(self, path: Path, *, white_boxes_behind_lines: bool = False) -> Path:
        c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        for n, page in enumerate(self.pages, 1):
            for x0, y0, x1, y1, rgb in page.boxes:
                c.setFillColorRGB(*rgb)
                c.rect(x0, y0, x1 - x0, y1 - y0, stroke=0, fill=1)
            if white_boxes_behind_lines:
                # web/WPS exports paint a white box behind every line of text, edge to edge
                c.setFillColorRGB(1, 1, 1)
                for x, y, text, size in page.lines:
                    c.rect(LEFT - 4, y - size * 0.35, RIGHT - LEFT + 8, size * 1.5, stroke=0, fill=1)
            c.setFillColorRGB(0, 0, 0)
            c.setLineWidth(0.6)
            for x0, y0, x1, y1 in page.rules:
                c.line(x0, y0, x1, y1)
            for x, y, text, size in page.lines:
                c.setFont(FONT, size)
                c.drawString(x, y, text)
            for x0, y0, x1, y1, url in page.links:
                c.linkURL(url, (x0, y0, x1, y1))
            if self.page_number:
                c.setFont(FONT, 12)
                c.drawCentredString(A4[0] / 2, 45, self.page_number.format(n=n))
            c.showPage()
        c.save()
        return path
