"""Renderers of a Comparison (text, json, csv, html) and of a Chain (text, json, dot, html).

They only read the models; nothing here decides what matches what.
"""
from __future__ import annotations

import io
import json
from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..emit import csv_text
from ..models import Document
from .models import Chain, Comparison, DocumentRef, TargetRef

VERDICT_STYLE = {"same": "green", "stricter": "bold cyan", "looser": "bold red", "not_comparable": "yellow",
                 "above_national": "cyan", "below_national": "magenta"}


def doc_label(d: DocumentRef) -> str:
    number = d.doc_number or (d.known_numbers[0] if d.known_numbers else None)
    name = d.title or d.notice_title or d.path
    return f"{number} {name}" if number else name


_CHANGE_BOUND = {">=": " or more", "<=": " at most"}


def target_value(t: TargetRef) -> str:
    """`>=20%` (a level), `-65% or more vs 2005` (a change keeps its sign first: a decrease is never read as
    a level `>=-65%`), `+2倍` … with the year: compact, comparable at a glance."""
    v = f"{t.value:g}" + (f"–{t.value_max:g}" if t.value_max is not None else "")
    sign = {"decrease": "-", "increase": "+"}.get(t.direction or "", "")
    base = f" vs {t.baseline_year}" if t.baseline_year else ""
    year = f" @{t.target_year}" if t.target_year else ""
    asp = " (aspiration)" if t.aspirational else ""
    if sign:
        about = "~" if t.comparator == "~" else ""
        return f"{about}{sign}{v}{t.unit or ''}{_CHANGE_BOUND.get(t.comparator or '', '')}{base}{year}{asp}"
    cmp = t.comparator if t.comparator in (">=", "<=", "~") else ""
    return f"{cmp}{v}{t.unit or ''}{base}{year}{asp}"


def where(t: TargetRef) -> str:
    return f"task {t.task_seq}" if t.task_seq is not None else (t.clause_id or "")


# --- text ------------------------------------------------------------------------------------------


def comparison_renderables(c: Comparison) -> list:
    out: list = []
    head = Text()
    head.append("parent: ", style="bold").append(doc_label(c.parent)).append(f"  ({c.parent.path})\n", style="dim")
    head.append("child:  ", style="bold").append(doc_label(c.child)).append(f"  ({c.child.path})\n", style="dim")
    cite = (f"cites the parent by {c.citation.by.replace('_', ' ')}: {c.citation.cited_as}" if c.citation.cites_parent
            else "does not cite the parent")
    head.append("citation: ", style="bold").append(cite)
    out.append(head)

    t = Table(title="Targets: parent → child", title_justify="left", show_lines=False)
    for col in ("verdict", "metric", "parent", "child", "where (parent → child)", "why"):
        t.add_column(col, overflow="fold")
    for p in c.targets.pairs:
        t.add_row(Text(p.verdict, style=VERDICT_STYLE[p.verdict]), p.child.metric or p.parent.metric or "",
                  target_value(p.parent), target_value(p.child), f"{where(p.parent)} → {where(p.child)}", p.reason)
    out.append(t)
    counts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in c.targets.counts.items() if n)
    out.append(Text(f"pairs: {counts or 'none'}"))

    places = "、".join(c.targets.child_places)
    for title, refs in (("Parent targets the child dropped", c.targets.dropped),
                        ("Child targets with no parent target", c.targets.added),
                        (f"Parent targets for regions the child ({places}) is not in", c.targets.other_regions)):
        if refs:
            table = Table(title=title, title_justify="left")
            for col in ("metric", "target", "set for", "where", "text"):
                table.add_column(col, overflow="fold")
            for r in refs:
                table.add_row(r.metric or "", target_value(r), "、".join(r.regions), where(r), r.text)
            out.append(table)

    cov = Table(title=f"Coverage of the parent's clauses (taken up at score ≥ {c.clauses.threshold:g})", title_justify="left")
    for col, just in (("section", "left"), ("heading", "left"), ("taken up", "right"), ("share", "right")):
        cov.add_column(col, justify=just, overflow="fold")
    for s in c.clauses.coverage:
        cov.add_row(s.section_id, s.heading or "", f"{s.taken_up}/{s.clauses}", f"{s.share:.0%}")
    cov.add_row("all", "", f"{sum(s.taken_up for s in c.clauses.coverage)}/{sum(s.clauses for s in c.clauses.coverage)}",
                f"{c.clauses.overall:.0%}", style="bold")
    out.append(cov)

    if c.clauses.not_taken_up:
        n = Table(title="Parent clauses nothing in the child takes up", title_justify="left")
        for col in ("clause", "heading", "best score"):
            n.add_column(col, overflow="fold")
        for p in c.clauses.not_taken_up:
            n.add_row(p.id, p.heading or "", f"{p.best_score:.2f}")
        out.append(n)

    m = Table(title="Child clauses and task rows → best parent clause", title_justify="left")
    for col in ("child", "heading", "parent", "heading ", "score"):
        m.add_column(col, overflow="fold")
    for x in c.clauses.matches:
        name = x.child_id if x.kind == "clause" else f"task {x.child_id}"
        style = None if x.matched else "dim"
        m.add_row(name, x.child_heading or "", x.parent_id if x.matched else "–", (x.parent_heading or "") if x.matched else "",
                  f"{x.score:.2f}", style=style)
    out.append(m)
    return out


