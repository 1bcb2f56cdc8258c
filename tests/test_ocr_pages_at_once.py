"""Pages of one document OCR'd at once (ingest/ocr.py, issue 24): how many threads, page order and
memory kept whatever the thread count, one page at a time in a batch worker, and (when rapidocr is
installed) the same text read with one thread and with two.

The PDFs are made up here: image-only pages of different widths (the fake engine "reads" a page's
width, so each page's text says which page it came from), or crops of a rendered, scanned plan."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from planparse import ingest
from planparse.ingest import ocr

PAGE_WIDTHS = [200, 240, 280, 320, 360]  # points; rendered at ocr.RENDER_DPI


def _image_pdf(path: Path, widths: list[int]) -> Path:
    """An image-only PDF: one gray picture per page, the page as wide as given."""
    from PIL import Image
    from reportlab.pdfgen import canvas

    picture = path.parent / "gray.png"
    Image.new("L", (40, 40), 180).save(picture)
    c = canvas.Canvas(str(path), invariant=1)
    for width in widths:
        c.setPageSize((width, 300))
        c.drawImage(str(picture), 20, 20, 100, 100)
        c.showPage()
    c.save()
    return path


def _text_of_width(points: int) -> str:
    return "图" + chr(0x4E00 + points)  # a word of its own for every page width: no running header


def _points(pixels: int) -> int:
    return round(pixels * 72 / ocr.RENDER_DPI)


class _FakeEngine:
    """An engine that reads a page's width as its text, slowly enough for pages to overlap, counting
    how many pages it reads at once and how many are rendered and not yet read."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reading = self.most_reading = 0
        self.rendered = self.most_rendered = 0
        self.threads: set[str] = set()

    def render(self, page, dpi=ocr.RENDER_DPI):
        with self.lock:
            self.rendered += 1
            self.most_rendered = max(self.most_rendered, self.rendered)
        return page.render(scale=dpi / 72.0).to_pil()

    def read(self, image, regions):
        with self.lock:
            self.reading += 1
            self.most_reading = max(self.most_reading, self.reading)
            self.threads.add(threading.current_thread().name)
        time.sleep(0.15)
        with self.lock:
            self.reading -= 1
            self.rendered -= 1
        return [(_text_of_width(_points(image.width)), (10.0, 10.0, 200.0, 40.0), 0.95)]


@pytest.fixture
def fake_engine(monkeypatch):
    engine = _FakeEngine()
    monkeypatch.setitem(ocr.ENGINES, "fake", ocr.OcrEngine(lambda: True, lambda image, without_red=None: None, engine.read))
    monkeypatch.setattr(ocr, "find_engine", lambda name=None: "fake")
    monkeypatch.setattr(ocr, "render_for_ocr", engine.render)
    monkeypatch.setattr(ocr, "_pages_at_once_limit", None)  # whatever a test before set for batch
    return engine


def test_pages_at_once_follows_idle_cores_the_variable_and_batch(monkeypatch):
    monkeypatch.setattr(ocr, "_pages_at_once_limit", None)
    monkeypatch.delenv(ocr.PAGES_AT_ONCE_VARIABLE, raising=False)
    monkeypatch.setattr(ocr, "usable_cores", lambda: 4)
    monkeypatch.setattr(ocr.os, "getloadavg", lambda: (0.3, 0.3, 0.3))
    assert ocr.pages_at_once() == 4  # a quiet machine: a page per core
    monkeypatch.setattr(ocr.os, "getloadavg", lambda: (2.2, 2.0, 2.0))
    assert ocr.pages_at_once() == 2  # the cores other work leaves idle
    monkeypatch.setattr(ocr.os, "getloadavg", lambda: (7.5, 6.0, 5.0))
    assert ocr.pages_at_once() == 1  # a busy machine: one page at a time, never none
    monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, "3")
    assert ocr.pages_at_once() == 3  # asked for
    monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, "many")
    assert ocr.pages_at_once() == 1  # not a count: the machine decides
    monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, "3")
    ocr.one_page_at_a_time()
    assert ocr.pages_at_once() == 1  # a batch worker, whatever else says


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_pages_are_read_at_once_handed_back_in_page_order_and_no_more_rendered_than_threads(
        tmp_path, monkeypatch, fake_engine, threads):
    monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, str(threads))
    raw = ingest.read(_image_pdf(tmp_path / "scans.pdf", PAGE_WIDTHS))
    assert [page.lines for page in raw.pages] == [[_text_of_width(w)] for w in PAGE_WIDTHS]
    assert all(page.ocr and page.ocr_seconds > 0 for page in raw.pages)
    assert fake_engine.most_reading == threads  # five pages: every thread had one
    assert fake_engine.most_rendered <= threads  # a page image is made only when a thread can take it
    if threads == 1:
        assert fake_engine.threads == {threading.current_thread().name}  # read where the PDF is read


