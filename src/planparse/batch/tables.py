"""The analysis tables of a batch (DuckDB and Parquet sinks): one schema, typed, with keys.

documents   one row per document                          key (source)
clauses     one row per numbered clause                   key (source, clause_id), parent (source, parent_id)
targets     one row per quantified target                 key (source, target_no)
deadlines   one row per deadline                          key (source, deadline_no)
agencies    one row per agency name in an annotation      key (source, agency_no, name_no)
tasks       one row per task-table row                    key (source, seq)
measures    one row per policy instrument (若干措施)        key (source, measure_no)
citations   one row per document a document cites          key (source, citation_no)

Every table has `source` (the input path as found, the documents key). `clause_id` joins clauses, and
`task_seq` joins tasks (seq), from targets, deadlines and agencies. `citations.resolved_source` is the
`source` of the cited document when it is in the same batch (resolved when the batch ends). Dates are DATE, values DOUBLE,
years and counts INTEGER, flags BOOLEAN, name lists VARCHAR[]."""
from __future__ import annotations

import datetime as dt
import json
from typing import Optional

from ..models import Measure

# (column, type): the types are DuckDB's names; parquet.py maps them to Arrow types.
SCHEMA: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("source", "VARCHAR"), ("sha256", "VARCHAR"), ("format", "VARCHAR"), ("pages", "INTEGER"),
        ("encoding", "VARCHAR"), ("notice_title", "VARCHAR"), ("title", "VARCHAR"), ("doc_number", "VARCHAR"),
        ("issuer", "VARCHAR[]"), ("issue_date", "DATE"), ("level", "VARCHAR"), ("doc_year", "INTEGER"),
        ("recipients", "VARCHAR[]"), ("cited_doc_numbers", "VARCHAR[]"), ("cited_titles", "VARCHAR[]"),
        ("clauses", "INTEGER"), ("targets", "INTEGER"), ("tasks", "INTEGER"), ("warnings", "INTEGER"),
        ("effective_from", "DATE"), ("valid_until", "DATE"), ("measures", "INTEGER"),
        ("region", "VARCHAR"), ("region_code", "VARCHAR"),
    ],
    "clauses": [
        ("source", "VARCHAR"), ("clause_id", "VARCHAR"), ("clause_no", "INTEGER"), ("parent_id", "VARCHAR"),
        ("marker", "VARCHAR"), ("level", "INTEGER"), ("heading", "VARCHAR"), ("text", "VARCHAR"),
        ("page", "INTEGER"), ("line", "INTEGER"),
    ],
    "targets": [
        ("source", "VARCHAR"), ("target_no", "INTEGER"), ("clause_id", "VARCHAR"), ("task_seq", "INTEGER"),
        ("metric", "VARCHAR"), ("scope", "VARCHAR"), ("value", "DOUBLE"), ("value_max", "DOUBLE"),
        ("unit", "VARCHAR"), ("comparator", "VARCHAR"), ("direction", "VARCHAR"), ("baseline_year", "INTEGER"),
        ("target_year", "INTEGER"), ("aspirational", "BOOLEAN"), ("qualitative", "BOOLEAN"),
        ("table_index", "INTEGER"), ("text", "VARCHAR"), ("baseline_value", "DOUBLE"), ("metric_key", "VARCHAR"),
    ],
    "deadlines": [
        ("source", "VARCHAR"), ("deadline_no", "INTEGER"), ("clause_id", "VARCHAR"), ("task_seq", "INTEGER"),
        ("kind", "VARCHAR"), ("date", "DATE"), ("start", "DATE"), ("text", "VARCHAR"),
    ],
    "agencies": [
        ("source", "VARCHAR"), ("agency_no", "INTEGER"), ("name_no", "INTEGER"), ("clause_id", "VARCHAR"),
        ("task_seq", "INTEGER"), ("role", "VARCHAR"), ("name", "VARCHAR"), ("canonical", "VARCHAR"),
        ("inherited", "BOOLEAN"), ("text", "VARCHAR"),
    ],
    "tasks": [
        ("source", "VARCHAR"), ("seq", "INTEGER"), ("clause_id", "VARCHAR"), ("category", "VARCHAR"),
        ("content", "VARCHAR"), ("measures", "VARCHAR"), ("deadline_text", "VARCHAR"), ("deadline_kind", "VARCHAR"),
        ("deadline_date", "DATE"), ("page", "INTEGER"), ("table_title", "VARCHAR"),
    ],
    "measures": [
        ("source", "VARCHAR"), ("measure_no", "INTEGER"), ("clause_id", "VARCHAR"), ("task_seq", "INTEGER"),
        ("kind", "VARCHAR"), ("value", "DOUBLE"), ("value_max", "DOUBLE"), ("cap", "DOUBLE"), ("unit", "VARCHAR"),
        ("recipient", "VARCHAR"), ("text", "VARCHAR"), ("fields", "VARCHAR"), ("rate", "DOUBLE"), ("basis", "VARCHAR"),
        ("ratio", "VARCHAR"), ("cap_unit", "VARCHAR"),
    ],
    # doc_number: as cited, else the number of the document the title names; resolved_title: that
    # document's title; matched_by: doc_number or title; resolved_source: that document in this batch.
    "citations": [
        ("source", "VARCHAR"), ("citation_no", "INTEGER"), ("cited_title", "VARCHAR"), ("doc_number", "VARCHAR"),
        ("resolved_source", "VARCHAR"), ("resolved_title", "VARCHAR"), ("matched_by", "VARCHAR"),
    ],
}
TABLES = tuple(SCHEMA)

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("source",),
    "clauses": ("source", "clause_id"),
    "targets": ("source", "target_no"),
    "deadlines": ("source", "deadline_no"),
    "agencies": ("source", "agency_no", "name_no"),
    "tasks": ("source", "seq"),
    "measures": ("source", "measure_no"),
    "citations": ("source", "citation_no"),
}

