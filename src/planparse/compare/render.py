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


def _esc(s) -> str:
    from html import escape

    return escape("" if s is None else str(s), quote=True)


def _anchor(side: str, t: TargetRef) -> str:
    return f"{side}-t{t.task_seq}" if t.task_seq is not None else f"{side}-c{t.clause_id}"


def render_html(c: Comparison, parent: Document, child: Document) -> str:
    """A self-contained page: the comparison's tables, then the two plans side by side; every matched
    pair is linked (click a link: both ends are highlighted and scrolled into view). No network."""
    best = {(m.kind, m.child_id): m for m in c.clauses.matches}
    not_taken = {p.id for p in c.clauses.not_taken_up}
    covered_by: dict[str, list[str]] = {}
    for m in c.clauses.matches:
        if m.matched and m.parent_id:
            covered_by.setdefault(m.parent_id, []).append(("c" if m.kind == "clause" else "t") + m.child_id)

    h: list[str] = ["<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>",
                    f"<title>{_esc(doc_label(c.child))} ← {_esc(doc_label(c.parent))}</title>",
                    f"<style>{_CSS}</style></head><body><header>",
                    f"<h1>{_esc(doc_label(c.child))}</h1>",
                    f"<div>implements <b>{_esc(doc_label(c.parent))}</b></div>"]
    cite = (f"cites the parent by {_esc(c.citation.by.replace('_', ' '))}: {_esc(c.citation.cited_as)}" if c.citation.cites_parent
            else "does not cite the parent")
    counts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in c.targets.counts.items() if n)
    h.append(f"<div>{cite}. Targets: {_esc(counts or 'no pairs')}, {len(c.targets.dropped)} dropped, {len(c.targets.added)} added, "
             f"{len(c.targets.other_regions)} for other regions. "
             f"Clauses taken up: {c.clauses.overall:.0%}.</div></header>")

    h.append("<h2>Targets</h2><table><tr><th>verdict</th><th>metric</th><th>parent</th><th>child</th><th>why</th></tr>")
    for p in c.targets.pairs:
        pa, ca = _anchor("p", p.parent), _anchor("c", p.child)
        h.append(f"<tr><td class='{p.verdict}'>{_esc(p.verdict.replace('_', ' '))}</td><td>{_esc(p.child.metric or p.parent.metric)}</td>"
                 f"<td><a href='#{pa}' data-show='{pa} {ca}'>{_esc(target_value(p.parent))}</a><br><small>{_esc(p.parent.text)}</small></td>"
                 f"<td><a href='#{ca}' data-show='{pa} {ca}'>{_esc(target_value(p.child))}</a><br><small>{_esc(p.child.text)}</small></td>"
                 f"<td>{_esc(p.reason)}</td></tr>")
    for r in c.targets.dropped:
        a = _anchor("p", r)
        h.append(f"<tr><td class='looser'>dropped</td><td>{_esc(r.metric)}</td><td><a href='#{a}' data-show='{a}'>{_esc(target_value(r))}</a>"
                 f"<br><small>{_esc(r.text)}</small></td><td>–</td><td></td></tr>")
    for r in c.targets.added:
        a = _anchor("c", r)
        h.append(f"<tr><td class='stricter'>added</td><td>{_esc(r.metric)}</td><td>–</td><td><a href='#{a}' data-show='{a}'>{_esc(target_value(r))}</a>"
                 f"<br><small>{_esc(r.text)}</small></td><td></td></tr>")
    for r in c.targets.other_regions:
        a = _anchor("p", r)
        h.append(f"<tr><td>other region ({_esc('、'.join(r.regions))})</td><td>{_esc(r.metric)}</td><td><a href='#{a}' data-show='{a}'>"
                 f"{_esc(target_value(r))}</a><br><small>{_esc(r.text)}</small></td><td>–</td><td></td></tr>")
    h.append("</table>")

    h.append(f"<h2>Coverage of the parent's clauses (score ≥ {c.clauses.threshold:g})</h2><table><tr><th>section</th><th>heading</th><th>taken up</th><th>share</th></tr>")
    for s in c.clauses.coverage:
        h.append(f"<tr><td>{_esc(s.section_id)}</td><td>{_esc(s.heading)}</td><td>{s.taken_up}/{s.clauses}</td><td>{s.share:.0%}</td></tr>")
    h.append(f"<tr><th>all</th><th></th><th></th><th>{c.clauses.overall:.0%}</th></tr></table>")

    h.append("<div class='cols'><div class='col'><h3>parent: " + _esc(doc_label(c.parent)) + "</h3>")
    with_children = {x.parent_id for x in parent.clauses if x.parent_id}
    for cl in parent.clauses:
        links = covered_by.get(cl.id, [])
        state = "section" if cl.id in with_children else ("unmatched" if cl.id in not_taken else "matched")
        more = " ".join(f"<a href='#c-{k}' data-show='p-c{_esc(cl.id)} c-{k}'>{_esc(k[1:] if k[0] == 'c' else 'task ' + k[1:])}</a>" for k in links)
        h.append(f"<div class='item {state}' id='p-c{_esc(cl.id)}'><span class='id'>{_esc(cl.marker)} {_esc(cl.id)}</span>{_esc(cl.text)}"
                 + (f"<div class='score'>taken up by {more}</div>" if more else "") + "</div>")
    for t in parent.tasks:   # task rows of the parent: anchors for the targets they hold
        h.append(f"<div class='item' id='p-t{t.seq}'><span class='id'>task {t.seq}</span>{_esc(t.content)}</div>")
    h.append("</div><div class='col'><h3>child: " + _esc(doc_label(c.child)) + "</h3>")
    child_sections = {x.parent_id for x in child.clauses if x.parent_id}
    for cl in child.clauses:
        h.append(_child_item("clause", cl.id, f"{cl.marker} {cl.id}", cl.text, best.get(("clause", cl.id)), cl.id in child_sections))
    for t in child.tasks:
        h.append(_child_item("task", str(t.seq), f"task {t.seq}", t.content, best.get(("task", str(t.seq))), False))
    h.append(f"</div></div><script>{_JS}</script></body></html>\n")
    return "".join(h)


