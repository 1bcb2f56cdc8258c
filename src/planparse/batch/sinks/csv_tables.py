"""Sink `csv`: OUT/documents.csv, clauses.csv, targets.csv, tasks.csv (UTF-8 with BOM, each row with its
source file). Each document's rows are written as it finishes, to OUT/_rows/<rel>.rows.json; the CSVs
are assembled from those files at the end, in input order."""
from __future__ import annotations

import contextlib
import csv
import json
from pathlib import Path
from typing import Optional

from ..discover import Job
from ..files import atomic_open
from ..rows import CSV_HEADERS, CSV_TABLES
from .json_dir import DirSink

ROWS_DIR = "_rows"


class CsvSink(DirSink):
    mode = "csv"

    def output_for(self, job: Job) -> Path:
        return self.out / ROWS_DIR / (job.rel + ".rows.json")

    def recorded_sha(self, job: Job) -> Optional[str]:
        try:
            with open(self.output_for(job), encoding="utf-8") as f:
                return json.load(f)["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def finish(self, jobs: list[Job]) -> None:
        super().finish(jobs)
        from ...emit import csv_text

        with contextlib.ExitStack() as stack:
            writers = {}
            for name in CSV_TABLES:
                f = stack.enter_context(atomic_open(self.out / f"{name}.csv", "w", encoding="utf-8", newline=""))
                f.write(csv_text(CSV_HEADERS[name], []))  # BOM + header, as emit writes every CSV
                writers[name] = csv.writer(f, lineterminator="\r\n")
            for job in jobs:  # input order: the CSVs do not depend on which worker finished first
                try:
                    with open(self.output_for(job), encoding="utf-8") as f:
                        rows = json.load(f)["rows"]
                except (OSError, ValueError, KeyError):
                    continue  # failed document: in _errors.jsonl
                for name in CSV_TABLES:
                    for r in rows.get(name, []):
                        writers[name].writerow(["" if v is None else v for v in r])
