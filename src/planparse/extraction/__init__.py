"""Stage 4: meta, targets, deadlines and agencies for every clause (and, via tables, every task row)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..grammar import Grammars
from ..models import Agencies, AgencyMention, Deadline, Meta, Table, Target, Task, Warning
from ..normalise import NormalText
from ..segment import Segmentation
from .agencies import AgencyContext, AgencyParser, add_document_list
from .deadlines import deadlines_in
from .meta import extract_meta
from .tables import extract_tables
from .targets import qualitative_targets_in, targets_in


@dataclass
class Extraction:
    meta: Meta
    targets_by_clause: dict[str, list[Target]] = field(default_factory=dict)
    qualitative_by_clause: dict[str, list[Target]] = field(default_factory=dict)
    deadlines_by_clause: dict[str, list[Deadline]] = field(default_factory=dict)
    agencies_by_clause: dict[str, list[Agencies]] = field(default_factory=dict)
    mentions_by_clause: dict[str, list[AgencyMention]] = field(default_factory=dict)
    tasks: list[Task] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    table_targets: list[Target] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def extract_all(nt: NormalText, seg: Segmentation, g: Grammars) -> Extraction:
    meta = extract_meta(nt, seg, g)
    found = Extraction(meta=meta)
    year = meta.doc_year
    parser = AgencyParser(g, AgencyContext())
    for annex in seg.annexes:
        if annex.title and g.agencies.agency_list_title.compiled.search(annex.title):
            body = nt.text[annex.start : annex.end]
            add_document_list(parser, body.split(annex.title, 1)[-1])
    for c in seg.clauses:
        text = nt.text[c.body_start : c.end]
        found.targets_by_clause[c.id] = targets_in(text, g, year, c.body_start, clause_id=c.id)
        found.qualitative_by_clause[c.id] = qualitative_targets_in(text, g, year, c.body_start, clause_id=c.id)
        found.deadlines_by_clause[c.id] = deadlines_in(text, g, year, c.body_start, clause_id=c.id)
        found.agencies_by_clause[c.id] = parser.annotations_in(text, c.body_start, clause_id=c.id)
        found.mentions_by_clause[c.id] = parser.mentions_in(text, c.body_start)
        if year is None:
            for rule in g.deadlines.rules:
                m = rule.compiled.search(text) if rule.resolve.startswith("doc_") else None
                if m:
                    found.warnings.append(Warning(
                        code="relative-date-unresolved", clause_id=c.id, page=c.page,
                        message=f"'{m.group(0).strip()}' needs the document's year, which the document does not state"))
                    break
    tables = extract_tables(nt, seg, g, meta, parser)
    found.tasks, found.tables, found.table_targets = tables.tasks, tables.tables, tables.targets
    found.warnings.extend(tables.warnings)
    return found
