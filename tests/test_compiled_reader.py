"""The compiled twins (_speedups.c: the PDF reader's loops, the word look-up) give what the Python code gives, value for value.

The twins are built by `pip install` where a C compiler is present (setup.py, optional); where they are
not, planparse runs the Python code and these tests are skipped with that reason. Each test runs the
same question twice: once as the package runs it, once with `compiled.SPEEDUPS` set to None (the Python
code), and compares the answers by repr (so -0.0 and 0.0 differ, as they would in the output).
"""
from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from hypothesis import example, given, settings, strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from planparse import compiled
from planparse.ingest import pdf as pdf_reader, pdf_layout, pdf_tables

_NOT_BUILT = "planparse._speedups was not built (no C compiler at install time, or PLANPARSE_PURE_PYTHON is set)"
needs_twin = pytest.mark.skipif(compiled.SPEEDUPS is None, reason=_NOT_BUILT)


@pytest.mark.skipif(not os.environ.get("CI") or os.environ.get(compiled.PURE_PYTHON_VARIABLE, "") not in ("", "0"),
                    reason="CI only: .ci/run installs a compiler, so the extension must be there")
def test_ci_builds_the_extension():
    assert compiled.SPEEDUPS is not None, _NOT_BUILT

FIXTURES = Path(__file__).parent / "fixtures"
# every PDF the tests keep: real ones as governments publish them, office exports, and one LibreOffice
# export of characters beyond the BMP (plane-16 private-use leader dots, mathematical letters)
PDFS = sorted(FIXTURES.glob("*/*.pdf"))
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def both(monkeypatch, question):
    """(compiled answer, Python answer) of question(), by repr (an error raised: its repr)."""
    def asked() -> str:
        try:
            return repr(question())
        except Exception as e:  # a scan without a text layer: the same error both ways
            return repr(e)
    twin = asked()
    with monkeypatch.context() as m:
        m.setattr(compiled, "SPEEDUPS", None)
        python = asked()
    return twin, python


def _table_boxes(page, textpage) -> list[tuple[float, float, float, float]]:
    tables = pdf_reader._pdfium_tables(page, textpage) if pdf_reader._scan_page(page).may_have_table else []
    return [(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1) for b, *_ in tables or []]


@needs_twin
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_pages_read_the_same(path, monkeypatch):
    """On every page of every fixture PDF: the page scan, the glyphs by quadrant (with the page's table
    boxes left out, and without), the lines built from them, the characters the table finder reads, and
    the reader's whole result."""
    pages = 0
    with pdfium.PdfDocument(str(path)) as doc:
        for page in doc:
            textpage = page.get_textpage()
            try:
                scan = both(monkeypatch, lambda: vars_of(pdf_reader._scan_page(page)))
                assert scan[0] == scan[1]
                boxes = _table_boxes(page, textpage)
                for asked in ([], boxes):
                    glyphs = both(monkeypatch, lambda: pdf_reader._page_glyphs(textpage, asked))
                    assert glyphs[0] == glyphs[1]
                chars = both(monkeypatch, lambda: pdf_tables._chars(textpage))
                assert chars[0] == chars[1]
                by_quadrant = pdf_reader._page_glyphs(textpage, boxes)
                for q, gl in by_quadrant.items():
                    lines = both(monkeypatch, lambda: pdf_layout.lines_from_glyphs(list(gl)))
                    assert lines[0] == lines[1], (path.name, page, q)
                for asked in ([], boxes):  # the lines built in C from pdfium's characters, without glyph tuples
                    page_lines = both(monkeypatch, lambda: pdf_reader._page_lines(textpage, asked))
                    assert page_lines[0] == page_lines[1], (path.name, page)
                pages += 1
            finally:
                textpage.close()
    assert pages
    whole = both(monkeypatch, lambda: pdf_reader.read_pdf(path, path.read_bytes(), ocr="never"))
    assert whole[0] == whole[1]


def vars_of(scan) -> tuple:
    return (sorted(scan.vertical_x), scan.horizontal, scan.grid_path, scan.lossy_text, scan.may_have_table)