AGENCY_ROLES = ("lead", "support", "responsible", "implementers")


def _date(s: Optional[str]) -> Optional[dt.date]:
    """An ISO date of the contract as a date; a partial or odd one (kept in `text`) as NULL."""
    if not s:
        return None
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        return None


def _measure_row(source: str, i: int, m: Measure) -> tuple:
    """A measure's columns: `value`/`value_max` are its sum (amount), `rate` its percent; `fields` holds the
    whole measure as JSON (what a later addition to the model adds is never lost here)."""
    return (
        source, i, m.clause_id, m.task_seq, m.kind, m.amount, m.amount_max, m.cap, m.unit, m.recipient, m.text,
        json.dumps(m.model_dump(mode="json"), ensure_ascii=False, sort_keys=True), m.rate, m.basis, m.ratio, m.cap_unit,
    )


def document_rows(doc, source: str, grammars_dir: Optional[str] = None) -> dict[str, list[tuple]]:
    """The rows of one Document for every table, in SCHEMA column order."""
    m = doc.meta
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    rows["documents"].append((
        source, doc.source.sha256, doc.source.format, doc.source.pages, doc.source.encoding, m.notice_title,
        m.title, m.doc_number, list(m.issuer), _date(m.issue_date), m.level, m.doc_year, list(m.recipients),
        [c.doc_number for c in m.cited_documents if c.doc_number], [c.title for c in m.cited_documents],
        len(doc.clauses), len(doc.targets), len(doc.tasks), len(doc.warnings),
        _date(m.effective_from), _date(m.valid_until), len(doc.measures),
        m.region.name if m.region else None, m.region.code if m.region else None,
    ))
    for i, c in enumerate(doc.clauses):
        rows["clauses"].append((source, c.id, i, c.parent_id, c.marker, c.level, c.heading, c.text, c.page, c.line))
    for i, t in enumerate(doc.targets):
        rows["targets"].append((
            source, i, t.clause_id, t.task_seq, t.metric, t.scope, t.value, t.value_max, t.unit, t.comparator,
            t.direction, t.baseline_year, t.target_year, t.aspirational, t.qualitative, t.table_index, t.text,
            t.baseline_value, t.metric_key,
        ))
    for i, d in enumerate(doc.deadlines):
        rows["deadlines"].append((source, i, d.clause_id, d.task_seq, d.kind, _date(d.date), _date(d.start), d.text))
    for i, a in enumerate(doc.agencies):
        inherited = set(a.implementers_inherited)
        named = [(role, name) for role in AGENCY_ROLES for name in getattr(a, role)]
        named += [("implementers", name) for name in a.implementers_inherited if name not in a.implementers]
        for k, (role, name) in enumerate(named):
            rows["agencies"].append((
                source, i, k, a.clause_id, a.task_seq, role, name, a.canonical.get(name),
                role == "implementers" and name in inherited, a.text,
            ))
    for t in doc.tasks:
        d = t.deadline
        rows["tasks"].append((
            source, t.seq, t.clause_id, t.category, t.content, t.measures, t.deadline_text, d.kind if d else None,
            _date(d.date) if d else None, t.page, t.table_title,
        ))
    for i, meas in enumerate(doc.measures):
        rows["measures"].append(_measure_row(source, i, meas))
    rows["citations"] = citation_rows(doc, source, grammars_dir)
    return rows


