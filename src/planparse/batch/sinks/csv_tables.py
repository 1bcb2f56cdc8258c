"""Sink `csv`: OUT/documents.csv, clauses.csv, targets.csv, tasks.csv, measures.csv, citations.csv (UTF-8 with BOM, each row with its
source file). Each document's rows are written as it finishes, to OUT/_rows/<rel>.rows.json; the CSVs
are assembled from those files at the end, in input order."""
from __future__ import annotations

import contextlib
import csv

from ..discover import Job
from ..files import atomic_open
from ..rows import CSV_HEADERS, CSV_TABLES
from ..tables import citable, link_citations
from .json_dir import StagedDirSink

ROWS_DIR = "_rows"


class CsvSink(StagedDirSink):
    mode = "csv"
    stage_dir = ROWS_DIR
    suffix = ".rows.json"

    def finish(self, jobs: list[Job]) -> None:
        super().finish(jobs)
        from ...emit import csv_text, inert_row

        with contextlib.ExitStack() as stack:
            writers = {}
            for name in CSV_TABLES:
                f = stack.enter_context(atomic_open(self.out / f"{name}.csv", "w", encoding="utf-8", errors="backslashreplace", newline=""))
                f.write(csv_text(CSV_HEADERS[name], []))  # BOM + header, as emit writes every CSV
                writers[name] = csv.writer(f, lineterminator="\r\n")
            staged = list(self.staged(jobs, "rows"))
            documents = citable([r for t in staged for r in t.get("documents", [])], CSV_HEADERS["documents"])
            linked = iter(link_citations(documents, [tuple(r) for t in staged for r in t.get("citations", [])]))
            for rows in staged:
                rows["citations"] = [next(linked) for _ in rows.get("citations", [])]
                for name in CSV_TABLES:
                    for r in rows.get(name, []):
                        writers[name].writerow(inert_row(r))  # no cell a spreadsheet runs as a formula
