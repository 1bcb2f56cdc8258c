"""One document's report: a self-contained HTML page where every extracted fact sits on its text.

Layout: a summary (meta, counts, charts), then the clause outline on the left and the normalised text
in the middle with every fact highlighted at its span, then sortable tables of targets, deadlines,
measures, task rows and warnings whose rows link back to the text. CSS and JS are inlined from
`static/`, so the file works from file:// with no network.
"""
from __future__ import annotations

from collections import Counter
from html import escape
from importlib import resources

from ..models import Document
from .charts import bar_chart
from .index import entry_script
from .marks import FACT_KINDS, Fact, collect_facts, render_marked
from .page_images import PageImage
from .safe_html import content_security_policy, render, script_json

KIND_LABELS = {"target": "目标 targets", "deadline": "时限 deadlines", "agency": "单位 agencies", "measure": "措施 measures"}
_ROLES = ("lead", "support", "responsible", "implementers")


def _static(name: str) -> str:
    return resources.files("planparse.report").joinpath("static", name).read_text(encoding="utf-8")


def _e(v) -> str:
    return "" if v is None else escape(str(v))


def _clause_anchor(cid: str | None) -> str:
    return f"c-{_e(cid)}" if cid else ""  # escaped: ids come from JSON a user may have written


def _regions(doc: Document, n: int) -> list[tuple[str, str | None, int, int]]:
    """The text cut into (kind, key, start, end): preamble, each clause, each annex; nothing left out."""
    starts = [("clause", c.id, c.span[0]) for c in doc.clauses] + [("annex", str(i), a.span[0]) for i, a in enumerate(doc.annexes)]
    starts.sort(key=lambda x: x[2])
    out = []
    if not starts or starts[0][2] > 0:
        out.append(("preamble", None, 0, starts[0][2] if starts else n))
    for i, (kind, key, s) in enumerate(starts):
        e = starts[i + 1][2] if i + 1 < len(starts) else n
        if e > s:
            out.append((kind, key, s, e))
    return out


def _counts(facts: list[Fact]) -> dict[str, Counter]:
    by_clause: dict[str, Counter] = {}
    for f in facts:
        if f.clause_id:
            by_clause.setdefault(f.clause_id, Counter())[f.kind] += 1
    return by_clause


def _outline(doc: Document, counts: dict[str, Counter]) -> str:
    children: dict[str | None, list] = {}
    ids = {c.id for c in doc.clauses}
    for c in doc.clauses:
        children.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)

    def badge(cid: str) -> str:
        cnt = counts.get(cid, Counter())
        parts = [f'<span class="b k-{k}" title="{KIND_LABELS[k]}">{cnt[k]}</span>' for k in FACT_KINDS if cnt[k]]
        return "".join(parts)

    def node(c) -> str:
        label = f'<a href="#{_clause_anchor(c.id)}" data-c="{_e(c.id)}"><span class="mk">{_e(c.marker)}</span>{_e(c.heading or c.text[:24])}</a>{badge(c.id)}'
        kids = children.get(c.id, [])
        if not kids:
            return f"<li>{label}</li>"
        inner = "".join(node(k) for k in kids)
        return f"<li><details open><summary>{label}</summary><ul>{inner}</ul></details></li>"

    items = "".join(node(c) for c in children.get(None, []))
    annexes = "".join(f'<li><a href="#annex-{i}">{_e(a.label)} {_e(a.title or "")}</a></li>' for i, a in enumerate(doc.annexes))
    return f'<ul class="tree">{items}{annexes}</ul>' if items or annexes else '<p class="empty">No numbered clause.</p>'


def _text(doc: Document, text: str, facts: list[Fact]) -> str:
    clauses = {c.id: c for c in doc.clauses}
    parts, anchored = [], set()
    clause_agencies: dict[str, set[str]] = {}
    for f in facts:
        if f.clause_id and f.agencies:
            clause_agencies.setdefault(f.clause_id, set()).update(f.agencies)
    for kind, key, s, e in _regions(doc, len(text)):
        body = render_marked(text, s, e, facts, anchored)
        if kind == "clause":
            c = clauses[key]
            page = f'<span class="pg">p.{c.page}</span>' if c.page else ""
            ag = "|".join(sorted(clause_agencies.get(c.id, ())))
            parts.append(
                f'<section class="clause lvl{c.level}" id="{_clause_anchor(c.id)}" data-c="{_e(c.id)}" data-agencies="{_e(ag)}">'
                f'<div class="gut"><span class="cid">{_e(c.id)}</span>{page}</div><div class="tx">{body}</div></section>'
            )
        elif kind == "annex":
            a = doc.annexes[int(key)]
            page = f'<span class="pg">p.{a.page}</span>' if a.page else ""
            parts.append(f'<section class="annex" id="annex-{key}"><div class="gut"><span class="cid">{_e(a.label)}</span>{page}</div><div class="tx">{body}</div></section>')
        else:
            parts.append(f'<section class="preamble" id="preamble"><div class="gut"></div><div class="tx">{body}</div></section>')
    return "".join(parts)