@needs_twin
def test_scan_measures_with_the_zero_width_asked(monkeypatch):
    """The zero width is the reader's, asked at each call (a test of the scan sets it; so can a user)."""
    monkeypatch.setattr(pdf_reader, "_ZERO_WIDTH", float("inf"))
    real = FIXTURES / "real" / "014_shanghai-low-carbon-demo-notice.pdf"
    with pdfium.PdfDocument(str(real)) as doc:
        answers = [both(monkeypatch, lambda: vars_of(pdf_reader._scan_page(doc[i]))) for i in range(len(doc))]
    assert all(a == b for a, b in answers)


@needs_twin
def test_characters_beyond_the_bmp_come_whole():
    """pdfium gives a character beyond the BMP as two UTF-16 halves: one glyph each, read whole."""
    path = FIXTURES / "made" / "supplementary-plane.pdf"
    with pdfium.PdfDocument(str(path)) as doc:
        textpage = doc[0].get_textpage()
        chars = "".join(g[4] for g in pdf_reader._page_glyphs(textpage, [])[0])
        textpage.close()
    assert "\U001001ba" * 4 in chars and "\U0001d538\U0001d539" in chars
    assert not any(0xD800 <= ord(c) < 0xE000 for c in chars)


def _turned_text_pdf(path: Path) -> Path:
    """Text in all four directions and slanted, a written space after a digit, a form XObject holding a
    ruled grid (the scan looks inside forms), and a lone zero-width-looking space."""
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont(FONT, 12)
    c.drawString(72, 760, "专栏1 2025年，单位地区生产总值能耗下降13.5%")
    for angle, (x, y) in ((90, (520, 300)), (180, (500, 200)), (270, (60, 500)), (60, (200, 400)), (30, (300, 600))):
        c.saveState()
        c.translate(x, y)
        c.rotate(angle)
        c.drawString(0, 0, f"转{angle}度的文字 2 0 2 5 年")
        c.restoreState()
    c.beginForm("grid")
    for i in range(5):
        c.line(100, 100 + 20 * i, 400, 100 + 20 * i)
        c.line(100 + 75 * i, 100, 100 + 75 * i, 180)
    c.rect(90, 90, 320, 100)
    c.endForm()
    c.doForm("grid")
    c.showPage()
    c.save()
    return path


@needs_twin
def test_turned_text_and_forms(tmp_path, monkeypatch):
    path = _turned_text_pdf(tmp_path / "turned.pdf")
    with pdfium.PdfDocument(str(path)) as doc:
        page = doc[0]
        textpage = page.get_textpage()
        by_quadrant = pdf_reader._page_glyphs(textpage, [])
        assert len([q for q, gl in by_quadrant.items() if gl]) == 4  # right, up, left, down
        glyphs = both(monkeypatch, lambda: pdf_reader._page_glyphs(textpage, []))
        assert glyphs[0] == glyphs[1]
        scan = both(monkeypatch, lambda: vars_of(pdf_reader._scan_page(page)))
        assert scan[0] == scan[1] and eval(scan[0])[-1]  # the grid inside the form may be a table
        textpage.close()
    whole = both(monkeypatch, lambda: pdf_reader.read_pdf(path, path.read_bytes(), ocr="never"))
    assert whole[0] == whole[1]
    assert "专栏1 2025年" in whole[0]


# ------------------------------------------------------------------ lines from made-up glyphs

# coordinates on a coarse grid, so that ties (same x, same centre, same height) are common
_x = st.sampled_from([0.0, -0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 6.0, 6.25, 12.0, 12.5, 24.0, 100.0, -3.0])
# heights within a hair of one another too: a line of zero-height glyphs is told apart by the least height
_y = st.sampled_from([0.0, -0.0, 0.0002, 0.0004, 0.0009, 3.0, 6.0, 6.25, 12.0, -3.0])
_char = st.sampled_from(list("中国2025.%１２ 年a") + ["\U001001ba"])


@st.composite
def _glyph(draw):
    x0, y0 = draw(_x), draw(_y)
    return (x0, x0 + draw(st.sampled_from([0.0, 0.5, 3.0, 6.0, 12.0])), y0,
            y0 + draw(st.sampled_from([0.0, 0.0005, 1.0, 6.0, 12.0, 12.5])), draw(_char))


