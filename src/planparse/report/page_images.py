"""`planparse report --pages`: each page of the PDF as an image the report embeds (a data: URI, so the
file stays one file that works from file://), small enough that a long plan stays a reasonable file.
"""
from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from pathlib import Path

# A page is at most this many bytes once encoded; it is first rendered this wide (pixels), which
# keeps a 小四 (12 pt) character about 18 pixels high on an A4 page: legible beside the text.
PAGE_BUDGET = 150_000
_FIRST_WIDTH = 900
_QUALITIES = (55, 40, 30)
_SHRINK = 0.8  # each further try renders this much narrower
_MIN_WIDTH = 400


@dataclass(frozen=True)
class PageImage:
    """One rendered page: its number, its size as displayed in points (the boxes' frame), the image."""

    number: int
    width: float
    height: float
    pixel_width: int
    pixel_height: int
    data_uri: str


def _encoded(page, width_px: int, quality: int) -> tuple[bytes, tuple[int, int]]:
    width_pt = page.get_width()
    image = page.render(scale=width_px / width_pt).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue(), image.size


def render_pages(path: Path, budget: int = PAGE_BUDGET) -> list[PageImage]:
    """Every page of the PDF at `path`, each encoded within `budget` bytes (narrower and coarser until it fits)."""
    import pypdfium2 as pdfium

    pages: list[PageImage] = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                width_px = _FIRST_WIDTH
                while True:
                    for quality in _QUALITIES:
                        data, (pw, ph) = _encoded(page, width_px, quality)
                        if len(data) <= budget:
                            break
                    if len(data) <= budget or width_px <= _MIN_WIDTH:
                        break
                    width_px = int(width_px * _SHRINK)
                uri = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
                pages.append(PageImage(index + 1, page.get_width(), page.get_height(), pw, ph, uri))
            finally:
                page.close()
    finally:
        pdf.close()
    return pages
