"""What every sink shares: the interface, and OUT/_errors.jsonl for the directory sinks."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Optional, Protocol

from ..discover import Job
from ..document import Result

ERRORS_NAME = "_errors.jsonl"


class Sink(Protocol):
    """Where the results of a batch go. The engine runs DocumentTask(mode=sink.mode, out_path=
    sink.output_for(job)); the parent then hands each Result to ok() or failed(), in finish order."""

    mode: str
    notes: list[str]  # things the user should know that are not a document's failure (reported once)

    def excluded(self) -> Optional[Path]: ...  # an output directory the input walk must not read back
    def working_files(self) -> list[Path]: ...  # files the sink writes, truncates or deletes: never an input
    def start(self, resume: bool) -> None: ...
    def output_for(self, job: Job) -> Optional[Path]: ...  # a file the worker writes, or None
    def recorded_sha(self, job: Job) -> Optional[str]: ...  # sha256 of the input an output was made from
    def ok(self, job: Job, res: Result) -> None: ...
    def failed(self, job: Job, res: Result) -> None: ...
    def finish(self, jobs: list[Job]) -> None: ...
    def abort(self) -> None: ...


def error_record(source: str, kind: str, message: str) -> bytes:
    """One JSON line {"source", "error": {"kind", "message"}}, UTF-8. Always writable: a name that is not
    valid Unicode (an undecodable file name, a lone surrogate) is written with JSON escapes instead."""
    rec = {"source": source, "error": {"kind": kind, "message": message}}
    try:
        return (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:
        return (json.dumps(rec) + "\n").encode("ascii")


class ErrorLog:
    """OUT/_errors.jsonl: the failures of this run, one line each, flushed as they happen (a killed
    batch keeps them); when the batch ends the file is rewritten in input order, so that the same
    inputs give the same bytes whatever order the workers finished in."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "wb")
        self.lines: list[tuple[str, bytes]] = []

    @property
    def count(self) -> int:
        return len(self.lines)

    def add(self, source: str, kind: str, message: str) -> None:
        line = error_record(source, kind, message)
        self.f.write(line)
        self.f.flush()
        self.lines.append((source, line))

    def close(self, order: Optional[list[str]] = None) -> None:
        """Close the log; with `order` (the inputs' sources in input order) rewrite it in that order."""
        self.f.close()
        if not self.lines:
            with contextlib.suppress(OSError):
                self.path.unlink()
            return
        if order is not None and len(self.lines) > 1:
            from ...emit import write_atomic

            rank = {src: i for i, src in enumerate(order)}
            ordered = sorted(self.lines, key=lambda sl: rank.get(sl[0], len(rank)))
            write_atomic(self.path, b"".join(line for _, line in ordered))
