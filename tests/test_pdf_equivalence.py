"""A PDF rendered from a sample (A4, page numbers, ruled tables) gives what the sample's text gives."""
import pytest

from planparse.pipeline import extract_file
from tests.conftest import SAMPLES

STEMS = [p.stem for p in sorted(SAMPLES.glob("*.txt"))]


def _sig(doc):
    return {
        "clauses": [(c.id, c.marker, c.level, c.heading) for c in doc.clauses],
        "meta": doc.meta.model_dump(include={"title", "notice_title", "doc_number", "issuer", "issue_date", "recipients",
                                             "printed_by", "print_date", "level"}),
        "targets": [(c.id, t.value, t.value_max, t.unit, t.comparator, t.direction, t.baseline_year, t.target_year, t.aspirational)
                    for c in doc.clauses for t in c.targets],
        "deadlines": [(c.id, d.kind, d.date) for c in doc.clauses for d in c.deadlines],
        "agencies": [(c.id, a.lead, a.support, a.responsible, a.implementers) for c in doc.clauses for a in c.agencies],
    }


@pytest.fixture(scope="module")
def pairs(rendered_pdfs):
    return {stem: (extract_file(SAMPLES / f"{stem}.txt"), extract_file(rendered_pdfs[stem])) for stem in STEMS}


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("part", ["clauses", "meta", "targets", "deadlines", "agencies"])
def test_pdf_gives_what_text_gives(pairs, stem, part):
    text_doc, pdf_doc = pairs[stem]
    assert _sig(pdf_doc)[part] == _sig(text_doc)[part]


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_clauses_know_their_pages(pairs, stem):
    _, pdf_doc = pairs[stem]
    pages = [c.page for c in pdf_doc.clauses]
    assert all(isinstance(p, int) and p >= 1 for p in pages)
    assert pages == sorted(pages) and pages[-1] <= pdf_doc.source.pages
    assert pdf_doc.source.format == "pdf" and pdf_doc.source.pages > 1
