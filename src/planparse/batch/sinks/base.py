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
    """OUT/_errors.jsonl: the failures of this run, one line each, flushed as they happen."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.f = open(path, "wb")
        self.count = 0

    def add(self, source: str, kind: str, message: str) -> None:
        self.f.write(error_record(source, kind, message))
        self.f.flush()
        self.count += 1

    def close(self) -> None:
        self.f.close()
        if self.count == 0:
            with contextlib.suppress(OSError):
                self.path.unlink()