def _where(clause_id: str | None, task_seq: int | None) -> str:
    if clause_id:
        return f'<a href="#{_clause_anchor(clause_id)}">{_e(clause_id)}</a>'
    if task_seq is not None:
        return f'<a href="#task-{task_seq}">task {task_seq}</a>'
    return ""


def _table(tid: str, title: str, head: list[str], rows: list[str], kind: str | None = None) -> str:
    cls = f' class="facts k-{kind}"' if kind else ' class="facts"'
    ths = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join(rows) or f'<tr class="none"><td colspan="{len(head)}">—</td></tr>'
    return (f'<section class="tbl" id="{tid}"><h2>{_e(title)} <span class="cnt">{len(rows)}</span></h2>'
            f'<div class="scroll"><table{cls} data-sortable><thead><tr>{ths}</tr></thead><tbody>{body}</tbody></table></div></section>')


def _fact_link(f: Fact | None, label: str, cell: str | None = None) -> str:
    """A table row's link to its fact: in the text, or (a fact read from a table cell, `cell` its key)
    to its box on the pages."""
    if f:
        return f'<a href="#{f.fid}" class="go" data-f="{f.fid}">{_e(label)}</a>'
    if cell:
        return f'<a href="#box-{cell}" class="go" data-f="{cell}">{_e(label)}</a>'
    return _e(label)


def _cell_facts(doc: Document) -> dict[int, tuple[str, str]]:
    """Facts read from table cells (no span, so not in the text) that stand on a page: id(fact) -> (key, kind)."""
    out: dict[int, tuple[str, str]] = {}
    for kind, items in (("target", doc.targets), ("deadline", doc.deadlines)):
        for item in items:
            if item.span is None and item.bbox and id(item) not in out:
                out[id(item)] = (f"cell{len(out)}", kind)
    return out


def _row_id(cells: dict[int, tuple[str, str]], item) -> str:
    key = cells.get(id(item))
    return f' id="row-{key[0]}"' if key else ""


