"""Benchmark: planparse (ingest alone and the whole pipeline) against pdfplumber's extract_text.

    python bench/bench_extract.py [--reps 5] [--samples samples] [--json out.json]

In one run it renders every samples/*.txt as a PDF (tools/render_pdf.py, into a temporary
directory), then times, per file, the median of --reps runs (after one untimed warm-up run) of
  * planparse.ingest.read(path)      -- stage 1 alone (the PDF/txt reader)
  * planparse.extract(path)          -- the whole pipeline, JSON model included
  * pdfplumber: open + page.extract_text() over every page (PDFs only)
and prints characters/second and pages/second per file and in total, the ratio pdfplumber time /
planparse time for PDFs without tables and with tables separately, and the wall time of
`planparse --help` in a subprocess (the CLI's start-up cost).

Characters are counted once per file, the same for every timing: non-whitespace characters of the
.txt, or of pdfplumber's extract_text() for a PDF.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT / "src", ROOT):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))


def _median_time(fn: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _visible(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def _resolve_extract() -> Callable:
    """planparse.extract(path): the whole pipeline."""
    import planparse

    return planparse.extract


@dataclass
class Row:
    name: str
    kind: str  # "txt" | "pdf"
    pages: int
    chars: int
    tables: int = 0
    ingest_s: float | None = None
    extract_s: float | None = None
    plumber_s: float | None = None
    error: str | None = None
    notes: list[str] = field(default_factory=list)


def _rate(n: float, s: float | None) -> str:
    return f"{n / s:10.0f}" if s else f"{'-':>10}"


def _fmt_s(s: float | None) -> str:
    return f"{s * 1000:9.1f}" if s is not None else f"{'-':>9}"


def bench_file(path: Path, reps: int, extract: Callable | None) -> Row:
    from planparse.ingest import read

    kind = "pdf" if path.suffix.lower() == ".pdf" else "txt"
    doc = read(path)  # warm-up (imports, caches) and the page/table counts
    pages = doc.page_count or 1
    tables = sum(len(p.tables) for p in doc.pages)
    if kind == "pdf":
        import pdfplumber

        def plumber_run() -> str:
            with pdfplumber.open(path) as pdf:
                return "\n".join(page.extract_text() or "" for page in pdf.pages)

        chars = _visible(plumber_run())
    else:
        chars = _visible(path.read_text(encoding="utf-8"))
    row = Row(path.name, kind, pages, chars, tables)
    row.ingest_s = _median_time(lambda: read(path), reps)
    if kind == "pdf":
        row.plumber_s = _median_time(plumber_run, reps)
    if extract is not None:
        try:
            extract(path)  # warm-up: grammars, jieba dictionary
            row.extract_s = _median_time(lambda: extract(path), reps)
        except Exception as e:  # the pipeline is young: report, keep benchmarking the rest
            row.error = f"extract failed: {type(e).__name__}: {e}"[:200]
    return row


def time_cli_help(reps: int) -> tuple[float | None, list[str]]:
    exe = shutil.which("planparse")
    cmd = [exe, "--help"] if exe else [sys.executable, "-m", "planparse.cli", "--help"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            return None, cmd
    return statistics.median(times), cmd


def _group_line(label: str, rows: list[Row]) -> str:
    if not rows:
        return f"{label:<26} (none)"
    pages = sum(r.pages for r in rows)
    chars = sum(r.chars for r in rows)
    ing = sum(r.ingest_s or 0 for r in rows)
    ext = sum(r.extract_s or 0 for r in rows) if all(r.extract_s for r in rows) else None
    plm = sum(r.plumber_s or 0 for r in rows) if all(r.plumber_s for r in rows) else None
    parts = [
        f"{label:<26} {len(rows):3d} files {pages:4d} pages {chars:8d} chars",
        f"ingest {pages / ing:7.1f} p/s {chars / ing:9.0f} c/s",
    ]
    if ext:
        parts.append(f"extract {pages / ext:7.1f} p/s {chars / ext:9.0f} c/s")
    if plm:
        parts.append(f"pdfplumber {pages / plm:6.1f} p/s")
        parts.append(f"speed-up vs pdfplumber: ingest {plm / ing:5.1f}x")
        parts.append(f"extract {plm / ext:5.1f}x" if ext else "extract n/a")
    return " | ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=5, help="timed repetitions per measurement (median)")
    ap.add_argument("--samples", type=Path, default=ROOT / "samples")
    ap.add_argument("--json", type=Path, help="also write the measurements as JSON here")
    ap.add_argument("--keep-pdfs", type=Path, help="render the PDFs into this directory and keep them")
    args = ap.parse_args(argv)

    from tools.render_pdf import render_sample

    txts = sorted(args.samples.glob("*.txt"))
    if not txts:
        print(f"no samples in {args.samples}", file=sys.stderr)
        return 2
    extract = _resolve_extract()
    tmp = None
    if args.keep_pdfs:
        out_dir = args.keep_pdfs
        out_dir.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="planparse-bench-")
        out_dir = Path(tmp.name)
    try:
        t0 = time.perf_counter()
        pdfs = [render_sample(t, out_dir / f"{t.stem}.pdf") for t in txts]
        render_s = time.perf_counter() - t0
        rows = [bench_file(p, args.reps, extract) for p in txts + pdfs]
    finally:
        if tmp is not None:
            tmp.cleanup()
    help_s, help_cmd = time_cli_help(args.reps)

    print(f"planparse benchmark: {len(txts)} samples, {len(pdfs)} rendered PDFs (rendered in {render_s:.2f} s), "
          f"median of {args.reps} runs, times in ms")
    header = (f"{'file':<28} {'pages':>5} {'tables':>6} {'chars':>7} | {'ingest':>9} {'extract':>9} {'plumber':>9} |"
              f" {'ingest c/s':>10} {'extract c/s':>11} {'ingest p/s':>10} {'extract p/s':>11} {'plumber p/s':>11} |"
              f" {'x ingest':>8} {'x extract':>9}")
    print(header)
    print("-" * len(header))
    for r in rows:
        ratio_i = f"{r.plumber_s / r.ingest_s:8.1f}" if r.plumber_s and r.ingest_s else f"{'-':>8}"
        ratio_e = f"{r.plumber_s / r.extract_s:9.1f}" if r.plumber_s and r.extract_s else f"{'-':>9}"
        print(f"{r.name:<28} {r.pages:5d} {r.tables:6d} {r.chars:7d} | {_fmt_s(r.ingest_s)} {_fmt_s(r.extract_s)}"
              f" {_fmt_s(r.plumber_s)} | {_rate(r.chars, r.ingest_s)} {_rate(r.chars, r.extract_s):>11}"
              f" {_rate(r.pages, r.ingest_s)} {_rate(r.pages, r.extract_s):>11} {_rate(r.pages, r.plumber_s):>11} |"
              f" {ratio_i} {ratio_e}")
        if r.error:
            print(f"    ! {r.error}")
    print()
    print("totals (x = pdfplumber extract_text time / planparse time; > 1 means planparse is faster)")
    txt_rows = [r for r in rows if r.kind == "txt"]
    pdf_plain = [r for r in rows if r.kind == "pdf" and r.tables == 0]
    pdf_tables = [r for r in rows if r.kind == "pdf" and r.tables > 0]
    print("  " + _group_line("txt", txt_rows))
    print("  " + _group_line("pdf without tables", pdf_plain))
    print("  " + _group_line("pdf with tables", pdf_tables))
    print("  " + _group_line("pdf all", pdf_plain + pdf_tables))
    cmd_text = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(help_cmd))
    print(f"  `{cmd_text}`: " + (f"{help_s * 1000:.0f} ms" if help_s is not None else "FAILED"))
    if args.json:
        args.json.write_text(
            json.dumps({"reps": args.reps, "help_s": help_s, "rows": [asdict(r) for r in rows]}, indent=2),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
