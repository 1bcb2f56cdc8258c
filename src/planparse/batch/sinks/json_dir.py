"""Sink `json`: OUT/<path relative to the inputs' common root>.json, one file per document (written by
the worker), failures in OUT/_errors.jsonl."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Optional

from ..discover import BatchUsageError, Job
from ..document import Result
from ..files import OutsideOutput, output_path, remove_stale_temps
from .base import ERRORS_NAME, ErrorLog


class DirSink:
    mode = "json"

    def __init__(self, out: Path):
        self.out = out
        self.notes: list[str] = []

    def excluded(self) -> Optional[Path]:
        return self.out

    def working_files(self) -> list[Path]:
        return [self.out]  # a directory: an input inside it is never read (excluded)

    def output_for(self, job: Job) -> Optional[Path]:
        """OUT/<rel>.json, checked to stay inside OUT (files.output_path); None for a job never run."""
        return None if job.refused else output_path(self.out, job.rel, ".json")

    def start(self, resume: bool) -> None:
        if self.out.exists() and not self.out.is_dir():
            raise BatchUsageError(f"{self.out}: exists and is not a directory")
        self.out.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(self.out)
        self.errors = ErrorLog(self.out / ERRORS_NAME)

    def recorded_sha(self, job: Job) -> Optional[str]:
        try:
            with open(self.output_for(job), encoding="utf-8") as f:  # type: ignore[arg-type]
                return json.load(f)["source"]["sha256"]
        except (OSError, ValueError, KeyError, TypeError):  # OutsideOutput is a ValueError
            return None

    def ok(self, job: Job, res: Result) -> None:
        pass  # the worker wrote the file

    def failed(self, job: Job, res: Result) -> None:
        self.errors.add(job.path, res.kind, res.message)
        # An output left from an earlier run describes another version of the input: remove it (only
        # ever a path checked to be inside OUT; a refused job has none).
        with contextlib.suppress(OSError, OutsideOutput):
            out = self.output_for(job)
            if out is not None:
                out.unlink()

    def finish(self, jobs: list[Job]) -> None:
        self.errors.close(order=[j.path for j in jobs])

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.errors.f.close()


class StagedDirSink(DirSink):
    """A directory sink whose workers stage one small JSON file per document (`stage_dir`, `suffix`),
    gathered into the final tables in input order when the batch ends (csv, parquet)."""

    stage_dir = ""
    suffix = ""

    def output_for(self, job: Job) -> Optional[Path]:
        return None if job.refused else output_path(self.out / self.stage_dir, job.rel, self.suffix)

    def recorded_sha(self, job: Job) -> Optional[str]:
        try:
            with open(self.output_for(job), encoding="utf-8") as f:  # type: ignore[arg-type]
                return json.load(f)["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def staged(self, jobs: list[Job], key: str):
        """Each document's staged `key` in input order, so the tables do not depend on which worker
        finished first; a failed document has none (it is in _errors.jsonl)."""
        for job in jobs:
            try:
                with open(self.output_for(job), encoding="utf-8") as f:  # type: ignore[arg-type]
                    yield json.load(f)[key]
            except (OSError, ValueError, KeyError, TypeError):  # TypeError: a refused job has no file
                continue