def _to_text(renderables: list, width: int = 120) -> str:
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, soft_wrap=False)
    for r in renderables:
        console.print(r)
    return buf.getvalue()


def render_text(c: Comparison, width: int = 120) -> str:
    return _to_text(comparison_renderables(c), width)


# --- json, csv --------------------------------------------------------------------------------------


def render_json(model) -> str:
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


CSV_HEADER = ["record", "verdict", "score", "parent_where", "parent_metric_or_heading", "parent_target", "parent_text",
              "child_where", "child_metric_or_heading", "child_target", "child_text", "reason"]


def render_csv(c: Comparison) -> str:
    """One table for a spreadsheet: a `record` column says what each row is (target pair, dropped
    or added target, clause match, coverage of a section, parent clause not taken up)."""
    rows: list[list] = []
    for p in c.targets.pairs:
        rows.append(["target_pair", p.verdict, p.score, where(p.parent), p.parent.metric, target_value(p.parent), p.parent.text,
                     where(p.child), p.child.metric, target_value(p.child), p.child.text, p.reason])
    for r in c.targets.dropped:
        rows.append(["target_dropped", None, None, where(r), r.metric, target_value(r), r.text, None, None, None, None, None])
    for r in c.targets.added:
        rows.append(["target_added", None, None, None, None, None, None, where(r), r.metric, target_value(r), r.text, None])
    for r in c.targets.other_regions:
        rows.append(["target_other_region", "、".join(r.regions), None, where(r), r.metric, target_value(r), r.text,
                     None, None, None, None, None])
    for m in c.clauses.matches:
        child_where = m.child_id if m.kind == "clause" else f"task {m.child_id}"
        rows.append(["clause_match", "matched" if m.matched else "unmatched", m.score, m.parent_id, m.parent_heading, None, None,
                     child_where, m.child_heading, None, None, None])
    for s in c.clauses.coverage:
        rows.append(["section_coverage", f"{s.taken_up}/{s.clauses}", s.share, s.section_id, s.heading, None, None,
                     None, None, None, None, None])
    for p in c.clauses.not_taken_up:
        rows.append(["clause_not_taken_up", None, p.best_score, p.id, p.heading, None, None, None, None, None, None, None])
    return csv_text(CSV_HEADER, rows)


