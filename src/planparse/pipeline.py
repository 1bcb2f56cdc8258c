"""The pipeline, stage by stage: ingest → normalise → segment → extract → assemble (→ emit in the CLI).

Each stage is a pure function of the previous stage's output and the grammars.
"""
from __future__ import annotations

from pathlib import Path

from . import ingest
from .assemble import assemble
from .extraction import extract_all
from .grammar import Grammars, load_grammars
from .ingest.base import OcrMode
from .metrics import key_metrics
from .models import Document
from .normalise import normalise
from .segment import segment
from .words import word_splitter


def extract_file(path: str | Path, *, grammars_dir: str | Path | None = None, ocr: OcrMode = "auto") -> Document:
    return extract_with_text(path, grammars_dir=grammars_dir, ocr=ocr)[0]


def extract_with_text(path: str | Path, *, grammars_dir: str | Path | None = None,
                      ocr: OcrMode = "auto") -> tuple[Document, str]:
    """The Document and the normalised text its spans point into (what `planparse report` shows)."""
    g = load_grammars(str(grammars_dir) if grammars_dir else None)
    return extract_raw_with_text(ingest.read(path, ocr=ocr), g)


def extract_raw(raw: ingest.RawDocument, g: Grammars) -> Document:
    """The stages after ingest, for a document already read (check reads once, OCR'd pages included)."""
    return extract_raw_with_text(raw, g)[0]


def extract_raw_with_text(raw: ingest.RawDocument, g: Grammars) -> tuple[Document, str]:
    nt = normalise(raw, g)
    seg = segment(nt, g)
    found = extract_all(nt, seg, g)
    doc = assemble(raw, nt, seg, found)
    key_metrics(doc, g.metrics, word_splitter(g))  # the keys compare pairs by, and queries group by
    # a traditional-script text is matched as its simplified fold; the Document quotes the original (same offsets)
    return doc, nt.text if nt.original_text is None else nt.original_text
