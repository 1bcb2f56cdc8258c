"""Citations: does the child cite the parent (by 发文字号 or by title), and, over a directory, which
document implements which.

A child names its parent by number (`国发〔2023〕24号`) or by title, often the title of the notice that
issued it (`国务院关于印发〈空气质量持续改善行动计划〉的通知`): the plan named inside a cited notice's title
counts as cited too.
"""
from __future__ import annotations

from typing import Optional

from ..extraction.meta import normalise_doc_number
from ..models import CitedDocument, Document
from .models import Chain, ChainDocument, ChainLink, Citation, DocumentRef
from .resolve import CitableDocument, CitationResolver, citations_of
from ..similarity import clean


def document_ref(doc: Document, known_numbers: Optional[list[str]] = None) -> DocumentRef:
    m = doc.meta
    return DocumentRef(path=doc.source.path, doc_number=m.doc_number, title=m.title, notice_title=m.notice_title,
                       issuer=list(m.issuer), level=m.level, issue_date=m.issue_date,
                       known_numbers=[n for n in (known_numbers or []) if n != m.doc_number])


def _title_forms(title: str, rules) -> set[str]:
    forms = {clean(title)}
    forms |= {clean(m.group("title")) for m in rules.inner_title.compiled.finditer(title)}
    return {f for f in forms if f}


def _names(doc: Document) -> set[str]:
    return {clean(t) for t in (doc.meta.title, doc.meta.notice_title) if t}


def _numbers(doc: Document, known: tuple[str, ...] = ()) -> set[str]:
    nums = {normalise_doc_number(n) for n in known}
    if doc.meta.doc_number:
        nums.add(normalise_doc_number(doc.meta.doc_number))
    return nums


def _citable(doc: Document, key: str, known: tuple[str, ...] = ()) -> tuple[CitableDocument, list[str]]:
    """The document as a citation may name it, and the other numbers it is known by."""
    m = doc.meta
    numbers = [m.doc_number, *known] if m.doc_number else list(known)
    return CitableDocument(key, numbers[0] if numbers else None, [t for t in (m.title, m.notice_title) if t],
                           m.region.code if m.region else None), numbers[1:]


def _resolver(docs: list[Document], g, learned: dict[int, list[str]]) -> CitationResolver:
    citable = []
    for i, d in enumerate(docs):
        main, more = _citable(d, str(i), tuple(learned.get(i, ())))
        citable.append(main)
        # a plan cited with another number too (its notice's and its own) is known by each
        citable += [CitableDocument(str(i), n, main.titles, main.region_code) for n in more]
    return CitationResolver(citable, g.citations, g.metrics, g.places, central=False)


def _cited_as(cited: CitedDocument) -> str:
    return f"《{cited.title}》" + (cited.doc_number or "")


def find_citation(parent: Document, child: Document, g, known_numbers: tuple[str, ...] = ()) -> Citation:
    """How the child cites the parent: by number first (unambiguous), else by title (also abridged,
    misquoted, or named in `〈〉` inside the child's own title)."""
    resolver = _resolver([parent], g, {0: list(known_numbers)})
    by_title: Optional[str] = None
    for cited in citations_of(child, g.metrics):
        hit = resolver.resolve(cited.title, cited.doc_number)
        if hit is not None and hit.by == "doc_number":
            return Citation(cites_parent=True, by="doc_number", cited_as=_cited_as(cited))
        if hit is not None and by_title is None:
            by_title = _cited_as(cited)
    if by_title:
        return Citation(cites_parent=True, by="title", cited_as=by_title)
    return Citation(cites_parent=False)


def may_implement(child: Optional[str], parent: Optional[str]) -> bool:
    """By region codes (None: national): a plan implements a national one, or one of a place it lies in
    (a city, its province's); never one of another place (江西 under 四川), and a national plan no
    regional one."""
    if parent is None:
        return True
    if child is None:
        return False
    keep = 2 if parent.endswith("0000") else (4 if parent.endswith("00") else 6)
    return child[:keep] == parent[:keep]


def numbers_learned_from_citations(docs: list[Document], rules) -> dict[int, list[str]]:
    """A plan printed without its 发文字号 (a bare plan text) is known by the number others cite it with."""
    learned: dict[int, list[str]] = {}
    for i, d in enumerate(docs):
        names = _names(d)
        for other in docs:
            if other is d:
                continue
            for cited in other.meta.cited_documents:
                if cited.doc_number and names & _title_forms(cited.title, rules):
                    num = normalise_doc_number(cited.doc_number)
                    if num not in learned.setdefault(i, []):
                        learned[i].append(num)
    return learned


def build_chain(docs: list[Document], g, errors: Optional[dict[str, str]] = None) -> Chain:
    """Who implements whom among `docs` (g: the Grammars): every citation is a link to the document it
    resolves to among those its region allows (`may_implement`); a document directly implements the
    cited documents that are not already implemented by another document it cites."""
    learned = numbers_learned_from_citations(docs, g.metrics)
    resolver = _resolver(docs, g, learned)
    for ci, child in enumerate(docs):
        for cited in citations_of(child, g.metrics):
            resolver.learn_number(cited.title, cited.doc_number, exclude=str(ci))
    links: list[ChainLink] = []
    cites: dict[int, list[int]] = {i: [] for i in range(len(docs))}
    for ci, child in enumerate(docs):
        region = child.meta.region.code if child.meta.region else None
        for cited in citations_of(child, g.metrics):
            hit = resolver.resolve(cited.title, cited.doc_number, exclude=str(ci),
                                   allowed=lambda d: may_implement(region, d.region_code))
            if hit is None or int(hit.document.source) in cites[ci]:
                continue
            pi = int(hit.document.source)
            cites[ci].append(pi)
            links.append(ChainLink(child=child.source.path, parent=docs[pi].source.path, by=hit.by, cited_as=_cited_as(cited)))

    def ancestors(i: int) -> set[int]:
        seen: set[int] = set()
        stack = list(cites[i])
        while stack:
            j = stack.pop()
            if j not in seen:
                seen.add(j)
                stack += cites[j]
        return seen

    all_numbers = {n for i, d in enumerate(docs) for n in _numbers(d, tuple(learned.get(i, ())))}
    out: list[ChainDocument] = []
    for i, d in enumerate(docs):
        reached_through_others = set().union(*(ancestors(j) for j in cites[i])) if cites[i] else set()
        direct = [j for j in cites[i] if j not in reached_through_others]
        elsewhere = [f"《{c.title}》{c.doc_number}" for c in d.meta.cited_documents
                     if c.doc_number and normalise_doc_number(c.doc_number) not in all_numbers]
        out.append(ChainDocument(document=document_ref(d, learned.get(i)), implements=[docs[j].source.path for j in direct],
                                 cites_elsewhere=elsewhere))
    return Chain(documents=out, links=links, errors=dict(errors or {}))
