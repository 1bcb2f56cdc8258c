"""Stage 4: meta, targets, deadlines and agencies for every clause (and, via tables, every task row)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..grammar import Grammars
from ..models import Agencies, AgencyMention, Deadline, Measure, Meta, Table, Target, Task, Warning
from ..normalise import NormalText
from ..segment import Segmentation
from ..text import SpanSet
from .agencies import AgencyContext, AgencyParser, add_document_list
from .agency_names import apply_first_listed_lead, place_canonical_names
from .deadlines import deadlines_in, find_windows
from .measures import measures_in
from .meta import extract_meta
from .table_text import indicator_grids
from .tables import extract_tables
from .targets import GoalYear, qualitative_targets_in, targets_in
from .validity import read_validity


@dataclass
class ClauseFacts:
    """What the passes read from one clause. They run in a declared order, each claiming what the next
    must not read again: the document's validity clause, then measures (their numbers are no targets),
    targets and qualitative goals, deadlines, and last the agencies (annotations and sentence subjects)."""

    measures: list[Measure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    qualitative: list[Target] = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)
    agencies: list[Agencies] = field(default_factory=list)
    mentions: list[AgencyMention] = field(default_factory=list)


@dataclass
class Extraction:
    meta: Meta
    clauses: dict[str, ClauseFacts] = field(default_factory=dict)  # clause id -> its facts
    tasks: list[Task] = field(default_factory=list)
    task_measures: list[Measure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    table_targets: list[Target] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)


def extract_all(nt: NormalText, seg: Segmentation, g: Grammars) -> Extraction:
    meta = extract_meta(nt, seg, g)
    validity = read_validity(nt.text, g, meta.issue_date)
    meta.effective_from, meta.valid_until = validity.effective_from, validity.valid_until
    validity_spans = SpanSet(validity.spans)
    found = Extraction(meta=meta)
    year = meta.doc_year
    parser = AgencyParser(g, AgencyContext())
    for annex in seg.annexes:
        if annex.title and g.agencies.agency_list_title.compiled.search(annex.title):
            body = nt.text[annex.start : annex.end]
            add_document_list(parser, body.split(annex.title, 1)[-1])
    # Indicator tables flattened into the body are read as tables, not as prose: their lines are
    # blanked out of the text the prose readers see (same offsets).
    indicator = indicator_grids(nt, g)
    prose = blank_spans(nt.text, [grid.span for grid in indicator if grid.span])
    parents = {c.parent_id for c in seg.clauses}
    task_level = 0
    # A standing rule in the front matter (`以下各项工作均需各区政府负责落实。`) holds for every task.
    parser.declare_standing_in(nt.text[: seg.clauses[0].start] if seg.clauses else "")
    goals: dict[str, GoalYear] = {}
    review: set[str] = set()
    windows = find_windows(nt.text, g)
    for c in seg.clauses:
        text = prose[c.body_start : c.end]
        # A goal section (主要目标, 发展目标 …) gives its year to its sub-clauses too.
        goal = GoalYear() if c.heading and g.targets.goal_section.compiled.search(c.heading) else goals.get(c.parent_id)
        if goal is not None:
            goals[c.id] = goal
        facts = found.clauses[c.id] = ClauseFacts()
        if c.parent_id in review or (c.heading and g.targets.review_section.compiled.search(c.heading)):
            review.add(c.id)  # 发展基础: what was done, neither goals nor deadlines (nor measures)
        else:
            # Policy instruments and the validity clause claim their numbers: they are no targets, nor deadlines.
            facts.measures = measures_in(text, g, c.body_start, clause_id=c.id)
            claimed = SpanSet([*validity.spans, *(m.span for m in facts.measures)])
            facts.targets = targets_in(text, g, year, c.body_start, clause_id=c.id, goal=goal, windows=windows, claimed=claimed)
            facts.qualitative = qualitative_targets_in(text, g, year, c.body_start, clause_id=c.id, windows=windows)
            facts.deadlines = [d for d in deadlines_in(text, g, year, c.body_start, clause_id=c.id, windows=windows)
                               if not validity_spans.overlaps(*d.span)]
        had_standing_rule = bool(parser.ctx.standing_implementers)
        facts.agencies = parser.annotations_in(text, c.body_start, clause_id=c.id)
        parser.declare_standing_in(text, [a.span for a in facts.agencies if a.span], c.body_start)
        if not had_standing_rule and parser.ctx.standing_implementers:
            task_level = c.level
        elif had_standing_rule and not facts.agencies and c.id not in parents and c.level >= task_level:
            # A standing rule (`以下各项工作均需…落实`) names the implementers of every later task (a clause
            # without sub-clauses, at least as deep as the one declaring it), also of one with no annotation.
            facts.agencies = [parser.inherited_entry(clause_id=c.id)]
        facts.mentions = parser.mentions_in(text, c.body_start)
        if year is None:
            for rule in g.deadlines.rules:
                m = rule.compiled.search(text) if rule.resolve.startswith("doc_") else None
                if m:
                    found.warnings.append(Warning(
                        code="relative-date-unresolved", clause_id=c.id, page=c.page,
                        message=f"'{m.group(0).strip()}' needs the document's year, which the document does not state"))
                    break
    if year is not None and meta.title and g.meta.year_report_title.compiled.search(meta.title):
        # A 政府工作报告 sets this year's work: a count in its work list is a goal of the year (its review
        # part gives no targets at all).
        for facts in found.clauses.values():
            for t in facts.targets:
                if t.target_year is None:
                    t.target_year = year
    _keep_bare_annotations_if_systematic(found, parser, g)
    tables = extract_tables(nt, seg, g, meta, parser, indicator)
    found.tasks, found.tables, found.table_targets = tables.tasks, tables.tables, tables.targets
    found.task_measures = tables.measures
    found.warnings.extend(tables.warnings)
    entries = [a for facts in found.clauses.values() for a in facts.agencies] + [t.agencies for t in found.tasks if t.agencies]
    if g.agencies.first_listed_lead.compiled.search(nt.text):
        apply_first_listed_lead(entries)
    place_canonical_names(entries, [m for facts in found.clauses.values() for m in facts.mentions], meta, g)
    return found


# What a blanked-out stretch is filled with: no word, no number, no space (U+FFFC, an object stands here).
_FILLER = "\ufffc"


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span blanked out (offsets kept): what is there is not prose. A line break at
    either end keeps the sentences before and after apart; between them a filler that no rule reads
    (not whitespace: a long run of it made the readers that look for a label after each line break
    quadratic)."""
    parts, pos = [], 0
    for a, b in sorted(spans):
        if a < pos or b <= a:
            continue
        parts += [text[pos:a], "\n" + _FILLER * (b - a - 2) + "\n" if b - a >= 2 else "\n" * (b - a)]
        pos = b
    return "".join(parts) + text[pos:]


def _keep_bare_annotations_if_systematic(found: Extraction, parser: AgencyParser, g: Grammars) -> None:
    """Bare parentheses of names are responsibility annotations only where the document annotates its tasks
    that way; a single one is a remark, not an annotation."""
    bare = parser.ctx.bare_entries
    if not bare or len(bare) >= g.agencies.bare_min_per_document:
        return
    for facts in found.clauses.values():
        facts.agencies = [a for a in facts.agencies if id(a) not in bare]