def test_a_batch_worker_reads_one_page_at_a_time(tmp_path, monkeypatch, fake_engine):
    from planparse.batch.document import DocumentTask, process_document

    monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, "3")
    path = _image_pdf(tmp_path / "scans.pdf", PAGE_WIDTHS)
    result = process_document(DocumentTask(0, str(path), "json", None, None))
    assert result.ok and result.ocr_pages == len(PAGE_WIDTHS)
    assert fake_engine.most_reading == 1  # documents run in parallel in batch: their pages do not
    assert ocr.pages_at_once() == 1


def test_a_failed_page_stops_the_document_with_the_other_pages_threads(tmp_path, monkeypatch, fake_engine):
    """An image the engine cannot read is the document's one-line error (a damaged page), raised
    from the thread that read it; the threads are gone afterwards."""
    from planparse.errors import CorruptFileError

    monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, "2")
    read = fake_engine.read

    def fails_on_the_third(image, regions):
        if _points(image.width) == PAGE_WIDTHS[2]:
            raise ValueError("cannot decode")
        return read(image, regions)

    monkeypatch.setitem(ocr.ENGINES, "fake", ocr.OcrEngine(lambda: True, lambda image, without_red=None: None,
                                                          fails_on_the_third))
    with pytest.raises(CorruptFileError, match=r"page 3: ValueError"):
        ingest.read(_image_pdf(tmp_path / "scans.pdf", PAGE_WIDTHS))
    assert not any(t.name.startswith("planparse-ocr") for t in threading.enumerate())


@pytest.mark.ocr
@pytest.mark.slow
@pytest.mark.skipif(not ocr._rapidocr_available(), reason="rapidocr-onnxruntime is not installed (pip install 'planparse[ocr]')")
def test_the_same_text_whatever_the_thread_count(tmp_path, monkeypatch):
    """rapidocr on three image pages (bands of a scanned plan), with one thread and with two: the same
    lines, boxes and confidences, page by page (one onnxruntime thread per call, the same inputs)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from tools.make_scan import rasterise
    from tools.render_pdf import render_text_pdf

    monkeypatch.setattr(ocr, "_pages_at_once_limit", None)
    plan = tmp_path / "plan.pdf"
    render_text_pdf([("para", "某某市河湖保护行动方案"), ("para", "一、工作目标"),
                     ("para", "到2026年，全市重点河湖水质优良比例达到90%以上，基本消除劣V类水体。"),
                     ("para", "（一）加强源头治理。全面排查入河排污口，完成排污口规范化整治120个。"),
                     ("para", "（二）推进生态修复。2025年底前建成生态缓冲带15公里，恢复自然岸线。")], plan)
    page = rasterise(plan, 150)[0]
    w, h = A4
    path = tmp_path / "bands.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for k in range(3):
        band = page.crop((0, 150 + 90 * k, page.width, 150 + 90 * k + page.height // 6))
        band.save(tmp_path / f"band{k}.png")
        c.drawImage(str(tmp_path / f"band{k}.png"), 0, h - h / 6, w, h / 6)
        c.showPage()
    c.save()

    def read_with(threads: int) -> str:
        monkeypatch.setenv(ocr.PAGES_AT_ONCE_VARIABLE, str(threads))
        raw = ingest.read(path)
        return json.dumps([(p.lines, [repr(b) for b in p.boxes or []], p.ocr_confidence) for p in raw.pages],
                          ensure_ascii=False)

    one, two = read_with(1), read_with(2)
    assert "河湖" in one or "源头治理" in one or "工作目标" in one  # text was read
    assert one == two
