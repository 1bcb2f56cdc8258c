"""The pipeline, stage by stage: ingest → normalise → segment → extract → assemble (→ emit in the CLI).

Each stage is a pure function of the previous stage's output and the grammars.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from . import ingest
from .assemble import assemble
from .extraction import extract_all
from .grammar import Grammars, load_grammars
from .ingest.base import OcrMode
from .lazy import fewer_collections
from .metrics import key_metrics
from .models import Document
from .normalise import NormalText, normalise
from .segment import segment
from .words import word_splitter


def extract_file(path: str | Path, *, grammars_dir: str | Path | None = None, ocr: OcrMode = "auto") -> Document:
    return extract_with_text(path, grammars_dir=grammars_dir, ocr=ocr)[0]


def extract_with_text(path: str | Path, *, grammars_dir: str | Path | None = None,
                      ocr: OcrMode = "auto") -> tuple[Document, str]:
    """The Document and the normalised text its spans point into (what `planparse report` shows)."""
    g = load_grammars(str(grammars_dir) if grammars_dir else None)
    with fewer_collections():
        raw = ingest.read(path, ocr=ocr)
        nt = normalise(raw, g)
        # The document read here is ours alone: its lines live on in `nt`, and the memory they held is free
        # for the stages after (a large text's lines take more than the text)
        raw = _without_text(raw)
        return _after_normalise(raw, nt, g)


def extract_raw(raw: ingest.RawDocument, g: Grammars) -> Document:
    """The stages after ingest, for a document already read (check reads once, OCR'd pages included)."""
    return extract_raw_with_text(raw, g)[0]


def extract_raw_with_text(raw: ingest.RawDocument, g: Grammars) -> tuple[Document, str]:
    with fewer_collections():
        return _after_normalise(raw, normalise(raw, g), g)


def _without_text(raw: ingest.RawDocument) -> ingest.RawDocument:
    """What assemble reads of a document once it is normalised: its source fields, warnings, notes and
    the OCR facts of its pages, not their lines, boxes or tables."""
    pages = [replace(p, lines=[], tables=[], boxes=None, paragraph_starts=None, paragraph_numbers=None) for p in raw.pages]
    return replace(raw, pages=pages, header={})


def _after_normalise(raw: ingest.RawDocument, nt: NormalText, g: Grammars) -> tuple[Document, str]:
    seg = segment(nt, g)
    found = extract_all(nt, seg, g)
    nt.forget_paragraphs()  # assembling builds the Document beside the stages' results: room for it
    doc = assemble(raw, nt, seg, found)
    key_metrics(doc, g.metrics, word_splitter(g))  # the keys compare pairs by, and queries group by
    # a traditional-script text is matched as its simplified fold; the Document quotes the original (same offsets)
    return doc, nt.text if nt.original_text is None else nt.original_text