def _child_item(kind: str, cid: str, label: str, text: str, m, is_section: bool) -> str:
    anchor = ("c-c" if kind == "clause" else "c-t") + cid
    state = "section" if is_section else ("matched" if m and m.matched else "unmatched")
    link = ""
    if m and m.matched and m.parent_id:
        link = (f"<div class='score'>takes up <a href='#p-c{_esc(m.parent_id)}' data-show='{anchor} p-c{_esc(m.parent_id)}'>"
                f"{_esc(m.parent_id)} {_esc(m.parent_heading)}</a> ({m.score:.2f})</div>")
    return f"<div class='item {state}' id='{anchor}'><span class='id'>{_esc(label)}</span>{_esc(text)}{link}</div>"


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
    by_path = {d.document.path: d for d in chain.documents}
    children = _implemented_by(chain)

    def node(path: str, seen: frozenset) -> str:
        d = by_path[path]
        out = [f"<li><b>{_esc(doc_label(d.document))}</b> <small>[{_esc(d.document.level or 'level unknown')}] {_esc(path)}</small>"]
        if d.cites_elsewhere:
            out.append("<div><small>cites, not in the directory: " + _esc("; ".join(d.cites_elsewhere)) + "</small></div>")
        kids = [k for k in children.get(path, []) if k not in seen]
        if kids:
            out.append("<ul>" + "".join(node(k, seen | {k}) for k in kids) + "</ul>")
        return "".join(out) + "</li>"

    roots = [d.document.path for d in chain.documents if not d.implements]
    errs = "".join(f"<li>{_esc(p)}: {_esc(e)}</li>" for p, e in chain.errors.items())
    return ("<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>implementation chain</title>"
            f"<style>{_CSS} ul{{line-height:1.7}}</style></head><body><header><h1>Implementation chain</h1>"
            "<div>who implements whom, from the citations (发文字号 or title) of every document</div></header>"
            "<ul>" + "".join(node(r, frozenset({r})) for r in roots) + "</ul>"
            + (f"<h2>Unreadable</h2><ul>{errs}</ul>" if errs else "") + "</body></html>\n")
