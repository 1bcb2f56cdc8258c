"""The index page of a batch: every document's report with its counts and warnings, or its error."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

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
ENTRY_ID = "planparse-entry"
_ENTRY = re.compile(r'<script type="application/json" id="planparse-entry">(.*?)</script>', re.S)


def entry_script(doc: Document) -> str:
    """The document's index row, embedded in its report page (so a resumed batch can rebuild the index)."""
    from .safe_html import script_json

    data = asdict(IndexEntry.of(doc, href=""))
    return f'<script type="application/json" id="{ENTRY_ID}">' + script_json(data) + "</script>"


def read_entry(page: Path) -> dict | None:
    """The index row embedded in a report page (it stands in the page's head), or None."""
    try:
        with open(page, encoding="utf-8", errors="replace") as f:
            head = f.read(65536)
    except OSError:
        return None
    m = _ENTRY.search(head)
    if not m:
        return None
    try:
        return json.loads(m.group(1))
    except ValueError:
        return None


def render_index(entries: list[IndexEntry], *, title: str = "planparse batch report") -> str:
    """The index page (templates/index.html): every name escaped by the template engine, every link an
    href the caller percent-encoded (batch/report_pages.py), our one script allowed by its hash."""
    from .safe_html import content_security_policy, render

    css = resources.files("planparse.report").joinpath("static", "report.css").read_text(encoding="utf-8")
    js = resources.files("planparse.report").joinpath("static", "sort.js").read_text(encoding="utf-8")
    return render(
        "index.html", title=title, entries=entries, failed=sum(1 for e in entries if e.error), columns=COLUMNS,
        headings=("document", "title", "文号", "date", *COLUMNS, "warnings", "first warnings"),
        css=css, js=js, csp=content_security_policy(js),
    )
