"""Sink `jsonl`: one line per document (the contract JSON), or an error record for a failed one.

Lines are appended (and flushed) to OUT.partial while the batch runs; at the end the newest line per
input is written to OUT (temporary file + rename) and OUT.partial is removed. A killed run leaves
OUT.partial: `--resume` keeps its complete lines (a torn last line is dropped) and carries on."""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Optional

from ..discover import BatchUsageError, Job
from ..document import Result
from ..files import atomic_open, cut_torn_tail, remove_own_temps


class JsonlSink:
    mode = "jsonl"

    def __init__(self, out: Path):
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.index: dict[str, str] = {}  # source -> sha256 of a recorded success (resume)

    def excluded(self) -> Optional[Path]:
        return None

    def output_for(self, job: Job) -> None:
        return None

    @staticmethod
    def _record_source(line: str) -> tuple[Optional[str], Optional[str]]:
        """(source, sha256 or None for an error record) of one complete line; (None, None) if torn."""
        try:
            rec = json.loads(line)
        except ValueError:
            return None, None
        if not isinstance(rec, dict):
            return None, None
        if "error" in rec:
            return rec.get("source"), None
        src = rec.get("source") or {}
        return src.get("path"), src.get("sha256")

    def start(self, resume: bool) -> None:
        if self.out.is_dir():
            raise BatchUsageError(f"{self.out}: is a directory (a .jsonl output is a file)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_own_temps(self.out)
        if not resume:
            self.f = open(self.partial, "w", encoding="utf-8")
            return
        # Keep what earlier runs recorded: complete lines of OUT.partial (a killed run) and of OUT.
        if self.partial.exists():
            cut_torn_tail(self.partial)
        known: set[str] = set()
        if self.partial.exists():
            with open(self.partial, encoding="utf-8") as f:
                for line in f:
                    src, sha = self._record_source(line)
                    if src is not None:
                        known.add(src)
                        if sha:
                            self.index[src] = sha
                        else:
                            self.index.pop(src, None)
        self.f = open(self.partial, "a", encoding="utf-8")
        if self.out.exists():
            with open(self.out, encoding="utf-8") as f:
                for line in f:
                    src, sha = self._record_source(line)
                    if src is None or src in known:
                        continue
                    self.f.write(line if line.endswith("\n") else line + "\n")
                    if sha:
                        self.index[src] = sha
            self.f.flush()

    def recorded_sha(self, job: Job) -> Optional[str]:
        return self.index.get(job.path)

    def _append(self, line: str) -> None:
        self.f.write(line if line.endswith("\n") else line + "\n")
        self.f.flush()

    def ok(self, job: Job, res: Result) -> None:
        self._append(res.line)

    def failed(self, job: Job, res: Result) -> None:
        self._append(json.dumps({"source": job.path, "error": {"kind": res.kind, "message": res.message}}, ensure_ascii=False))

    def finish(self, jobs: list[Job]) -> None:
        self.f.flush()
        os.fsync(self.f.fileno())
        self.f.close()
        wanted = {j.path for j in jobs}
        # The newest complete line per current input, in the order they were written.
        last: dict[str, int] = {}
        with open(self.partial, encoding="utf-8") as f:
            for i, line in enumerate(f):
                src, _ = self._record_source(line)
                if src in wanted:
                    last[src] = i
        keep = set(last.values())
        with atomic_open(self.out, "w", encoding="utf-8") as out, open(self.partial, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if i in keep:
                    out.write(line)
        os.unlink(self.partial)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.f.close()
