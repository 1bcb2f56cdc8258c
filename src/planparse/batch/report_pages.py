"""`batch --report`: one HTML report per document (written by the worker, beside nothing else) and
an index page of them all, written when the batch ends. A resumed batch keeps the pages of unchanged
documents and reads their index rows back from the pages themselves."""
from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path
from typing import Optional

from ..emit import write_atomic
from .files import OutsideOutput, output_path
from ..report import IndexEntry, read_entry, render_index
from .discover import Job


class ReportIndex:
    def __init__(self, root: Path):
        self.root = root
        self.entries: dict[int, IndexEntry] = {}

    def page_for(self, job: Job) -> Optional[Path]:
        """The job's page, checked to stay inside the report directory; None for a job never run."""
        return None if job.refused else output_path(self.root, job.rel, ".html")

    def has(self, job: Job) -> bool:
        try:
            page = self.page_for(job)
        except OutsideOutput:
            return False
        return page is not None and page.is_file()

    def _href(self, job: Job) -> Optional[str]:
        """The page's address relative to the index, percent-encoded: a name is never read as a scheme
        (`javascript:`), a fragment (`#`), a query (`?`) or an escape (`%41`)."""
        from urllib.parse import quote

        page = self.page_for(job)
        if page is None:
            return None
        rel = Path(os.path.relpath(page, self.root)).as_posix()
        return quote(os.fsencode(rel), safe="/")  # ":" too: no name reads as a scheme

    def add(self, job: Job, entry: Optional[dict]) -> None:
        known = {f.name for f in fields(IndexEntry)}
        row = IndexEntry(**{k: v for k, v in (entry or {}).items() if k in known}) if entry else IndexEntry(source=job.path)
        row.source, row.href = job.path, self._href(job)
        self.entries[job.index] = row

    def add_existing(self, job: Job) -> None:
        """A document skipped by --resume: its row comes from the page an earlier run wrote."""
        self.add(job, read_entry(self.page_for(job)))

    def add_failed(self, job: Job, kind: Optional[str], message: Optional[str]) -> None:
        self.entries[job.index] = IndexEntry(source=job.path, error=f"{kind}: {message}")
        try:  # a page from an earlier run describes another version of the input
            page = self.page_for(job)
            if page is not None:
                page.unlink()
        except (OSError, OutsideOutput):
            pass

    def finish(self, jobs: list[Job]) -> None:
        rows = [self.entries[j.index] for j in jobs if j.index in self.entries]
        write_atomic(self.root / "index.html", render_index(rows))
