"""The index page of a batch: every document's report with its counts and warnings, or its error."""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from importlib import resources

from ..models import Document


@dataclass
class IndexEntry:
    source: str
    href: str | None = None  # the report page, relative to the index
    title: str | None = None
    doc_number: str | None = None
    issue_date: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # "kind: message" for a document that failed

    @classmethod
    def of(cls, doc: Document, href: str) -> "IndexEntry":
        return cls(
            source=doc.source.path, href=href, title=doc.meta.title or doc.meta.notice_title,
            doc_number=doc.meta.doc_number, issue_date=doc.meta.issue_date,
            counts={
                "clauses": len(doc.clauses), "targets": len(doc.targets), "deadlines": len(doc.deadlines),
                "agencies": len(doc.agencies), "tasks": len(doc.tasks),
            },
            warnings=[f"{w.code}: {w.message}" for w in doc.warnings],
        )


COLUMNS = ("clauses", "targets", "deadlines", "agencies", "tasks")


def render_index(entries: list[IndexEntry], *, title: str = "planparse batch report") -> str:
    css = resources.files("planparse.report").joinpath("static", "report.css").read_text(encoding="utf-8")
    js = resources.files("planparse.report").joinpath("static", "sort.js").read_text(encoding="utf-8")
    rows = []
    for e in sorted(entries, key=lambda x: x.source):
        name = escape(e.source)
        link = f'<a href="{escape(e.href)}">{name}</a>' if e.href else name
        if e.error:
            cells = f'<td colspan="{len(COLUMNS) + 3}" class="err">{escape(e.error)}</td>'
            rows.append(f'<tr class="failed"><td>{link}</td>{cells}</tr>')
            continue
        nums = "".join(f'<td class="num">{e.counts.get(c, 0)}</td>' for c in COLUMNS)
        warn = "<br>".join(escape(w) for w in e.warnings[:5]) + (f"<br>… {len(e.warnings) - 5} more" if len(e.warnings) > 5 else "")
        rows.append(
            f'<tr><td>{link}</td><td>{escape(e.title or "")}</td><td>{escape(e.doc_number or "")}</td><td>{escape(e.issue_date or "")}</td>'
            f'{nums}<td class="num">{len(e.warnings)}</td><td class="src">{warn}</td></tr>'
        )
    failed = sum(1 for e in entries if e.error)
    head = "".join(f"<th>{h}</th>" for h in ("document", "title", "文号", "date", *COLUMNS, "warnings", "first warnings"))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title><style>{css}</style></head>
<body>
<header id="top"><h1>{escape(title)}</h1><p>{len(entries)} document(s), {failed} failed.</p></header>
<div id="tables"><div class="scroll"><table class="facts" data-sortable><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></div>
<script>{js}</script>
</body>
</html>
"""
