"""The facts of a Document that sit on its text, and the text with those facts as nested highlights.

Facts overlap (a target inside an agency annotation, a deadline inside a target), so a region of text
is cut at every fact boundary and the marks are re-opened where one crosses another: the HTML stays
well nested and every character carries every fact that covers it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..models import Document

FACT_KINDS = ("target", "deadline", "agency", "measure")


@dataclass
class Fact:
    """One extracted item with its place in the normalised text and the fields a reader checks."""

    fid: str
    kind: str  # one of FACT_KINDS
    start: int
    end: int
    text: str
    fields: dict
    clause_id: str | None = None
    task_seq: int | None = None
    year: int | None = None
    agencies: list[str] = field(default_factory=list)  # every name (as written and canonical) it involves
    boxes: list[tuple[int, tuple[float, float, float, float]]] = field(default_factory=list)  # (page, box) on the PDF


def _year_of(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _agency_names(a) -> list[str]:
    names = [*a.lead, *a.support, *a.responsible, *a.implementers, *a.implementers_inherited]
    names += [a.canonical[n] for n in names if n in a.canonical]
    return sorted(set(names))


def _clean(d: dict) -> dict:
    """The fields worth showing: no spans, no empty values."""
    drop = {"span", "text", "canonical", "clause_id", "task_seq", "table_index", "bbox", "bbox_pages", "paragraph"}
    return {k: v for k, v in d.items() if k not in drop and v not in (None, [], {}, "", False)}


def collect_facts(doc: Document) -> list[Fact]:
    """Every target, deadline, agency annotation and measure that has a span, in text order."""
    facts: list[Fact] = []

    def add(kind, item, fields, year=None, agencies=()):
        if item.span is None:
            return
        s, e = item.span
        if e <= s:
            return
        facts.append(Fact(
            fid="", kind=kind, start=s, end=e, text=getattr(item, "text", "") or "", fields=fields,
            clause_id=getattr(item, "clause_id", None), task_seq=getattr(item, "task_seq", None),
            year=year, agencies=list(agencies),
            boxes=list(zip(item.bbox_pages or (), item.bbox or ())),
        ))

    for t in doc.targets:
        add("target", t, _clean(t.model_dump(mode="json")), year=t.target_year)
    for d in doc.deadlines:
        add("deadline", d, _clean(d.model_dump(mode="json")), year=_year_of(d.date))
    for a in doc.agencies:
        fields = {role: "、".join(getattr(a, role)) for role in ("lead", "support", "responsible", "implementers", "implementers_inherited") if getattr(a, role)}
        if a.canonical:
            fields["canonical"] = "；".join(f"{k} → {v}" for k, v in sorted(a.canonical.items()))
        add("agency", a, fields, agencies=_agency_names(a))
    for m in getattr(doc, "measures", None) or []:
        add("measure", m, _clean(m.model_dump(mode="json")))
    facts.sort(key=lambda f: (f.start, -f.end, FACT_KINDS.index(f.kind)))
    for i, f in enumerate(facts):
        f.fid = f"f{i}"
    return facts


def render_marked(text: str, start: int, end: int, facts: list[Fact], anchored: set[str] | None = None) -> str:
    """HTML of text[start:end] with every fact overlapping it as <mark>, nested correctly.

    The first piece of a fact carries id="<fid>" (the anchor the tables link to); pieces re-opened
    after a crossing, or in a later region (pass the same `anchored` set), carry only data-f.
    """
    inside = [f for f in facts if f.start < end and f.end > start]
    cuts = {start, end}
    for f in inside:
        cuts.add(max(start, f.start))
        cuts.add(min(end, f.end))
    points = sorted(cuts)
    out: list[str] = []
    stack: list[Fact] = []
    anchored = set() if anchored is None else anchored
    order = {f.fid: i for i, f in enumerate(inside)}  # outer (earlier, longer) facts first
    for a, b in zip(points, points[1:]):
        active = sorted((f for f in inside if f.start <= a and f.end >= b), key=lambda f: order[f.fid])
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep] is active[keep]:
            keep += 1
        out.extend("</mark>" for _ in stack[keep:])
        del stack[keep:]
        for f in active[keep:]:
            anchor = f' id="{f.fid}"' if f.fid not in anchored else ""
            anchored.add(f.fid)
            year = f' data-year="{f.year}"' if f.year else ""
            ag = f' data-agencies="{escape("|".join(f.agencies))}"' if f.agencies else ""
            out.append(f'<mark class="hl k-{f.kind}"{anchor} data-f="{f.fid}"{year}{ag}>')
            stack.append(f)
        out.append(escape(text[a:b], quote=False))
    out.extend("</mark>" for _ in stack)
    return "".join(out)