def _tables(doc: Document, facts: list[Fact], cells: dict[int, tuple[str, str]] | None = None) -> str:
    by_span = {(f.kind, f.start, f.end): f for f in facts}
    cells = cells or {}
    out = []
    rows = []
    for t in doc.targets:
        f = by_span.get(("target", *t.span)) if t.span else None
        value = "" if t.value is None else (f"{t.value:g}" + (f"–{t.value_max:g}" if t.value_max is not None else ""))
        rows.append(
            f'<tr{_row_id(cells, t)} data-year="{t.target_year or ""}"><td>{_fact_link(f, t.metric or t.text[:20], cells.get(id(t), ("",))[0] or None)}</td><td>{_e(t.scope)}</td>'
            f'<td class="num">{value}</td><td>{_e(t.unit)}</td><td>{_e(t.comparator)}</td><td>{_e(t.direction)}</td>'
            f'<td class="num">{_e(t.baseline_year)}</td><td class="num">{_e(t.target_year)}</td><td>{"力争" if t.aspirational else ""}</td>'
            f'<td>{_where(t.clause_id, t.task_seq)}</td><td class="src">{_e(t.text)}</td></tr>'
        )
    out.append(_table("targets", "Targets 目标", ["metric", "scope", "value", "unit", "cmp", "direction", "base", "year", "力争", "where", "text"], rows, "target"))
    rows = []
    for d in doc.deadlines:
        f = by_span.get(("deadline", *d.span)) if d.span else None
        year = d.date[:4] if d.date else ""
        rows.append(f'<tr{_row_id(cells, d)} data-year="{year}"><td>{_fact_link(f, d.text, cells.get(id(d), ("",))[0] or None)}</td><td>{_e(d.kind)}</td><td>{_e(d.date)}</td><td>{_e(d.start)}</td><td>{_where(d.clause_id, d.task_seq)}</td></tr>')
    out.append(_table("deadlines", "Deadlines 时限", ["text", "kind", "date", "start", "where"], rows, "deadline"))
    if doc.measures:
        rows = []
        for m in doc.measures:
            f = by_span.get(("measure", *m.span)) if m.span else None
            fields = {k: v for k, v in m.model_dump(mode="json").items()
                      if k not in ("span", "text", "clause_id", "task_seq") and v not in (None, [], "")}
            summary = "；".join(f"{k}: {v}" for k, v in fields.items())
            rows.append(f'<tr><td>{_fact_link(f, m.text[:40])}</td><td>{_e(summary)}</td><td>{_where(m.clause_id, m.task_seq)}</td></tr>')
        out.append(_table("measures", "Measures 措施", ["text", "fields", "where"], rows, "measure"))
    rows = []
    for t in doc.tasks:
        a = t.agencies
        names = []
        role_cells = []
        for role in _ROLES:
            vals = getattr(a, role) if a else []
            if a and role == "implementers":
                vals = list(dict.fromkeys([*vals, *a.implementers_inherited]))
            names += vals
            role_cells.append(f"<td>{_e('、'.join(vals))}</td>")
        if a:
            names += [a.canonical[n] for n in names if n in a.canonical]
        dl = t.deadline.date or t.deadline.kind if t.deadline else ""
        content = t.content if len(t.content) <= 120 else t.content[:119] + "…"
        year = t.deadline.date[:4] if t.deadline and t.deadline.date else ""
        rows.append(
            f'<tr class="task" id="task-{t.seq}" data-agencies="{_e("|".join(sorted(set(names))))}" data-year="{year}">'
            f'<td class="num">{t.seq}</td><td>{_e(t.category)}</td><td title="{_e(t.content)}">{_e(content)}</td>'
            f'<td>{_e(t.deadline_text)}</td><td>{_e(dl)}</td>{"".join(role_cells)}<td>{_where(t.clause_id, None)}</td><td class="num">{_e(t.page)}</td></tr>'
        )
    out.append(_table("tasks", "Task rows 任务", ["#", "category", "content", "时限", "deadline", "lead", "support", "responsible", "implementers", "clause", "page"], rows))
    rows = [
        f'<tr><td>{_e(w.code)}</td><td>{_e(w.message)}</td><td>{_where(w.clause_id, None)}</td><td class="num">{_e(w.page)}</td></tr>'
        for w in doc.warnings
    ]
    out.append(_table("warnings", "Warnings", ["code", "message", "clause", "page"], rows))
    return "".join(out)


def _summary(doc: Document, facts: list[Fact]) -> str:
    m = doc.meta
    meta_rows = [
        ("标题 title", m.title), ("通知 notice", m.notice_title), ("文号 doc number", m.doc_number),
        ("发文机关 issuer", "、".join(m.issuer)), ("成文日期 issue date", m.issue_date), ("level", m.level),
        ("施行 effective from", m.effective_from), ("有效期至 valid until", m.valid_until),
        ("主送 recipients", "、".join(m.recipients)), ("附件 attachments", "；".join(m.attachments)),
        ("source", f"{doc.source.path} ({doc.source.format}{f', {doc.source.pages} pages' if doc.source.pages else ''})"),
    ]
    meta_html = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in meta_rows if v)
    counts = [
        ("clauses", len(doc.clauses), "#outline"), ("targets", len(doc.targets), "#targets"),
        ("deadlines", len(doc.deadlines), "#deadlines"), ("agency annotations", len(doc.agencies), "#text"),
        ("task rows", len(doc.tasks), "#tasks"), ("tables", len(doc.tables), "#tasks"), ("warnings", len(doc.warnings), "#warnings"),
    ]
    if doc.measures:
        counts.insert(3, ("measures", len(doc.measures), "#measures"))
    count_html = "".join(f'<a class="count" href="{h}"><b>{n}</b>{_e(k)}</a>' for k, n, h in counts)
    years = Counter(t.target_year for t in doc.targets if t.target_year)
    leads = Counter()
    for t in doc.tasks:
        if t.agencies:
            for n in t.agencies.lead or t.agencies.responsible:
                leads[n] += 1
    charts = bar_chart("Targets by target year", [(str(y), n) for y, n in sorted(years.items())], label_width=60)
    charts += bar_chart("Task rows per lead (else responsible) agency", leads.most_common(12))
    return (f'<section id="summary"><table class="meta">{meta_html}</table>'
            f'<div class="counts">{count_html}</div><div class="charts">{charts}</div></section>')