@needs_twin
@settings(max_examples=400, deadline=None)
@given(st.lists(_glyph(), max_size=40))
# heights of 0.0 and -0.0 (a glyph from y 0.0 to -0.0): which the median is follows their order, as Python's stable sort
@example([(0.0, 1.0, 0.0, 0.0, "中"), (1.0, 2.0, 0.0, -0.0, "国")])  # the median: -0.0, the second zero
@example([(0.0, 1.0, 0.0, -0.0, "中"), (1.0, 2.0, 0.0, 0.0, "国"), (2.0, 3.0, 0.0, -0.0, "年")])  # the median: 0.0
def test_made_up_glyphs_make_the_same_lines(glyphs):
    twin = compiled.SPEEDUPS
    assert repr(twin.visual_lines(list(glyphs))) == repr(pdf_layout._visual_lines(list(glyphs)))
    assert repr(twin.widest_gap(list(glyphs))) == repr(pdf_layout._widest_gap_python(list(glyphs)))
    if glyphs:
        text, x0, x1, top, bottom, size = twin.line_parts(list(glyphs))
        line = pdf_layout._line_python(list(glyphs))
        assert repr((text, x0, x1, top, bottom, size)) == repr((line.text, line.box.x0, line.box.x1, line.box.top,
                                                                 line.box.bottom, line.box.size))


@needs_twin
def test_glyphs_the_twin_does_not_take_go_to_python():
    """Not plain floats and one character (ints, NaN, two characters): None, and the Python code answers."""
    for odd in ([(0, 1, 0, 1, "中")], [(0.0, 1.0, 0.0, 1.0, "中国")], [(math.nan, 1.0, 0.0, 1.0, "中")],
                ((0.0, 1.0, 0.0, 1.0, "中"),)):
        assert compiled.SPEEDUPS.visual_lines(odd) is None
        assert compiled.SPEEDUPS.line_parts(odd) is None
        assert compiled.SPEEDUPS.widest_gap(odd) is None
    lines = pdf_layout.lines_from_glyphs([(0, 10, 0, 10, "中"), (10, 20, 0, 10, "国")])
    assert [ln.text for ln in lines] == ["中国"] and lines[0].box.x1 == 20


@needs_twin
def test_pure_python_is_asked_for_by_the_environment():
    run = lambda value: subprocess.run(  # noqa: E731
        [sys.executable, "-c", "from planparse import compiled; print(compiled.SPEEDUPS is None)"],
        env={**os.environ, compiled.PURE_PYTHON_VARIABLE: value}, capture_output=True, text=True, check=True).stdout.strip()
    assert run("1") == "True"
    assert run("") == "False" and run("0") == "False"


@needs_twin
def test_binding_takes_every_function_or_none():
    """bind() refuses a missing or null address and leaves what was bound as it was: the reader goes on."""
    twin = compiled.with_pdfium()
    some = {name: 1 for name in twin.PDFIUM_FUNCTIONS[:-1]}
    with pytest.raises(KeyError, match=twin.PDFIUM_FUNCTIONS[-1]):
        twin.bind(some, 1, 2, 5)
    with pytest.raises(ValueError, match="null"):
        twin.bind({name: 0 for name in twin.PDFIUM_FUNCTIONS}, 1, 2, 5)
    path = FIXTURES / "real" / "014_shanghai-low-carbon-demo-notice.pdf"
    assert "沪环气" in "".join(line for page in pdf_reader.read_pdf(path, path.read_bytes(), ocr="never").pages
                                for line in page.lines)


@needs_twin
@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(alphabet="中国新能源汽车碳达峰a1 ", min_size=1, max_size=6), st.integers(1, 99), max_size=300),
       st.lists(st.text(alphabet="中国新能源汽车碳达峰a1 ", max_size=7), max_size=40))
def test_word_frequencies_are_looked_up_the_same(tmp_path_factory, freq, asked):
    """words.MappedFrequencies finds a key by the compiled bisection as by its Python one: every key and
    made-up others (prefixes, longer words, the empty string), with the sample narrowing before it."""
    from planparse.words import MappedFrequencies

    folder = tmp_path_factory.mktemp("freq")
    MappedFrequencies.write(freq, folder / "k", folder / "i")
    mapped = MappedFrequencies(folder / "k", folder / "i")
    probes = list(freq) + asked + [""]
    twin = [mapped._bisect(k) for k in probes]
    compiled.SPEEDUPS, saved = None, compiled.SPEEDUPS
    try:
        python = [mapped._bisect(k) for k in probes]
    finally:
        compiled.SPEEDUPS = saved
    assert twin == python
    assert all(mapped.get(k) == v for k, v in freq.items())


