"""The one interface every format reader returns: text in reading order, page by page, plus tables."""
from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class RawPage:
    """One page (PDF) or the whole document (txt/docx/html) as lines in reading order."""

    number: int | None  # 1-based page number for PDF, None otherwise
    lines: list[str]
    tables: list[RawTable] = field(default_factory=list)
    # Indices of lines that start a block of the source (a markdown paragraph, heading or list
    # item): a paragraph never runs across one. None: the source has no such structure.
    paragraph_starts: list[int] | None = None


@dataclass
class RawDocument:
    path: str
    format: str  # "pdf" | "txt" | "docx" | "html" | "markdown"
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