def _filters(facts: list[Fact], doc: Document) -> str:
    boxes = "".join(
        f'<label class="k-{k}"><input type="checkbox" data-kind="{k}" checked> {_e(KIND_LABELS[k])}</label>' for k in FACT_KINDS
        if any(f.kind == k for f in facts)
    )
    agencies = Counter()
    for f in facts:
        for n in f.agencies:
            agencies[n] += 1
    for t in doc.tasks:
        if t.agencies:
            for n in (*t.agencies.lead, *t.agencies.support, *t.agencies.responsible, *t.agencies.implementers):
                agencies[n] += 1
    options = "".join(f'<option value="{_e(n)}">{_e(n)} ({c})</option>' for n, c in sorted(agencies.items(), key=lambda x: (-x[1], x[0])))
    years = sorted({f.year for f in facts if f.year} | {t.target_year for t in doc.targets if t.target_year})
    year_opts = "".join(f'<option value="{y}">{y}</option>' for y in years)
    return (f'<div id="filters" role="toolbar">{boxes}'
            f'<label>单位 agency <select id="agency-filter"><option value="">all</option>{options}</select></label>'
            f'<label>年 year <select id="year-filter"><option value="">all</option>{year_opts}</select></label>'
            f'<span id="filter-status" aria-live="polite"></span></div>')


def _percent(v: float, whole: float) -> float:
    return round(100 * min(max(v, 0.0), whole) / whole, 3) if whole > 0 else 0.0


def _pages(pages: list[PageImage], facts: list[Fact], doc: Document, cells: dict[int, tuple[str, str]]) -> str:
    """The pages beside the text, every highlighted fact's boxes drawn over them (positions in percent
    of the page, so they stay on their characters at whatever width the image is shown): a box links
    back to its fact in the text; the box of a fact read from a table cell, to its row in the tables."""
    boxes: dict[int, list[dict]] = {}
    size = {p.number: (p.width, p.height) for p in pages}
    placed = [(f.kind, f.fid, f.text, f.boxes, f"#{f.fid}") for f in facts]
    for item in (*doc.targets, *doc.deadlines):
        if id(item) in cells:
            key, kind = cells[id(item)]
            placed.append((kind, key, item.text, list(zip(item.bbox_pages, item.bbox)), f"#row-{key}"))
    for kind, fid, text, fact_boxes, href in placed:
        for i, (number, (x0, top, x1, bottom)) in enumerate(fact_boxes):
            if number not in size:
                continue
            w, h = size[number]
            left, upper = _percent(x0, w), _percent(top, h)
            boxes.setdefault(number, []).append({
                "kind": kind, "fid": fid, "href": href, "anchor": f"box-{fid}" if i == 0 else "", "title": text[:60],
                "left": left, "top": upper, "width": round(_percent(x1, w) - left, 3), "height": round(_percent(bottom, h) - upper, 3)})
    shown = [{"number": p.number, "pixel_width": p.pixel_width, "pixel_height": p.pixel_height, "data_uri": p.data_uri,
              "boxes": boxes.get(p.number, [])} for p in pages]
    return render("pages.html", pages=shown)


def render_report(doc: Document, text: str, pages: list[PageImage] | None = None) -> str:
    """The whole page for `doc`, whose spans point into `text` (the normalised text); with `pages`
    (the PDF's pages as images), those pages beside the text with every fact's boxes on them."""
    facts = collect_facts(doc)
    cells = _cell_facts(doc) if pages else {}
    payload = {f.fid: {"kind": f.kind, "text": f.text, "fields": f.fields, "clause": f.clause_id, "task": f.task_seq} for f in facts}
    facts_json = script_json(payload)
    title = doc.meta.title or doc.meta.notice_title or doc.source.path
    scripts = (_static("sort.js"), _static("report.js"))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_e(content_security_policy(*scripts))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="planparse">
<title>{_e(title)} — planparse report</title>
{entry_script(doc)}
<style>{_static("report.css")}</style>
</head>
<body{' class="with-pages"' if pages else ''}>
<header id="top"><h1>{_e(title)}</h1>{_filters(facts, doc)}</header>
{_summary(doc, facts)}
<div id="main">
<nav id="outline" aria-label="clause outline"><h2>Outline</h2>{_outline(doc, _counts(facts))}</nav>
<article id="text">{_text(doc, text, facts)}</article>
{_pages(pages, facts, doc, cells) if pages else ""}</div>
<div id="tables">{_tables(doc, facts, cells)}</div>
<div id="pop" role="tooltip" hidden></div>
<script type="application/json" id="facts">{facts_json}</script>
<script>{scripts[0]}</script>
<script>{scripts[1]}</script>
</body>
</html>
"""
