"""Batch step 3, sink: where results go. One module per output kind; `sink_for` picks one from the
options (`--format`, or the suffix of OUT)."""
from __future__ import annotations

from pathlib import Path

from ..discover import BatchUsageError
from .base import ERRORS_NAME, ErrorLog, Sink
from .csv_tables import ROWS_DIR, CsvSink
from .json_dir import DirSink
from .jsonl import JsonlSink

SINKS = {"json": DirSink, "jsonl": JsonlSink, "csv": CsvSink}

__all__ = ["ERRORS_NAME", "ROWS_DIR", "SINKS", "CsvSink", "DirSink", "ErrorLog", "JsonlSink", "Sink", "sink_for"]


def sink_for(output: Path, fmt: str) -> Sink:
    if fmt == "auto":
        fmt = "jsonl" if output.suffix.lower() == ".jsonl" else "json"
    if fmt == "json" and output.suffix.lower() == ".jsonl":
        raise BatchUsageError(f"{output}: --format json writes a directory, not a .jsonl file")
    if fmt not in SINKS:
        raise BatchUsageError(f"unknown format {fmt!r} (auto, {', '.join(SINKS)})")
    return SINKS[fmt](output)