def citation_rows(doc, source: str, grammars_dir: Optional[str] = None) -> list[tuple]:
    """The documents a Document cites, each resolved against the central documents of citations.toml:
    a title gets its 文号 and a 文号 its title. Documents of the same batch are resolved when it ends
    (`link_citations`)."""
    from ..compare.resolve import CitationResolver, citations_of
    from ..grammar import load_grammars

    g = load_grammars(grammars_dir)
    resolver = CitationResolver([], g.citations, g.metrics, g.places)
    out = []
    for i, c in enumerate(citations_of(doc, g.metrics)):
        hit = resolver.resolve(c.title, c.doc_number)
        out.append((source, i, c.title, c.doc_number or (hit.document.number if hit else None), None,
                    hit.document.titles[0] if hit else None, hit.by if hit else None))
    return out


def citable(documents: list[tuple], columns: list[str]) -> list[tuple]:
    """(source, doc_number, title, notice_title) of rows of a documents table with these columns."""
    col = {c: k for k, c in enumerate(columns)}
    return [(d[col["source"]], d[col["doc_number"]] or None, d[col["title"]] or None, d[col["notice_title"]] or None)
            for d in documents]


def link_citations(documents: list[tuple], citations: list[tuple], grammars_dir: Optional[str] = None) -> list[tuple]:
    """The citations rows with `resolved_source` set where the cited document is one of `documents`
    ((source, doc_number, title, notice_title), see `citable`), by its 文号 or its title; a citation by
    title then gets that document's number, and one by number its title. A document never resolves to
    itself."""
    from ..compare.resolve import CitableDocument, CitationResolver
    from ..grammar import load_grammars

    g = load_grammars(grammars_dir)
    batch = [CitableDocument(src, number, [t for t in (title, notice) if t]) for src, number, title, notice in documents]
    resolver = CitationResolver(batch, g.citations, g.metrics, g.places, central=False)
    for source, _, title, number, *_ in citations:
        resolver.learn_number(title, number or None, exclude=source)
    out = []
    for source, no, title, number, _, resolved_title, matched_by in citations:
        number, resolved_title, matched_by = number or None, resolved_title or None, matched_by or None  # CSV: ''
        hit = resolver.resolve(title, number, exclude=source)
        if hit is None:
            out.append((source, no, title, number, None, resolved_title, matched_by))
            continue
        d = hit.document
        out.append((source, no, title, number or d.number, d.source, resolved_title or (d.titles[0] if d.titles else None),
                    matched_by if matched_by == "doc_number" else hit.by))
    return out