# --- html -------------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#222}
header{padding:12px 20px;background:#f4f6f8;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0 0 6px} h2{font-size:16px;margin:18px 20px 8px}
table{border-collapse:collapse;margin:0 20px 12px;font-size:13px} td,th{border:1px solid #ddd;padding:3px 6px;vertical-align:top}
th{background:#fafafa;text-align:left}
.same{color:#1b7f3b}.stricter{color:#0b61a4;font-weight:bold}.looser{color:#b3261e;font-weight:bold}.not_comparable{color:#8a6d00}
.above_national{color:#0b61a4}.below_national{color:#7a3e9d}
.cols{display:flex;gap:12px;padding:0 20px 20px}.col{flex:1;min-width:0;height:75vh;overflow-y:auto;border:1px solid #ddd;padding:6px 10px}
.col h3{position:sticky;top:-6px;background:#fff;margin:0;padding:6px 0;font-size:14px;border-bottom:1px solid #eee}
.item{padding:4px 6px;margin:3px 0;border-left:3px solid transparent;font-size:13px;line-height:1.5}
.item.section{font-weight:bold;background:#f7f7f7}.item.unmatched{border-left-color:#e0a0a0}.item.matched{border-left-color:#9fc79f}
.item.hl{background:#fff3b0}.id{color:#666;font-family:monospace;margin-right:6px}
.score{color:#666;font-size:12px;margin-left:6px}a{color:#0b61a4;text-decoration:none}a:hover{text-decoration:underline}
"""

_JS = """
function show(id){document.querySelectorAll('.hl').forEach(e=>e.classList.remove('hl'));
 (id||'').split(' ').forEach(function(x){var e=document.getElementById(x); if(e){e.classList.add('hl'); e.scrollIntoView({block:'center'});}});}
document.addEventListener('click',function(ev){var a=ev.target.closest('[data-show]'); if(a){ev.preventDefault(); show(a.getAttribute('data-show'));}});
"""


def _anchor(side: str, t: TargetRef) -> str:
    return f"{side}-t{t.task_seq}" if t.task_seq is not None else f"{side}-c{t.clause_id}"


def render_html(c: Comparison, parent: Document, child: Document) -> str:
    """A self-contained page: the comparison's tables, then the two plans side by side; every matched
    pair is linked (click a link: both ends are highlighted and scrolled into view). No network.
    Built by the template engine (report/templates/compare.html): every text and attribute escaped."""
    from ..report.safe_html import content_security_policy, render

    best = {(m.kind, m.child_id): m for m in c.clauses.matches}
    not_taken = {p.id for p in c.clauses.not_taken_up}
    covered_by: dict[str, list[str]] = {}
    for m in c.clauses.matches:
        if m.matched and m.parent_id:
            covered_by.setdefault(m.parent_id, []).append(("c" if m.kind == "clause" else "t") + m.child_id)

    rows = []
    for p in c.targets.pairs:
        pa, ca = _anchor("p", p.parent), _anchor("c", p.child)
        rows.append({"css": p.verdict, "verdict": p.verdict.replace("_", " "), "metric": p.child.metric or p.parent.metric,
                     "parent": {"href": pa, "show": [pa, ca], "value": target_value(p.parent), "text": p.parent.text},
                     "child": {"href": ca, "show": [pa, ca], "value": target_value(p.child), "text": p.child.text},
                     "why": p.reason})
    for r in c.targets.dropped:
        rows.append({"css": "looser", "verdict": "dropped", "metric": r.metric, "child": None, "why": "",
                     "parent": {"href": _anchor("p", r), "show": [_anchor("p", r)], "value": target_value(r), "text": r.text}})
    for r in c.targets.added:
        rows.append({"css": "stricter", "verdict": "added", "metric": r.metric, "parent": None, "why": "",
                     "child": {"href": _anchor("c", r), "show": [_anchor("c", r)], "value": target_value(r), "text": r.text}})
    for r in c.targets.other_regions:
        rows.append({"css": "", "verdict": f"other region ({'、'.join(r.regions)})", "metric": r.metric, "child": None,
                     "why": "", "parent": {"href": _anchor("p", r), "show": [_anchor("p", r)], "value": target_value(r), "text": r.text}})

    with_children = {x.parent_id for x in parent.clauses if x.parent_id}
    parent_items = []
    for cl in parent.clauses:
        state = "section" if cl.id in with_children else ("unmatched" if cl.id in not_taken else "matched")
        links = [{"href": f"c-{k}", "show": [f"p-c{cl.id}", f"c-{k}"], "label": k[1:] if k[0] == "c" else "task " + k[1:]}
                 for k in covered_by.get(cl.id, [])]
        parent_items.append({"state": state, "anchor": f"p-c{cl.id}", "label": f"{cl.marker} {cl.id}", "text": cl.text, "links": links})
    for t in parent.tasks:  # task rows of the parent: anchors for the targets they hold
        parent_items.append({"state": "", "anchor": f"p-t{t.seq}", "label": f"task {t.seq}", "text": t.content, "links": []})

    child_sections = {x.parent_id for x in child.clauses if x.parent_id}
    child_items = [_child_item("clause", cl.id, f"{cl.marker} {cl.id}", cl.text, best.get(("clause", cl.id)), cl.id in child_sections)
                   for cl in child.clauses]
    child_items += [_child_item("task", str(t.seq), f"task {t.seq}", t.content, best.get(("task", str(t.seq))), False)
                    for t in child.tasks]

    cite = (f"cites the parent by {c.citation.by.replace('_', ' ')}: {c.citation.cited_as}" if c.citation.cites_parent
            else "does not cite the parent")
    return render(
        "compare.html", csp=content_security_policy(_JS), css=_CSS, js=_JS,
        child_label=doc_label(c.child), parent_label=doc_label(c.parent), cite=cite,
        counts=", ".join(f"{n} {v.replace('_', ' ')}" for v, n in c.targets.counts.items() if n),
        dropped=len(c.targets.dropped), added=len(c.targets.added), other=len(c.targets.other_regions),
        overall=f"{c.clauses.overall:.0%}", threshold=f"{c.clauses.threshold:g}", target_rows=rows,
        coverage=[{"section_id": s.section_id, "heading": s.heading, "taken_up": s.taken_up, "clauses": s.clauses,
                   "share": f"{s.share:.0%}"} for s in c.clauses.coverage],
        parent_items=parent_items, child_items=child_items,
    )


def _child_item(kind: str, cid: str, label: str, text: str, m, is_section: bool) -> dict:
    anchor = ("c-c" if kind == "clause" else "c-t") + cid
    state = "section" if is_section else ("matched" if m and m.matched else "unmatched")
    takes_up = None
    if m and m.matched and m.parent_id:
        takes_up = {"href": f"p-c{m.parent_id}", "show": [anchor, f"p-c{m.parent_id}"], "label": f"{m.parent_id} {m.parent_heading or ''}".rstrip(),
                    "score": f"{m.score:.2f}"}
    return {"state": state, "anchor": anchor, "label": label, "text": text, "takes_up": takes_up}


# --- chain ------------------------------------------------------------------------------------------


def _implemented_by(chain: Chain) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {}
    for d in chain.documents:
        for p in d.implements:
            children.setdefault(p, []).append(d.document.path)
    return children


def chain_tree(chain: Chain) -> Tree:
    by_path = {d.document.path: d for d in chain.documents}
    children = _implemented_by(chain)
    tree = Tree("implementation chain (who implements whom, from citations)")

    def add(node, path: str, seen: frozenset) -> None:
        d = by_path[path]
        name = doc_label(d.document)
        label = Text(name, style="bold")
        label.append(f"  [{d.document.level or 'level unknown'}]" + (f"  {path}" if name != path else ""), style="dim")
        branch = node.add(label)
        for e in d.cites_elsewhere:
            branch.add(Text(f"cites, not in the directory: {e}", style="dim"))
        for kid in children.get(path, []):
            if kid not in seen:
                add(branch, kid, seen | {kid})

    for d in chain.documents:
        if not d.implements:
            add(tree, d.document.path, frozenset({d.document.path}))
    return tree


def render_chain_text(chain: Chain, width: int = 120) -> str:
    parts: list = [chain_tree(chain)]
    if chain.errors:
        parts.append(Text("\n".join(f"unreadable: {p}: {e}" for p, e in chain.errors.items())))
    return _to_text(parts, width)


def render_chain_dot(chain: Chain) -> str:
    """Graphviz: an edge parent -> child for each direct implementation, dashed for other citations."""
    ids = {d.document.path: f"d{i}" for i, d in enumerate(chain.documents)}
    lines = ["digraph chain {", "  rankdir=TB;", '  node [shape=box, fontname="Noto Sans CJK SC"];']
    for d in chain.documents:
        label = doc_label(d.document).replace('"', "'")
        lines.append(f'  {ids[d.document.path]} [label="{label}\\n{d.document.path}"];')
    direct = {(p, d.document.path) for d in chain.documents for p in d.implements}
    for link in chain.links:
        style = "" if (link.parent, link.child) in direct else " [style=dashed]"
        lines.append(f"  {ids[link.parent]} -> {ids[link.child]}{style};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_chain_html(chain: Chain) -> str:
    from ..report.safe_html import content_security_policy, render

    by_path = {d.document.path: d for d in chain.documents}
    children = _implemented_by(chain)

    def node(path: str, seen: frozenset) -> dict:
        d = by_path[path]
        kids = [k for k in children.get(path, []) if k not in seen]
        return {"label": doc_label(d.document), "level": d.document.level or "level unknown", "path": path,
                "elsewhere": list(d.cites_elsewhere), "kids": [node(k, seen | {k}) for k in kids]}

    roots = [node(d.document.path, frozenset({d.document.path})) for d in chain.documents if not d.implements]
    return render("chain.html", csp=content_security_policy(), css=_CSS, roots=roots, errors=list(chain.errors.items()))
