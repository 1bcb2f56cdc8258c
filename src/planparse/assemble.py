"""Stage 5: put the stages' results together as the contract's Document."""
from __future__ import annotations

from .boxes import Locator, Placement, merge_lines
from .extraction import ClauseFacts, Extraction
from .ingest.base import RawDocument
from .models import Annex, Clause, Document, PageInfo, Source, Warning
from .normalise import NormalText
from .script import Restorer
from .segment import Segmentation


def assemble(raw: RawDocument, nt: NormalText, seg: Segmentation, found: Extraction) -> Document:
    clauses = []
    for c in seg.clauses:
        facts = found.clauses.get(c.id) or ClauseFacts()
        clauses.append(
            Clause(
                id=c.id, marker=c.marker, level=c.level, kind=c.kind, heading=c.heading,
                text=nt.text[c.body_start : c.end].strip(), parent_id=c.parent_id, page=c.page, line=c.line, marker_raw=c.marker_raw,
                span=(c.start, c.end), items=c.items,
                targets=facts.targets, qualitative_targets=facts.qualitative, deadlines=facts.deadlines,
                agencies=facts.agencies, agency_mentions=facts.mentions, measures=facts.measures,
            )
        )
    warnings = [Warning(code=code, message=msg) for code, msg in (*raw.warnings, *nt.warnings)]
    warnings += [Warning(code=code, message=msg, clause_id=cid) for code, msg, cid in seg.warnings]
    warnings += found.warnings
    warnings += [Warning(code=code, message=msg, page=page) for code, msg, page in raw.notes]
    page_info = [PageInfo(number=p.number, ocr=p.ocr, ocr_confidence=p.ocr_confidence, ocr_seconds=p.ocr_seconds) for p in raw.pages if p.number is not None]
    if not clauses:
        warnings.append(Warning(code="no-clauses", message="no numbered clause found: "
                                "the output has no clause tree"))
    targets = [t for c in clauses for t in c.targets] + [t for task in found.tasks for t in task.targets] + found.table_targets
    deadlines = [d for c in clauses for d in c.deadlines] + [task.deadline for task in found.tasks if task.deadline]
    agencies = [a for c in clauses for a in c.agencies] + [task.agencies for task in found.tasks if task.agencies]
    measures = [m for c in clauses for m in c.measures] + found.task_measures
    doc = Document(
        source=Source(path=raw.path, sha256=raw.sha256, format=raw.format, pages=raw.page_count, encoding=raw.encoding,
                      page_info=page_info),
        meta=found.meta,
        clauses=clauses,
        targets=targets,
        tasks=found.tasks,
        tables=found.tables,
        warnings=warnings,
        annexes=[Annex(label=a.label, title=a.title, text=nt.text[a.start : a.end], span=(a.start, a.end), page=a.page) for a in seg.annexes],
        deadlines=deadlines,
        agencies=agencies,
        measures=measures,
    )
    place_facts(doc, Locator(nt))
    if nt.original_text is not None:
        # Rules matched the simplified fold of a traditional-script text: quote the document as written.
        Restorer(nt.text, nt.original_text).model([doc.meta, doc.clauses, doc.tasks, doc.tables, doc.annexes, doc.targets,
                                                   doc.deadlines, doc.agencies, doc.measures])
    return doc


def _set(fact, where: Placement, *, page: bool = True) -> None:
    if page:
        fact.page = where.page
    fact.bbox, fact.bbox_pages, fact.paragraph = where.bbox, where.bbox_pages, where.paragraph


def place_facts(doc: Document, locator: Locator) -> None:
    """Every clause, target, deadline, agency annotation, measure and task row gets where it stands
    in the source (page, boxes, Word paragraph), from its span. A clause keeps the page segmenting
    gave it. A fact read from a ruled table's cell (no span) keeps the cell's box the table stage gave
    it, and a task row its row's; a task row of a table in the text is where its cells with a span stand."""
    for clause in doc.clauses:
        _set(clause, locator.place(clause.span), page=False)
    seen: set[int] = set()
    facts = [*doc.targets, *doc.deadlines, *doc.agencies, *doc.measures,
             *(t for c in doc.clauses for t in c.qualitative_targets),
             *(f for task in doc.tasks for f in (task.deadline, task.agencies, *task.targets) if f is not None)]
    for fact in facts:
        if id(fact) not in seen and fact.span is not None:
            seen.add(id(fact))
            _set(fact, locator.place(fact.span))
    for task in doc.tasks:
        if task.bbox is None:
            cells = [f for f in (task.deadline, task.agencies, *task.targets) if f is not None]
            where = merge_lines([Placement(f.page, f.bbox, f.bbox_pages, f.paragraph) for f in cells])
            _set(task, where, page=task.page is None)
