"""The glyph cache (_glyph_cache.c) changes how fast pdfium measures characters, never what it measures.

The cache sits in pdfium's own table of FreeType calls while planparse reads PDFs; each test reads the
same pages with it and without it (taken out with `uninstall()` and put back after) and compares every
box pdfium gives: each character's tight box (the one FreeType's glyph metrics make), its loose box, each
page object's bounds, a rendered page, and the Document. It is built where `_speedups` is (a C compiler
at install time) and works on Linux; elsewhere these tests are skipped with that reason.
"""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from planparse import compiled
from planparse.ingest import pdf as pdf_reader
from planparse.pipeline import extract_file

from conftest import CLI_ENV

CACHE = compiled.GLYPH_CACHE
_NOT_HERE = ("planparse._glyph_cache is not built (no C compiler at install time, PLANPARSE_PURE_PYTHON or "
             "PLANPARSE_GLYPH_CACHE=0 set) or cannot work here (not Linux on a 64-bit system)")
needs_cache = pytest.mark.skipif(CACHE is None or not CACHE.SUPPORTED, reason=_NOT_HERE)

FIXTURES = Path(__file__).parent / "fixtures"
PDFS = sorted(FIXTURES.glob("*/*.pdf"))
# real PDFs whose text is Chinese in embedded CID fonts (the case the cache is for), from tests/fixtures/real
CJK = [FIXTURES / "real" / "036_miit-env-equipment-actionplan-2022-2025.pdf",
       FIXTURES / "real" / "039_jinan-appliance-tradein-subsidy-rules.pdf",
       FIXTURES / "real" / "014_shanghai-low-carbon-demo-notice.pdf"]


@pytest.mark.skipif(not os.environ.get("CI") or sys.platform != "linux"
                    or os.environ.get(compiled.PURE_PYTHON_VARIABLE, "") not in ("", "0"),
                    reason="CI only: .ci/run installs a compiler on Linux, so the cache must be there")
def test_ci_builds_and_installs_the_cache():
    assert CACHE is not None, _NOT_HERE
    assert compiled.cache_glyph_metrics()
    assert CACHE.stats()["layout_ok"]


@contextmanager
def uncached():
    """pdfium as pypdfium2 loads it, for the block."""
    assert compiled.cache_glyph_metrics()
    assert CACHE.uninstall()
    try:
        assert not CACHE.stats()["installed"]
        yield
    finally:
        assert compiled.put_glyph_cache_back()


def both_ways(question):
    """(what question() answers with the cache in place, what it answers without it)."""
    assert compiled.cache_glyph_metrics()
    cached = question()
    with uncached():
        return cached, question()


def _boxes(path: Path) -> list:
    """Every box pdfium gives on every page: the page objects' bounds (forms opened), each character's
    tight box and loose box, and the glyphs the reader makes of them."""
    out = []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    with pdfium.PdfDocument(str(path)) as doc:
        for page in doc:
            textpage = page.get_textpage()
            try:
                out.append([obj.get_bounds() for obj in page.get_objects(max_depth=8)])
                chars = []
                for i in range(textpage.count_chars()):
                    ok = pdfium_c.FPDFText_GetCharBox(textpage.raw, i, left, right, bottom, top)
                    loose = textpage.get_charbox(i, loose=True)
                    chars.append((ok, left.value, right.value, bottom.value, top.value, loose))
                out.append(chars)
                out.append(pdf_reader._page_glyphs(textpage, []))
            finally:
                textpage.close()
                page.close()
    return out


@needs_cache
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_every_box_is_the_same(path):
    cached, own = both_ways(lambda: repr(_boxes(path)))
    assert cached == own


@needs_cache
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_document_is_the_same(path):
    def document():
        try:
            return extract_file(path, ocr="never").model_dump_json()
        except Exception as e:  # a scan without a text layer: the same error both ways
            return repr(e)

    cached, own = both_ways(document)
    assert cached == own


@needs_cache
def test_cjk_glyphs_are_measured_once():
    """Reading a page of Chinese asks for the same glyphs' metrics over and over: most are answered from
    the cache (and the boxes are pdfium's own: the tests above)."""
    assert compiled.cache_glyph_metrics()
    for path in CJK:
        before = CACHE.stats()
        _boxes(path)
        after = CACHE.stats()
        hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
        assert misses > 0, path.name  # the document's own fonts: new faces, first loads
        assert hits > 3 * misses, (path.name, hits, misses)  # each glyph is measured twice a character at least


@needs_cache
def test_a_font_freed_and_another_made_is_measured_afresh():
    """Documents one after another free their fonts and make new ones, often at the same addresses: each
    document read after others gives what it gives alone, without the cache."""
    sequence = [CJK[0], CJK[1], CJK[0], CJK[2], CJK[1]]
    cached = [_boxes(p) for p in sequence]
    with uncached():
        own = {p: _boxes(p) for p in set(sequence)}
    for p, boxes in zip(sequence, cached):
        assert repr(boxes) == repr(own[p]), p.name


@needs_cache
def test_a_rendered_page_is_the_same():
    """Rendering loads glyphs scaled, with other flags: those calls pass the cache by."""
    def pixels():
        with pdfium.PdfDocument(str(CJK[1])) as doc:
            page = doc[0]
            try:
                return page.render(scale=1).to_pil().tobytes()
            finally:
                page.close()

    cached, own = both_ways(pixels)
    assert cached == own


@needs_cache
def test_out_means_out():
    """Taken out, the cache is not asked (FreeType answers every load); put back, it is."""
    with uncached():
        before = CACHE.stats()
        _boxes(CJK[2])
        after = CACHE.stats()
        assert (after["hits"], after["misses"]) == (before["hits"], before["misses"])
    before = CACHE.stats()
    _boxes(CJK[2])
    assert CACHE.stats()["hits"] > before["hits"]


def test_switched_off_by_the_environment(tmp_path):
    """PLANPARSE_GLYPH_CACHE=0: pdfium as it comes, and the PDF read all the same."""
    code = ("from planparse import compiled\n"
            "from planparse.pipeline import extract_file\n"
            "import sys\n"
            "doc = extract_file(sys.argv[1], ocr='never')\n"
            "print(compiled.GLYPH_CACHE is None, compiled.cache_glyph_metrics(), doc.model_dump_json())\n")
    env = dict(CLI_ENV, PLANPARSE_GLYPH_CACHE="0")
    out = subprocess.run([sys.executable, "-c", code, str(CJK[1])], capture_output=True, text=True, env=env,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    off, installed, document = out.stdout.strip().split(" ", 2)
    assert (off, installed) == ("True", "False")
    assert document == extract_file(CJK[1], ocr="never").model_dump_json()


@needs_cache
@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this system")
def test_a_forked_worker_reads_as_its_parent():
    """A batch worker forked from a process that has the cache in place (its table copied, half of it
    perhaps written) reads the same boxes: what the child inherits is forgotten, its lock is free."""
    assert compiled.cache_glyph_metrics()
    _boxes(CJK[0])  # the parent's table holds this document's glyphs
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: answer with its reading, then leave without pytest's teardown
        try:
            os.write(write, repr((CACHE.stats()["installed"], _boxes(CJK[0]), _boxes(CJK[1]))).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        answer = f.read().decode()
    os.waitpid(pid, 0)
    with uncached():
        own = repr((False, _boxes(CJK[0]), _boxes(CJK[1])))
    assert answer == own.replace("(False,", "(True,", 1)
