"""Page numbers are written once, in layout.toml `page_number`: the paged readers (PDF, OFD, OCR) drop
them wherever they stand on a page, and normalise drops them as furniture from every format."""
import pytest

from planparse.grammar import load_grammars
from planparse.ingest.base import LineBox
from planparse.ingest.page_text import strip_page_numbers
from planparse.ingest.pdf_layout import PageLine
from planparse.normalise import is_furniture

G = load_grammars(None)
EXAMPLES = [(ex.input, ex.expect) for p in G.layout.page_number for ex in p.examples]


def _page(texts: list[str]) -> list[PageLine]:
    return [PageLine(t, LineBox(x0=72, x1=500, top=100 + 20 * i, bottom=112 + 20 * i, size=12)) for i, t in enumerate(texts)]


def test_every_shape_has_examples_both_ways():
    assert G.layout.page_number
    assert all(any(ex.expect for ex in p.examples) and any(not ex.expect for ex in p.examples) for p in G.layout.page_number)


@pytest.mark.parametrize("line,is_number", EXAMPLES)
def test_the_paged_readers_drop_a_page_number_in_the_middle_of_a_page(line, is_number):
    body = ["一、总体要求", "到2025年，全省空气质量持续改善。", line, "二、重点任务", "推进产业结构调整。"]
    [kept] = strip_page_numbers([_page(body)])
    texts = [ln.text for ln in kept]
    assert (line not in texts) == is_number
    assert texts[:2] == body[:2] and texts[-2:] == body[-2:]


@pytest.mark.parametrize("line,is_number", EXAMPLES)
def test_normalise_drops_the_same_lines_as_furniture(line, is_number):
    assert is_furniture(line, G) == is_number


def test_a_bare_number_is_a_page_number_only_at_the_page_edge():
    body = ["一、总体要求", "到2025年，全省空气质量持续改善。", "12", "二、重点任务", "推进产业结构调整。", "12"]
    pages = [_page(body)]
    pages[0][-1] = PageLine("12", LineBox(x0=290, x1=300, top=800, bottom=812, size=12))  # in the bottom margin
    [kept] = strip_page_numbers(pages)
    assert [ln.text for ln in kept] == body[:-1]