_WORD_CHARS = "中国新能源汽车碳达峰替代工作a1 "


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.text(alphabet=_WORD_CHARS, min_size=1, max_size=5), st.integers(0, 99), max_size=200),
       st.lists(st.text(alphabet=_WORD_CHARS, max_size=14), max_size=20), st.integers(1, 10**7))
@example({"碳": 2, "达": 2, "碳达": 1, "峰": 0}, ["碳达", "碳达峰", "达碳达"], 4)  # two cuts of equal weight: the longer first word
def test_the_word_graph_and_route_are_jiebas(tmp_path_factory, freq, sentences, total):
    """MappedFrequencies.word_graph and best_route (Python, and each in C) give what jieba's own
    Tokenizer.get_DAG and Tokenizer.calc give over the same table, value for value: the cut is jieba's.
    Frequencies of 0 are prefixes only, as in jieba's table."""
    import types

    import jieba

    from planparse.words import MappedFrequencies

    folder = tmp_path_factory.mktemp("freq")
    MappedFrequencies.write(freq, folder / "k", folder / "i")
    mapped = MappedFrequencies(folder / "k", folder / "i")
    jiebas = types.SimpleNamespace(FREQ=mapped, total=total, check_initialized=lambda: None)
    for sentence in sentences:
        graph = jieba.Tokenizer.get_DAG(jiebas, sentence)
        for twin in {compiled.SPEEDUPS, None}:  # the graph in C, and in Python
            compiled.SPEEDUPS, saved = twin, compiled.SPEEDUPS
            try:
                assert mapped.word_graph(sentence) == graph
            finally:
                compiled.SPEEDUPS = saved
        expected: dict = {}
        jieba.Tokenizer.calc(jiebas, sentence, graph, expected)
        for twin in {compiled.SPEEDUPS, None}:
            compiled.SPEEDUPS, saved = twin, compiled.SPEEDUPS
            try:
                route: dict = {}
                mapped.best_route(sentence, graph, route, total)
            finally:
                compiled.SPEEDUPS = saved
            assert route == expected and [type(v[0]) for v in route.values()] == [type(v[0]) for v in expected.values()]


def test_the_tokenizer_cuts_the_samples_as_jieba_does():
    """The bundled grammars' tokenizer (its word graph and route put in jieba's place) cuts every line of
    the samples as jieba's own methods do over the same dictionary, with and without the HMM."""
    from planparse import words
    from planparse.grammar import load_grammars

    words.tokenizer()  # the table written, if this is the first build (which cuts with jieba's own dictionary)
    tok = words.tokenizer(load_grammars.__wrapped__(None))  # a grammar set of its own: the table read
    assert isinstance(tok.FREQ, words.MappedFrequencies) and tok.get_DAG == tok.FREQ.word_graph
    samples = Path(__file__).resolve().parents[1] / "samples"
    lines = [ln for f in sorted(samples.glob("*.txt")) for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) > 500
    ours = [(tok.lcut(ln, HMM=False), tok.lcut(ln)) for ln in lines]
    del tok.get_DAG, tok.calc  # jieba's own methods again
    assert [(tok.lcut(ln, HMM=False), tok.lcut(ln)) for ln in lines] == ours


_HMM_STATES = [("B", "v"), ("E", "v"), ("S", "n"), ("M", "n"), ("S", "v")]


@st.composite
def _hmm_tables(draw):
    """Made-up tagger tables of a few states, with few distinct probabilities (ties), states without
    a transition, and characters the tables do not know."""
    states = draw(st.lists(st.sampled_from(_HMM_STATES), min_size=1, max_size=5, unique=True))
    value = st.sampled_from([-0.5, -1.0, -2.0, -1.5])
    trans = {x: draw(st.dictionaries(st.sampled_from(states), value, max_size=len(states))) for x in states}
    start = {y: draw(value) for y in states}
    emit = {y: draw(st.dictionaries(st.sampled_from("甲乙丙"), value, max_size=3)) for y in states}
    allowed = draw(st.dictionaries(st.sampled_from("甲乙丁"), st.lists(st.sampled_from(states), min_size=1, unique=True).map(tuple),
                                   max_size=3))
    obs = draw(st.text(alphabet="甲乙丙丁戊", min_size=1, max_size=8))
    return allowed, start, trans, emit, obs


