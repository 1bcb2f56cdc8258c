"""Sink `jsonl`: one line per document (the contract JSON), or an error record for a failed one, in
input order.

Lines are appended (and flushed) to OUT.partial while the batch runs, in the order documents finish;
at the end the newest line per input is written to OUT in input order (temporary file + rename), so
the same inputs give the same bytes, and OUT.partial is removed. A killed run leaves OUT.partial:
`--resume` keeps its complete lines and carries on; a torn last line is dropped, and any other line
that cannot be read back (two writers interleaved, a bad byte) is skipped and reported."""
from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import BinaryIO, Iterator, Optional

from ..discover import BatchUsageError, Job
from ..document import Result
from ..files import atomic_open, cut_torn_tail, remove_own_temps
from .base import error_record


def _record_source(line: bytes) -> tuple[Optional[str], Optional[str]]:
    """(source, sha256 or None for an error record) of one line; (None, None) if it cannot be read."""
    try:
        rec = json.loads(line)
    except ValueError:  # includes UnicodeDecodeError
        return None, None
    if not isinstance(rec, dict):
        return None, None
    if "error" in rec:
        src = rec.get("source")
        return (src, None) if isinstance(src, str) else (None, None)
    src = rec.get("source")
    if not isinstance(src, dict) or not isinstance(src.get("path"), str):
        return None, None
    return src["path"], src.get("sha256")


def _lines(f: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(offset, line) of each line of a binary file."""
    pos = f.tell()
    for line in f:
        yield pos, line
        pos += len(line)


class JsonlSink:
    mode = "jsonl"

    def __init__(self, out: Path):
        self.out = out
        self.partial = out.with_name(out.name + ".partial")
        self.index: dict[str, str] = {}  # source -> sha256 of a recorded success (resume)
        # A document's source.path can name a member deeper than its job (a member `x.pdf` that is a zip
        # of one document): such lines are found by the job's path, not dropped at the end.
        self.job_of: dict[str, str] = {}
        self.notes: list[str] = []  # what the reporter tells the user (unreadable lines skipped)

    def excluded(self) -> Optional[Path]:
        return None

    def working_files(self) -> list[Path]:
        return [self.out, self.partial]

    def output_for(self, job: Job) -> None:
        return None

    def start(self, resume: bool) -> None:
        if self.out.is_dir():
            raise BatchUsageError(f"{self.out}: is a directory (a .jsonl output is a file)")
        self.out.parent.mkdir(parents=True, exist_ok=True)
        remove_own_temps(self.out)
        if not resume:
            self.f = open(self.partial, "wb", buffering=0)
            return
        # Keep what earlier runs recorded: the lines of OUT.partial (a killed run) and of OUT.
        if self.partial.exists():
            cut_torn_tail(self.partial)
        known: set[str] = set()
        if self.partial.exists():
            with open(self.partial, "rb") as f:
                for n, (_, line) in enumerate(_lines(f), 1):
                    src, sha = _record_source(line)
                    if src is None:
                        self.notes.append(f"{self.partial}: line {n} cannot be read back; skipped (its document is done again)")
                        continue
                    known.add(src)
                    if sha:
                        self.index[src] = sha
                    else:
                        self.index.pop(src, None)
        self.f = open(self.partial, "ab", buffering=0)
        if self.out.exists():
            with open(self.out, "rb") as f:
                for n, (_, line) in enumerate(_lines(f), 1):
                    src, sha = _record_source(line)
                    if src is None:
                        self.notes.append(f"{self.out}: line {n} cannot be read back; skipped (its document is done again)")
                        continue
                    if src in known:
                        continue
                    self._append(line)
                    if sha:
                        self.index[src] = sha

    def recorded_sha(self, job: Job) -> Optional[str]:
        return self.index.get(job.path)

    def _append(self, line: bytes) -> None:
        """The whole line or nothing: a write that fails half-way is cut back off the file."""
        if not line.endswith(b"\n"):
            line += b"\n"
        start = self.f.tell()
        try:
            view = memoryview(line)
            while view:
                view = view[self.f.write(view):]
        except BaseException:
            with contextlib.suppress(OSError):
                self.f.truncate(start)
                self.f.seek(start)
            raise

    def ok(self, job: Job, res: Result) -> None:
        src, _ = _record_source(res.payload)
        if src is not None and src != job.path:
            self.job_of[src] = job.path
        self._append(res.payload)

    def failed(self, job: Job, res: Result) -> None:
        self._append(error_record(job.path, res.kind, res.message))

    def finish(self, jobs: list[Job]) -> None:
        os.fsync(self.f.fileno())
        self.f.close()
        # The newest line per current input (where it is in OUT.partial), then OUT in input order.
        last: dict[str, tuple[int, int]] = {}
        wanted = {j.path for j in jobs}
        with open(self.partial, "rb") as f:
            for pos, line in _lines(f):
                src, _ = _record_source(line)
                src = self.job_of.get(src, src) if src is not None else None
                if src in wanted:
                    last[src] = (pos, len(line))
        with atomic_open(self.out, "wb") as out, open(self.partial, "rb") as f:
            for job in jobs:
                if job.path in last:
                    pos, size = last[job.path]
                    f.seek(pos)
                    out.write(f.read(size))
        os.unlink(self.partial)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.f.close()
