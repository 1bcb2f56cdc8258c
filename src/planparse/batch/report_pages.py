"""`batch --report`: one HTML report per document (written by the worker, beside nothing else) and
an index page of them all, written when the batch ends. A resumed batch keeps the pages of unchanged
documents and reads their index rows back from the pages themselves."""
from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path
from typing import Optional

from ..emit import write_atomic
from ..report import IndexEntry, read_entry, render_index
from .discover import Job


class ReportIndex:
    def __init__(self, root: Path):
        self.root = root
        self.entries: dict[int, IndexEntry] = {}

    def page_for(self, job: Job) -> Path:
        return self.root / (job.rel + ".html")

    def has(self, job: Job) -> bool:
        return self.page_for(job).is_file()

    def _href(self, job: Job) -> str:
        return Path(os.path.relpath(self.page_for(job), self.root)).as_posix()

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
            self.page_for(job).unlink()
        except OSError:
            pass

    def finish(self, jobs: list[Job]) -> None:
        rows = [self.entries[j.index] for j in jobs if j.index in self.entries]
        write_atomic(self.root / "index.html", render_index(rows))
