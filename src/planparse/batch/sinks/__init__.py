"""Batch step 3, sink: where results go. One module per output kind; `sink_for` picks one from the
options (`--format`, or the suffix of OUT). The DuckDB and Parquet sinks need their extras."""
from __future__ import annotations

from pathlib import Path

from ..discover import BatchUsageError
from .base import ERRORS_NAME, ErrorLog, Sink, error_record
from .csv_tables import ROWS_DIR, CsvSink
from .json_dir import DirSink
from .jsonl import JsonlSink

SINKS = {"json": DirSink, "jsonl": JsonlSink, "csv": CsvSink}
# module, class, extra: imported when asked for, so that the core install needs neither library
OPTIONAL_SINKS = {"duckdb": ("duckdb_db", "DuckdbSink", "duckdb"), "parquet": ("parquet_dir", "ParquetSink", "parquet")}
FORMATS = (*SINKS, *OPTIONAL_SINKS)
_BY_SUFFIX = {".jsonl": "jsonl", ".duckdb": "duckdb", ".parquet": "parquet"}
# Suffixes that say "one file of this kind": the directory sinks refuse them rather than make a directory
# that looks like a file (`-o out.csv` would otherwise become a directory out.csv/ of four tables).
_FILE_SUFFIXES = (".csv", ".json")

__all__ = ["ERRORS_NAME", "FORMATS", "ROWS_DIR", "SINKS", "CsvSink", "DirSink", "ErrorLog", "JsonlSink", "Sink",
           "error_record", "sink_for"]


def sink_for(output: Path, fmt: str) -> Sink:
    suffix = output.suffix.lower()
    if fmt == "auto":
        fmt = _BY_SUFFIX.get(suffix, "json")
    if fmt not in FORMATS:
        raise BatchUsageError(f"unknown format {fmt!r} (auto, {', '.join(FORMATS)})")
    if fmt == "json" and suffix == ".jsonl":
        raise BatchUsageError(f"{output}: --format json writes a directory, not a .jsonl file")
    if fmt in ("json", "csv") and suffix in _FILE_SUFFIXES:
        what = "one NAME.json per input" if fmt == "json" else "documents.csv, clauses.csv, targets.csv, tasks.csv"
        raise BatchUsageError(
            f"{output}: --format {fmt} writes a directory ({what}), not a {suffix} file; "
            f"give a directory (-o {output.with_suffix('')}/), or -o {output.with_suffix('.jsonl')} for one file"
        )
    if fmt in OPTIONAL_SINKS:
        module, cls, extra = OPTIONAL_SINKS[fmt]
        try:
            import importlib

            sink = getattr(importlib.import_module(f"{__name__}.{module}"), cls)
        except ImportError as e:
            raise BatchUsageError(f"--format {fmt} needs the {extra} extra: pip install 'planparse[{extra}]' ({e})") from None
        return sink(output)
    return SINKS[fmt](output)
