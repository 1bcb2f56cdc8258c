"""`planparse compare`: how an implementing plan measures up to the plan it implements.

    parent, child (Documents) → Comparison (targets paired and classified, clauses matched, coverage,
    citation) → a renderer (text, json, csv, html)

and over a directory: Documents → Chain (who implements whom, from their citations) → a renderer
(text tree, json, dot, html). Matching is pure: no file, network or model is touched.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..errors import PlanparseError
from ..grammar import Grammars, load_grammars
from ..models import Document
from ..words import word_splitter
from .citations import build_chain, document_ref, find_citation, numbers_learned_from_citations
from .clauses import DEFAULT_THRESHOLD, compare_clauses
from .load import NotADocumentJson, directory_inputs, load_side
from .models import Chain, Comparison
from .targets import classify, compare_targets

__all__ = ["Chain", "Comparison", "DEFAULT_THRESHOLD", "build_chain", "chain_of", "classify", "compare_directory",
           "compare_documents", "directory_inputs", "load_side", "word_splitter"]


def compare_documents(parent: Document, child: Document, g: Optional[Grammars] = None,
                      clause_threshold: float = DEFAULT_THRESHOLD) -> Comparison:
    g = g or load_grammars(None)
    rules, words = g.metrics, word_splitter(g)
    learned = numbers_learned_from_citations([parent, child], rules)
    return Comparison(
        parent=document_ref(parent, learned.get(0)),
        child=document_ref(child, learned.get(1)),
        citation=find_citation(parent, child, g, tuple(learned.get(0, ()))),
        targets=compare_targets(parent, child, rules, words),
        clauses=compare_clauses(parent, child, clause_threshold),
    )


def chain_of(docs: list[Document], g: Optional[Grammars] = None, errors: Optional[dict[str, str]] = None) -> Chain:
    g = g or load_grammars(None)
    return build_chain(docs, g, errors)


def compare_directory(directory: str | Path, *, grammars_dir: Optional[str | Path] = None) -> Chain:
    """The chain of every document (or planparse JSON) under `directory`. A file that cannot be read is
    recorded in `Chain.errors` and the others are still linked; a JSON output of a document that is
    also present (same sha256) counts once."""
    g = load_grammars(str(grammars_dir) if grammars_dir else None)
    docs: list[Document] = []
    errors: dict[str, str] = {}
    seen: set[str] = set()
    for path in directory_inputs(Path(directory)):
        try:
            doc = load_side(path, grammars_dir=grammars_dir)
        except NotADocumentJson:
            continue  # some other JSON file beside the documents
        except PlanparseError as e:
            errors[str(path)] = f"{e.kind}: {' '.join(e.message.split())}"
            continue
        if doc.source.sha256 in seen:
            continue
        seen.add(doc.source.sha256)
        docs.append(doc)
    return build_chain(docs, g, errors)
