"""Flat rows of one Document for the tabular sinks (csv): compact, so the whole Document is not kept."""
from __future__ import annotations

from typing import Any

from .tables import citation_rows

CSV_TABLES = ("documents", "clauses", "targets", "tasks", "measures", "citations")

CSV_HEADERS: dict[str, list[str]] = {
    "documents": ["source", "format", "pages", "sha256", "notice_title", "title", "doc_number", "issuer",
                  "issue_date", "level", "clauses", "targets", "tasks", "warnings", "region", "region_code"],
    "clauses": ["source", "id", "marker", "level", "parent_id", "heading", "page", "line", "targets",
                "deadlines", "text"],
    "targets": ["source", "clause_id", "task_seq", "metric", "scope", "value", "value_max", "unit",
                "comparator", "direction", "baseline_year", "target_year", "aspirational", "text", "baseline_value",
                "metric_key"],
    "tasks": ["source", "seq", "category", "content", "deadline_text", "deadline_kind", "deadline_date",
              "lead", "support", "responsible", "implementers", "clause_id", "page"],
    "measures": ["source", "clause_id", "task_seq", "kind", "amount", "amount_max", "rate", "basis", "ratio", "cap",
                 "unit", "cap_unit", "recipient", "text"],
    "citations": ["source", "citation_no", "cited_title", "doc_number", "resolved_source", "resolved_title", "matched_by"],
}


def _yn(v: Any) -> Any:
    return ("true" if v else "false") if isinstance(v, bool) else v


def _join(names) -> str:
    return "、".join(names or [])


def csv_rows(doc, source: str, grammars_dir=None) -> dict[str, list[list]]:
    """Rows of one Document for the CSV tables, in CSV_HEADERS order."""
    m = doc.meta
    rows: dict[str, list[list]] = {
        "documents": [[
            source, doc.source.format, doc.source.pages, doc.source.sha256, m.notice_title, m.title,
            m.doc_number, _join(m.issuer), m.issue_date, m.level, len(doc.clauses), len(doc.targets),
            len(doc.tasks), len(doc.warnings), m.region.name if m.region else None, m.region.code if m.region else None,
        ]],
        "clauses": [
            [source, c.id, c.marker, c.level, c.parent_id, c.heading, c.page, c.line, len(c.targets),
             len(c.deadlines), c.text]
            for c in doc.clauses
        ],
        "targets": [
            [source, t.clause_id, t.task_seq, t.metric, t.scope, t.value, t.value_max, t.unit, t.comparator,
             t.direction, t.baseline_year, t.target_year, _yn(t.aspirational), t.text, t.baseline_value, t.metric_key]
            for t in doc.targets
        ],
        "tasks": [],
        "measures": [
            [source, x.clause_id, x.task_seq, x.kind, x.amount, x.amount_max, x.rate, x.basis, x.ratio, x.cap, x.unit,
             x.cap_unit, x.recipient, x.text]
            for x in doc.measures
        ],
        "citations": [list(r) for r in citation_rows(doc, source, grammars_dir)],
    }
    for t in doc.tasks:
        a = t.agencies
        d = t.deadline
        rows["tasks"].append([
            source, t.seq, t.category, t.content, t.deadline_text, d.kind if d else None, d.date if d else None,
            _join(a.lead) if a else "", _join(a.support) if a else "", _join(a.responsible) if a else "",
            _join(a.implementers) if a else "", t.clause_id, t.page,
        ])
    return rows
