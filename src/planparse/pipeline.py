"""The pipeline, stage by stage: ingest → normalise → segment → extract → assemble (→ emit in the CLI).

Each stage is a pure function of the previous stage's output and the grammars.
"""
from __future__ import annotations

from pathlib import Path

from . import ingest
from .assemble import assemble
from .extraction import extract_all
from .compare import metrics as _compare_metrics  # noqa: F401  (registers the examples of metrics.toml)
from .grammar import load_grammars
from .grammar.check import ExampleResult, all_examples, run_examples
from .models import Document
from .normalise import normalise
from .segment import segment


def extract_file(path: str | Path, *, grammars_dir: str | Path | None = None) -> Document:
    return extract_with_text(path, grammars_dir=grammars_dir)[0]


def extract_with_text(path: str | Path, *, grammars_dir: str | Path | None = None) -> tuple[Document, str]:
    """The Document and the normalised text its spans point into (what `planparse report` shows)."""
    g = load_grammars(str(grammars_dir) if grammars_dir else None)
    raw = ingest.read(path)
    nt = normalise(raw, g)
    seg = segment(nt, g)
    found = extract_all(nt, seg, g)
    return assemble(raw, nt, seg, found), nt.text


def check_grammars(grammars_dir: str | Path | None = None) -> tuple[list[ExampleResult], int]:
    """Every example of every rule, the stages' own included (importing them above registered their runners):
    (failures, number of examples run)."""
    return run_examples(str(grammars_dir) if grammars_dir else None)


def grammar_examples(grammars_dir: str | Path | None = None):
    """Every (where, example, what the rule gives) of the grammars, for the test suite."""
    return all_examples(str(grammars_dir) if grammars_dir else None)
