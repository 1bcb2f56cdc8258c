"""`planparse batch`: many documents in parallel, streamed to disk, resumable.

The batch is four interchangeable steps, one module (or package) each:

    discover.py   inputs → Jobs (the path as found, and the name its output gets)
    engines/      run a DocumentTask per Job somewhere: `pool` (processes on this machine, the default)
    sinks/        where results go: `json` (a directory), `jsonl` (one file), `csv` (four tables)
    report.py     progress and the summary

`document.py` is the work for one document (run by every engine), `run.py` chains the steps.

Outputs
    directory  OUT/<path relative to the inputs' common root>.json — the input's own name with `.json`
               added (`plans/a.pdf` → `OUT/plans/a.pdf.json`), so `a.pdf` and `a.txt` never collide.
               Failures: one line each in OUT/_errors.jsonl ({"source", "error": {"kind", "message"}}).
    .jsonl     one line per document (the contract JSON), or an error record for a failed one.
    csv        OUT/documents.csv, clauses.csv, targets.csv, tasks.csv, measures.csv (UTF-8 with BOM).

Every file is written atomically (temporary file in the same directory + rename), so a killed batch
leaves no half-written output; stale temporary files of a killed run are removed when the next run
starts. `--resume` skips an input whose output exists and records the sha256 the input has now.
"""
from __future__ import annotations

from .discover import SUPPORTED_SUFFIXES, BatchUsageError, Job, _walk, collect_inputs, sha256_file
from .document import DocumentTask, Result, process_document
from .report import PlainReporter, RichReporter, Summary
from .run import BatchOptions, run_batch

__all__ = [
    "SUPPORTED_SUFFIXES", "BatchOptions", "BatchUsageError", "DocumentTask", "Job", "PlainReporter", "Result",
    "RichReporter", "Summary", "_walk", "collect_inputs", "process_document", "run_batch", "sha256_file",
]
