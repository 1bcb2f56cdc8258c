"""Make a "scanned" PDF of a PDF: every page rasterised, then wrapped back as an image-only PDF.

The pages are rendered at DPI (pdftoppm when poppler-utils is installed, the same recipe people use
by hand; pypdfium2 otherwise) as 8-bit grey images and stored JPEG-compressed, as office scanners
do, one image per page, with no text layer at all.

    python tools/make_scan.py in.pdf out.pdf [--dpi 150] [--pages 1,3]

--pages scans only those pages and keeps the others as they were: a mixed PDF (text pages with a
scanned annex).
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["scan_pdf", "rasterise", "main"]


def rasterise(pdf: Path, dpi: int = 150) -> list:
    """PIL images ("L") of every page of `pdf`, at `dpi`."""
    from PIL import Image

    if shutil.which("pdftoppm"):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True)
            files = sorted(Path(tmp).glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
            images = []
            for f in files:
                with Image.open(f) as im:
                    images.append(im.convert("L"))
            return images
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()


def scan_pdf(pdf: str | Path, out: str | Path, dpi: int = 150, pages: set[int] | None = None) -> Path:
    """Write `out`: `pdf` with its pages (all, or the 1-based `pages`) replaced by their scans."""
    pdf, out = Path(pdf), Path(out)
    images = rasterise(pdf, dpi)
    if pages is None:
        images[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
        return out
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(str(pdf))
    dst = pdfium.PdfDocument.new()
    try:
        for i, image in enumerate(images):
            if i + 1 in pages:
                buf = io.BytesIO()
                image.save(buf, "PDF", resolution=dpi)
                one = pdfium.PdfDocument(buf.getvalue())
                dst.import_pages(one)
                one.close()
            else:
                dst.import_pages(src, [i])
        dst.save(str(out))
    finally:
        dst.close()
        src.close()
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf")
    ap.add_argument("out")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--pages", help="comma-separated 1-based pages to scan (default: all)")
    a = ap.parse_args(argv)
    pages = {int(p) for p in a.pages.split(",")} if a.pages else None
    scan_pdf(a.pdf, a.out, a.dpi, pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