@needs_twin
@settings(max_examples=400, deadline=None)
@given(_hmm_tables())
def test_the_tagger_route_in_c_is_jiebas(tables):
    """_speedups.pos_viterbi gives jieba.posseg.viterbi's route, ties and dead ends included (jieba's
    ValueError where its max has nothing to choose from)."""
    from planparse import words

    allowed, start, trans, emit, obs = tables
    viterbi = words._hmm_model()[0]
    model = words._CompiledHmm(allowed, start, trans, emit)
    try:
        expected = viterbi(obs, allowed, start, trans, emit)[1]
    except ValueError:
        with pytest.raises(ValueError):
            compiled.SPEEDUPS.pos_viterbi(model.start, model.trans, model.has_next, [model.step(ch) for ch in obs])
        return
    route = compiled.SPEEDUPS.pos_viterbi(model.start, model.trans, model.has_next, [model.step(ch) for ch in obs])
    assert [model.order[i] for i in route] == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("贯彻党的十九大和同一用气场所安装整合退出地炼产能鿕𠀀龘"), min_size=1, max_size=12))
@example("贯彻党的十九大和")  # a run of characters that is no word: every state asked at each character
def test_the_tagger_tags_as_jieba_does(text):
    """words._pos_tags (jieba's own tables, in C where the extension is built, else jieba's viterbi)
    tags a run of characters as jieba.posseg's viterbi does."""
    from planparse import words

    viterbi, states, start, trans, emit = words._hmm_model()
    expected = viterbi(text, states, start, trans, emit)[1]
    assert words._pos_tags(text) == expected
    compiled.SPEEDUPS, saved = None, compiled.SPEEDUPS
    try:
        assert words._pos_tags(text) == expected
    finally:
        compiled.SPEEDUPS = saved


@needs_twin
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.one_of(st.characters(max_codepoint=0x2FFF), st.sampled_from("\u2e7f\u2e80中文，。%％①\U00020000\ud800"))))
def test_visual_width_is_the_same_in_c(text):
    from planparse import normalise

    twin = normalise.visual_width(text)
    compiled.SPEEDUPS, saved = None, compiled.SPEEDUPS
    try:
        python = normalise.visual_width(text)
    finally:
        compiled.SPEEDUPS = saved
    assert twin == python and type(twin) is float


@needs_twin
def test_find_key_refuses_bounds_outside_the_index():
    from array import array

    offsets = array("I", [0, 3, 6]).tobytes()
    assert compiled.SPEEDUPS.find_key("中国".encode(), offsets, 0, 2, "国".encode()) == 1
    with pytest.raises(ValueError):
        compiled.SPEEDUPS.find_key("中国".encode(), offsets, 0, 3, "国".encode())
    with pytest.raises(ValueError, match="outside"):
        compiled.SPEEDUPS.find_key(b"ab", offsets, 0, 2, b"a")


@needs_twin
def test_a_pypdfium2_without_a_function_reads_pdfs_with_the_python_code(monkeypatch):
    """A pypdfium2 that lacks one of the functions the extension calls: PDFs are read by the Python code,
    with the same result, and no error reaches the user."""
    import pypdfium2.raw as pdfium_c

    path = FIXTURES / "real" / "014_shanghai-low-carbon-demo-notice.pdf"
    expected = repr(pdf_reader.read_pdf(path, path.read_bytes(), ocr="never"))
    monkeypatch.setattr(compiled, "_bound", None)
    monkeypatch.delattr(pdfium_c, "FPDFPath_CountSegments")
    assert compiled.with_pdfium() is None
    assert repr(pdf_reader.read_pdf(path, path.read_bytes(), ocr="never")) == expected
    monkeypatch.undo()
    assert compiled.with_pdfium() is compiled.SPEEDUPS
