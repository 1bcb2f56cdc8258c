"""`planparse extract FILE --debug-boxes out.pdf`: a copy of the PDF with every fact's boxes drawn on
its pages, a colour per kind, so that anyone can see where each extracted fact was read.

The rectangles are pdfium page objects (FPDFPageObj_CreateNewRect), written into the page's content
by pdfium itself: no hand-made PDF operators.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from ..models import Document

# (red, green, blue) per kind of fact: strong colours that stay visible as thin outlines over print
KIND_COLOURS: dict[str, tuple[int, int, int]] = {
    "clause": (96, 125, 139),
    "target": (211, 47, 47),
    "deadline": (239, 108, 0),
    "agency": (46, 125, 50),
    "measure": (123, 31, 162),
    "task": (0, 131, 143),
}
_STROKE_WIDTH = 0.8
_FILL_ALPHA = 40  # of 255: the text under a box stays readable


def placed_facts(doc: Document) -> Iterator[tuple[str, object]]:
    """(kind, fact) for every fact of the document that has boxes, each once."""
    seen: set[int] = set()
    groups = (
        ("clause", doc.clauses), ("target", doc.targets),
        ("target", [t for c in doc.clauses for t in c.qualitative_targets]), ("deadline", doc.deadlines),
        ("agency", doc.agencies), ("measure", doc.measures), ("task", doc.tasks),
    )
    for kind, facts in groups:
        for fact in facts:
            if fact.bbox and id(fact) not in seen:
                seen.add(id(fact))
                yield kind, fact


def _to_user(box, mediabox, rotation: int) -> tuple[float, float, float, float]:
    """A box on the displayed page (points from its top-left corner) -> PDF user space (left, bottom,
    right, top): the inverse of how the reader measured it."""
    mx0, my0, mx1, my1 = mediabox
    x0, top, x1, bottom = box

    def point(dx: float, dtop: float) -> tuple[float, float]:
        if rotation == 90:
            return dtop + mx0, dx + my0
        if rotation == 180:
            return mx1 - dx, dtop + my0
        if rotation == 270:
            return mx1 - dtop, my1 - dx
        return dx + mx0, my1 - dtop

    (ax, ay), (bx, by) = point(x0, top), point(x1, bottom)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def debug_boxes_pdf(source: Path, doc: Document) -> bytes:
    """The source PDF with each fact's boxes drawn on its pages, as bytes (the caller writes them)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    by_page: dict[int, list[tuple[str, tuple]]] = {}
    for kind, fact in placed_facts(doc):
        for box, page in zip(fact.bbox, fact.bbox_pages):
            by_page.setdefault(page, []).append((kind, box))
    pdf = pdfium.PdfDocument(str(source))
    try:
        for number, boxes in sorted(by_page.items()):
            if not 1 <= number <= len(pdf):
                continue
            page = pdf[number - 1]
            mediabox, rotation = page.get_mediabox(), page.get_rotation()
            for kind, box in boxes:
                left, bottom, right, top = _to_user(box, mediabox, rotation)
                rect = pdfium_c.FPDFPageObj_CreateNewRect(left, bottom, right - left, top - bottom)
                r, g, b = KIND_COLOURS[kind]
                pdfium_c.FPDFPageObj_SetStrokeColor(rect, r, g, b, 255)
                pdfium_c.FPDFPageObj_SetFillColor(rect, r, g, b, _FILL_ALPHA)
                pdfium_c.FPDFPageObj_SetStrokeWidth(rect, _STROKE_WIDTH)
                pdfium_c.FPDFPath_SetDrawMode(rect, pdfium_c.FPDF_FILLMODE_ALTERNATE, True)
                pdfium_c.FPDFPage_InsertObject(page.raw, rect)
            if not pdfium_c.FPDFPage_GenerateContent(page.raw):
                raise OSError(f"pdfium could not write page {number}")
            page.close()
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()
