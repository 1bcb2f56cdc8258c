"""Clauses and task rows: which parent clause each child clause (or task row) takes up, and how much
of the parent, section by section, the child takes up.

Items are compared by TF-IDF cosine over character bigrams (similarity.py), the heading and the body
weighted equally when both sides have a heading. Section clauses (those with sub-clauses) are matched
with section clauses, the rest with the rest, so that a short section title never stands for a task.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..models import Document
from .models import ClauseComparison, ClauseMatch, ParentClause, SectionCoverage
from ..text import split_top_level
from ..similarity import TfIdf, clean, sparse_cosines

_SENTENCE_ENDS = "。！？；"
# Sentences shorter than this (letters and digits) are too generic to tie two clauses together.
_MIN_SENTENCE = 8
# Sentence pairs below this similarity are not looked at.
_SENTENCE_FLOOR = 0.3

# Matched when the score is at least this: below it, clause pairs of the samples that an analyst
# would not pair (same field, different task) begin to appear. Calibrated on national→Jiangsu and
# Jiangsu→Nantong; overridable per call.
DEFAULT_THRESHOLD = 0.35


@dataclass
class _Item:
    kind: str
    id: str
    heading: Optional[str]
    body: str
    is_section: bool
    section: str  # the top-level clause it stands under


def _clause_items(doc: Document) -> list[_Item]:
    with_children = {c.parent_id for c in doc.clauses if c.parent_id}
    return [
        _Item("clause", c.id, c.heading, c.text, c.id in with_children, c.id.split(".")[0])
        for c in doc.clauses
    ]


def _task_items(doc: Document) -> list[_Item]:
    return [
        _Item("task", str(t.seq), t.category, t.content, False, (t.clause_id or "").split(".")[0])
        for t in doc.tasks if t.content.strip()
    ]


def _sentences(items: list[_Item]) -> tuple[list[str], list[int]]:
    texts: list[str] = []
    owner: list[int] = []
    for k, it in enumerate(items):
        for sent in split_top_level(it.body, _SENTENCE_ENDS):
            if len(clean(sent)) >= _MIN_SENTENCE:
                texts.append(sent)
                owner.append(k)
    return texts, owner


def compare_clauses(parent_doc: Document, child_doc: Document, threshold: float = DEFAULT_THRESHOLD) -> ClauseComparison:
    parents = _clause_items(parent_doc)
    children = _clause_items(child_doc) + _task_items(child_doc)
    texts = [it.body for it in parents + children]
    heads = [it.heading or "" for it in parents + children]
    body_vec, head_vec = TfIdf(texts), TfIdf(heads)
    n = len(parents)

    # A child usually takes a parent clause up by repeating some of its sentences nearly word for word.
    p_sent, p_owner = _sentences(parents)
    c_sent, c_owner = _sentences(children)
    best_sentence: dict[tuple[int, int], float] = {}
    for (i, j), s in sparse_cosines(p_sent, c_sent, _SENTENCE_FLOOR).items():
        key = (p_owner[i], c_owner[j])
        best_sentence[key] = max(best_sentence.get(key, 0.0), s)

    def score(pi: int, ci: int) -> float:
        body = body_vec.cosine(pi, n + ci)
        both = body
        if parents[pi].heading and children[ci].heading:
            both = (body + head_vec.cosine(pi, n + ci)) / 2
        return max(both, (both + best_sentence.get((pi, ci), 0.0)) / 2)

    matches: list[ClauseMatch] = []
    best_for_parent = [0.0] * n
    for ci, c in enumerate(children):
        best: tuple[float, Optional[int]] = (0.0, None)
        for pi, p in enumerate(parents):
            if p.is_section != c.is_section:
                continue
            s = score(pi, ci)
            best_for_parent[pi] = max(best_for_parent[pi], s)
            if s > best[0]:
                best = (s, pi)
        s, pi = best
        p = parents[pi] if pi is not None else None
        matches.append(ClauseMatch(kind=c.kind, child_id=c.id, child_heading=c.heading,
                                   parent_id=p.id if p else None, parent_heading=p.heading if p else None,
                                   score=round(s, 3), matched=s >= threshold))

    # Coverage counts the parent's task-level clauses (no sub-clauses), under their top-level section.
    headings = {it.id: it.heading for it in parents}
    coverage: list[SectionCoverage] = []
    not_taken_up: list[ParentClause] = []
    sections: dict[str, list[int]] = {}
    for pi, p in enumerate(parents):
        if not p.is_section:
            sections.setdefault(p.section, []).append(pi)
    total = taken = 0
    for sec, idx in sections.items():
        up = sum(1 for pi in idx if best_for_parent[pi] >= threshold)
        coverage.append(SectionCoverage(section_id=sec, heading=headings.get(sec), clauses=len(idx), taken_up=up,
                                        share=round(up / len(idx), 3)))
        total += len(idx)
        taken += up
        not_taken_up += [ParentClause(id=parents[pi].id, heading=parents[pi].heading, best_score=round(best_for_parent[pi], 3))
                         for pi in idx if best_for_parent[pi] < threshold]
    return ClauseComparison(threshold=threshold, matches=matches, coverage=coverage,
                            overall=round(taken / total, 3) if total else 0.0, not_taken_up=not_taken_up)
