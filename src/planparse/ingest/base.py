"""The one interface every format reader returns: text in reading order, page by page, plus tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# A line's box on its page: (x0, top, x1, bottom) in PDF points, origin at the top-left of the page.
Box = tuple[float, float, float, float]


@dataclass
class RawTable:
    """A table found geometrically (PDF ruling lines, docx/html table elements).

    rows: cell texts, row by row, as read (merged cells appear as None or "" where the
    source had no text; the table stage carries values down).
    """

    rows: list[list[str | None]]
    page: int | None = None  # 1-based page of the table's first row, None for paged-less formats
    # Offset of the table in the page/paragraph text stream: index of the line in RawPage.lines
    # before which the table stands (tables are kept out of `lines`).
    line_index: int | None = None
    # Each cell's box on the displayed page (same shape as `rows`; None for a cell merged away), where
    # the reader measured it (ruled PDF tables): where a fact read from a cell stands.
    cell_boxes: list[list[Box | None]] | None = None


@dataclass
class LineBox:
    """Where a visual line of a PDF page sits (points; x to the right, top/bottom measured down the
    page) and the height of its characters: what re-joining lines and finding page furniture read."""

    x0: float
    x1: float
    top: float
    bottom: float
    size: float


def line_box(box: Box) -> LineBox:
    """A LineBox from a (x0, top, x1, bottom) box whose height is its characters' size (OCR, OFD)."""
    x0, top, x1, bottom = box
    return LineBox(x0=x0, x1=x1, top=top, bottom=bottom, size=max(bottom - top, 0.0))


# ------------------------------------------------------------------------------------------ OCR types
# Here rather than in ocr.py: the PDF and OFD readers, the pipeline and the API speak of OCR modes and
# OCR'd lines without loading the OCR step itself (ingest/ocr.py imports base, never the other way).

OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[str, ...] = ("auto", "always", "never")


class OcrLine(str):
    """A line of OCR'd text that carries its box (points, top-left origin) and the engine's confidence.

    A str, so the PDF reader's page-furniture passes handle it like any extracted line."""

    box: Box
    confidence: float

    def __new__(cls, text: str, box: Box, confidence: float) -> "OcrLine":
        obj = super().__new__(cls, text)
        obj.box = box
        obj.confidence = confidence
        return obj


@dataclass
class OcrPage:
    """What OCR read on one page image."""

    items: list[OcrLine | RawTable]  # lines and ruled tables in reading order, as the PDF reader's items
    confidence: float | None  # mean over the lines, weighted by their length; None when nothing was read
    engine: str

    @property
    def lines(self) -> list[OcrLine]:
        return [it for it in self.items if isinstance(it, OcrLine)]


@dataclass
class RawPage:
    """One page (PDF) or the whole document (txt/docx/html) as lines in reading order."""

    number: int | None  # 1-based page number for PDF, None otherwise
    lines: list[str]
    tables: list[RawTable] = field(default_factory=list)
    # The box of each line (same length as `lines`) where the reader knows it (PDF text and OCR'd
    # pages, OFD); None when the reader has no geometry.
    boxes: list[LineBox] | None = None
    # Indices of lines that start a block of the source (a markdown paragraph, heading or list
    # item): a paragraph never runs across one. None: the source has no such structure.
    paragraph_starts: list[int] | None = None
    # For each line (same length as `lines`), the 0-based index of the source paragraph it comes from
    # (a Word body paragraph, empty ones counted); None when the source has no such paragraphs.
    paragraph_numbers: list[int] | None = None
    # The page's text comes from OCR (no text layer, a garbled one, or --ocr always) and how sure the
    # engine was of it (mean line confidence, 0..1).
    ocr: bool = False
    ocr_confidence: float | None = None
    ocr_seconds: float | None = None  # how long the page's OCR took (wall time)


@dataclass
class RawDocument:
    path: str
    format: str  # "pdf" | "txt" | "docx" | "html" | "markdown" | "doc" | "wps" | "rtf" | "ofd"
    sha256: str
    pages: list[RawPage]
    page_count: int | None = None  # number of PDF pages, else None
    # True when each line is already a whole paragraph (docx, html): normalise must not re-join.
    lines_are_paragraphs: bool = False
    encoding: str | None = None  # detected encoding for txt
    # (code, message) of what reading had to repair: invalid bytes, lone surrogates, control characters.
    warnings: list[tuple[str, str]] = field(default_factory=list)
    # Fields of a front matter or page header (标题, 文号, 发布机构…): not document text; the meta
    # stage uses them only for what the document itself does not say.
    header: dict[str, str] = field(default_factory=dict)
    # Reader notes for the output's warnings: (code, message, page or None) — garbled text layers,
    # pages not OCR'd, low OCR confidence.
    notes: list[tuple[str, str, int | None]] = field(default_factory=list)
