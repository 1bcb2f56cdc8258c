"""The samples as offices export them (tests/fixtures/office, made by tools/render_office.py: a Word
file typed like a government document and the PDF LibreOffice exports from it) give what the
samples' text gives: F1 1.00 against the gold files in every category, and the same clause tree,
task rows and annex tables as the text."""
from __future__ import annotations

import json

import pytest

from planparse.pipeline import extract_file
from tests.conftest import FIXTURES, GOLD, SAMPLES, gold_scorer

OFFICE = FIXTURES / "office"
# every sample in two formats, each extracted and scored: the slow part of the suite
pytestmark = pytest.mark.slow
STEMS = [p.stem for p in sorted(SAMPLES.glob("*.txt"))]
FORMATS = ["pdf", "docx"]


@pytest.fixture(scope="module")
def docs():
    out = {}
    for stem in STEMS:
        out[(stem, "txt")] = extract_file(SAMPLES / f"{stem}.txt")
        for fmt in FORMATS:
            out[(stem, fmt)] = extract_file(OFFICE / f"{stem}.{fmt}")
    return out


def test_fixtures_are_office_exports():
    """The PDFs are LibreOffice's, with embedded fonts; every sample has both files."""
    import pypdfium2 as pdfium

    for stem in STEMS:
        assert (OFFICE / f"{stem}.docx").stat().st_size > 0
        with pdfium.PdfDocument(str(OFFICE / f"{stem}.pdf")) as pdf:
            assert "LibreOffice" in (pdf.get_metadata_dict().get("Producer") or "")
            assert len(pdf) >= 2


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_gold_f1_is_one_in_every_category(docs, stem, fmt):
    score = gold_scorer()
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    pred = json.loads(docs[(stem, fmt)].model_dump_json())
    result = score.score(gold, pred)
    low = {name: round(r["f1"], 3) for name, r in result.items() if r["f1"] < 1.0}
    assert not low, f"{stem}.{fmt}: {low}"


def _signature(doc) -> dict:
    return {
        "clauses": [(c.id, c.marker, c.level, c.heading, c.text) for c in doc.clauses],
        "tasks": [(t.seq, t.content, t.deadline.date if t.deadline else None,
                   (t.agencies.lead, t.agencies.support, t.agencies.responsible) if t.agencies else None)
                  for t in doc.tasks],
        "tables": [(t.title, t.header) for t in doc.tables],
        "meta": (doc.meta.title, doc.meta.notice_title, doc.meta.doc_number, doc.meta.issue_date),
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("stem", STEMS)
def test_same_clause_tree_tasks_and_tables_as_the_text(docs, stem, fmt):
    text_sig = _signature(docs[(stem, "txt")])
    sig = _signature(docs[(stem, fmt)])
    for part in ("clauses", "tables", "meta"):
        assert sig[part] == text_sig[part], (stem, fmt, part)
    assert [t[0] for t in sig["tasks"]] == [t[0] for t in text_sig["tasks"]]
    assert [t[2:] for t in sig["tasks"]] == [t[2:] for t in text_sig["tasks"]]


def test_quote_marks_stay_in_place():
    """LibreOffice writes “ ” in another font after the line's CJK run: reading order by position."""
    from planparse.ingest import read

    lines = [ln for p in read(OFFICE / "000_1e3bdffa556e102e.pdf").pages for ln in p.lines]
    assert any("研究制定“两高”项目管理目录" in ln.replace(" ", "") for ln in lines)
    assert not any(ln.rstrip().endswith("“ ”") for ln in lines)


def test_footer_page_numbers_are_dropped():
    from planparse.ingest import read

    doc = read(OFFICE / "003_2490237ab9f4f493.pdf")
    assert all(not ln.strip().startswith("—") for p in doc.pages for ln in p.lines)
