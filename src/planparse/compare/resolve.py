"""Which document a citation names: by its 文号, else by its title, among the documents of a batch (or a
directory), else among the central documents plans cite most (`grammars/citations.toml`).

Titles are matched through the quirks of real citations:
- the plan inside a notice's title (`国务院关于印发〈2030年前碳达峰行动方案〉的通知` names the 方案 too);
- a document's own title naming the document it implements in `〈〉` (that is a citation too);
- an abridged title (found whole inside the other) or a misquoted one (a word dropped or added: close
  by character bigrams);
- a 文号 written over two lines (spaces and line breaks inside it do not count).

The best-matching document wins: an exact title over an abridged one over a misquoted one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..extraction.meta import normalise_doc_number
from ..grammar.check import example_runner, substitute
from ..models import CitedDocument, Document
from ..regions import place_index
from ..similarity import bigrams, clean, dice

_BRACKETS = str.maketrans("", "", "〈〉《》<>＜＞")


@dataclass
class CitableDocument:
    """A document a citation may name: one of the batch (`source` set) or a central one (source None)."""

    source: Optional[str]
    number: Optional[str]
    titles: list[str] = field(default_factory=list)
    region_code: Optional[str] = None


@dataclass
class Resolution:
    document: CitableDocument
    by: str  # "doc_number" or "title"
    score: float


def number_key(number: Optional[str]) -> str:
    return normalise_doc_number("".join((number or "").split())) if number else ""


def citations_of(doc: Document, metric_rules) -> list[CitedDocument]:
    """The documents a Document cites: its 《…》 citations, and a document named in `〈〉` inside its own
    title or notice title (`大连市贯彻落实〈辽宁省…方案〉的实施方案`) that is not the plan itself."""
    own = {clean(t) for t in (doc.meta.title, doc.meta.notice_title) if t}
    out = list(doc.meta.cited_documents)
    seen = {clean(c.title) for c in out}
    for t in (doc.meta.title, doc.meta.notice_title):
        for m in metric_rules.inner_title.compiled.finditer(t or ""):
            inner = m.group("title").strip()
            key = clean(inner)
            if key and key not in own and key not in seen and not _is_own_plan(key, own):
                seen.add(key)
                out.append(CitedDocument(title=inner))
    return out


def _is_own_plan(inner: str, own: set[str]) -> bool:
    """`关于印发〈X〉的通知` issues X: a notice title's inner title that is the document's own title."""
    return any(inner == o or (o.endswith(inner) and len(inner) > 4 and "印发" in o) for o in own)


class CitationResolver:
    """Resolves citations against a fixed set of documents (the batch, then the central list)."""

    def __init__(self, documents: list[CitableDocument], citation_rules, metric_rules, place_rules, central: bool = True):
        self.rules = citation_rules
        self.metric_rules = metric_rules
        self.places = place_index(place_rules)
        self.documents = documents + ([CitableDocument(None, d.number, [d.title]) for d in citation_rules.documents] if central else [])
        self.by_number: dict[str, list[CitableDocument]] = {}
        for d in self.documents:
            if d.number:
                self.by_number.setdefault(number_key(d.number), []).append(d)
        self.keys = [(d, self.title_keys(d.titles)) for d in self.documents]
        # Candidates by title: an equal key, or a document sharing one of the cited key's rarest bigrams
        # (an abridged or misquoted title keeps most of them). A batch of many documents is not scored whole.
        self._profiles: dict[str, tuple] = {}
        self.by_key: dict[str, list[int]] = {}
        self.by_bigram: dict[str, set[int]] = {}
        for i, (_, keys) in enumerate(self.keys):
            for k in keys:
                self.by_key.setdefault(k, []).append(i)
                for b in bigrams(k):
                    self.by_bigram.setdefault(b, set()).add(i)

    def _candidates(self, cited: set[str]) -> set[int]:
        """Documents with an equal key, or holding at least two of a cited key's three rarest bigrams."""
        out: set[int] = set()
        for k in cited:
            out.update(self.by_key.get(k, ()))
            rarest = sorted(set(bigrams(k)), key=lambda b: len(self.by_bigram.get(b, ())))[:3]
            seen: dict[int, int] = {}
            for b in rarest:
                for i in self.by_bigram.get(b, ()):
                    seen[i] = seen.get(i, 0) + 1
            out.update(i for i, n in seen.items() if n >= min(2, len(rarest)))
        return out

    def _profile(self, key: str) -> tuple:
        """What a title is compared by, once per key: its kind, the places it names, its bigrams."""
        got = self._profiles.get(key)
        if got is None:
            kind = self.rules.document_kind.compiled.search(key)
            got = self._profiles[key] = (kind.group(0) if kind else None, frozenset(name for _, _, name in self.places.finditer(key)), bigrams(key))
        return got

    def learn_number(self, title: Optional[str], number: Optional[str], *, exclude: Optional[str] = None) -> None:
        """A document printed without its 文号 (or whose 文号 could not be read) is known by the number a
        citation gives it with its title: later citations by that number alone resolve to it too."""
        if not (title and number) or number_key(number) in self.by_number:
            return
        hit = self.resolve(title, None, exclude=exclude)
        if hit is not None and hit.document.source is not None and not hit.document.number and hit.score >= 0.95:
            self.by_number.setdefault(number_key(number), []).append(hit.document)

    def title_key(self, title: str) -> str:
        s = clean(title.translate(_BRACKETS))
        for p in self.rules.title_noise:
            s = p.compiled.sub(p.replace, s)
        return s

    def title_keys(self, titles: list[str]) -> set[str]:
        """A title's keys: itself, and the plan named inside it in 〈〉 / 《》."""
        keys = set()
        for t in titles:
            if not t:
                continue
            keys.add(self.title_key(t))
            keys |= {self.title_key(m.group("title")) for m in self.metric_rules.inner_title.compiled.finditer(t)}
        return {k for k in keys if len(k) >= 2}

    def _same_kind_and_places(self, a: str, b: str) -> bool:
        """Two titles that differ may still name one document, but not when one names a place the other
        does not (达州市2030年前碳达峰行动方案 is not 2030年前碳达峰行动方案) or they are documents of
        different kinds (一个实施意见 is not the 意见 it implements)."""
        return self._profile(a)[:2] == self._profile(b)[:2]

    def title_score(self, cited: set[str], known: set[str]) -> float:
        """1 the same title; 0.95 an abridged citation (found whole inside the document's title); else the
        bigram score of a misquoted one when it passes. Not for titles of other places or kinds."""
        best = 0.0
        for a in cited:
            for b in known:
                if a == b:
                    return 1.0
                if not self._same_kind_and_places(a, b):
                    continue
                if len(a) >= self.rules.min_contained_chars and a in b:
                    best = max(best, 0.95)
                    continue
                score = dice(self._profile(a)[2], self._profile(b)[2])
                if score >= self.rules.title_match:
                    best = max(best, score * 0.94)  # below any whole-title match
        return best

    def resolve(self, title: Optional[str], number: Optional[str], *, exclude: Optional[str] = None,
                allowed=None) -> Optional[Resolution]:
        """The document a citation names: by number when one of the known documents has it, else the
        best title match. `exclude`: the citing document's own source; `allowed(doc)`: a filter."""
        def ok(d: CitableDocument) -> bool:
            return (exclude is None or d.source != exclude) and (allowed is None or allowed(d))

        if number:
            hits = [d for d in self.by_number.get(number_key(number), []) if ok(d)]
            if hits:
                return Resolution(next((d for d in hits if d.source), hits[0]), "doc_number", 1.0)
        if not title:
            return None
        cited = self.title_keys([title])
        best: Optional[Resolution] = None
        for i in sorted(self._candidates(cited)):
            d, keys = self.keys[i]
            if not ok(d) or not keys:
                continue
            score = self.title_score(cited, keys)
            # a document of the batch before the central list's copy of it
            if score > 0 and (best is None or (score, d.source is not None) > (best.score, best.document.source is not None)):
                best = Resolution(d, "title", score)
        return best


@example_runner
def _citation_examples(g):
    """citations.toml: what a noise pattern leaves of a title, and the kind a title ends with."""
    rules = g.citations
    for i, p in enumerate(rules.title_noise):
        for ex in p.examples:
            yield f"citations.toml title_noise[{i}]", ex, substitute(p)
    for ex in rules.document_kind.examples:
        yield "citations.toml document_kind", ex, lambda s: (m.group(0) if (m := rules.document_kind.compiled.search(s)) else None)
    resolver = CitationResolver([], rules, g.metrics, g.places)
    for ex in rules.examples:
        yield "citations.toml examples", ex, lambda s: (hit.document.number if (hit := resolver.resolve(s, None)) else None)
