"""Benchmark on real PDFs: planparse's whole pipeline against pdfplumber's extract_text, side by side.

    python bench/bench_pdf.py [--reps 3] [--rss-pages 500] [--ocr never|auto] [--pure] [--uncached] [--json out.json]

In one run, on the same files, the median of --reps runs (after one untimed warm-up) of
  * planparse's whole pipeline up to the validated Document (`extract_file(path, ocr=--ocr)`), each run
    without what an earlier run of the same file left in planparse's caches of read texts
  * pdfplumber.open(path) + extract_text()  -- every page
  * raw pypdfium2: open, then get_textpage() + get_text_range() of every page: no layout, no tables,
    the floor of reading a text layer ("% raw" = raw time / planparse time), pypdfium2 as it comes:
    without planparse's glyph cache (_glyph_cache.c), which a process that has read a PDF has in place
  * with --pure, planparse's pipeline again with its reader's Python code instead of its compiled twins
    (_speedups.c) and without the glyph cache: "x pure" = pdfplumber time / that time
  * with --uncached, planparse's pipeline again without the glyph cache only: "x uncached"
over five groups:
  real        the text-layer PDFs of ../shared/corpus/real (files without a text layer are skipped)
  office      the samples as LibreOffice exports them (tests/fixtures/office), files without ruled tables
  reportlab   the samples as reportlab renders them (tools/render_pdf.py), files without ruled tables
  text pages  every page of all those files without table ruling, gathered into one PDF
  table pages every page of all those files whose ruling may form a table (the pages planparse sends
              to pdfplumber's table finder), gathered into one PDF
x = pdfplumber time / planparse time (> 1: planparse is faster); a group's x is its pages over its time,
and a line under it gives the x file by file (median, lowest, highest; the files of at most 10 pages and
the longer ones, each part's pages over its time). Then the peak RSS of
`planparse extract --ocr MODE` (a fresh process) on PDFs of 100, 250 and --rss-pages pages made by
concatenating the real PDFs (pypdfium2), to show that memory does not grow with the page count.
--ocr is `never` by default: pdfplumber reads the text layer only, and so does planparse then
(with `auto` planparse also OCRs the pages that have no text layer: bench_ocr.py measures that).
The machine may be shared: only the ratios, measured side by side, are meant to be compared.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT / "src", ROOT):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

REAL = ROOT.parent / "shared" / "corpus" / "real"
OFFICE = ROOT / "tests" / "fixtures" / "office"


def _median(fn, reps: int) -> float:
    from bench.bench_extract import _median_time

    fn()  # warm-up: imports, grammars, jieba's dictionaries
    return _median_time(fn, reps)


def _plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()


def _without_glyph_cache(fn):
    """fn() with pdfium as pypdfium2 loads it (the glyph cache taken out for the call, then put back)."""
    from planparse import compiled

    cache = getattr(compiled, "GLYPH_CACHE", None)  # a tree from before the cache (bench_stages --tree)
    was_in = cache is not None and cache.stats()["installed"]
    if was_in:
        cache.uninstall()
    try:
        return fn()
    finally:
        if was_in:
            compiled.put_glyph_cache_back()


def _raw_pdfium(path: Path) -> None:
    _without_glyph_cache(lambda: _raw_pdfium_pages(path))


def _raw_pdfium_pages(path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    for page in pdf:
        textpage = page.get_textpage()
        textpage.get_text_range()
        textpage.close()
        page.close()
    pdf.close()


def _table_pages(path: Path) -> list[int]:
    import pypdfium2 as pdfium

    from planparse.ingest.pdf import _scan_page

    with pdfium.PdfDocument(str(path)) as pdf:
        return [i for i in range(len(pdf)) if _scan_page(pdf[i]).may_have_table]


def _has_text_layer(path: Path) -> bool:
    from planparse.errors import PlanparseError
    from planparse.ingest import read

    try:
        read(path, ocr="never")
        return True
    except PlanparseError:
        return False


def _gather(sources: list[tuple[Path, list[int]]], out: Path) -> Path:
    import pypdfium2 as pdfium

    dest = pdfium.PdfDocument.new()
    for path, pages in sources:
        if pages:
            with pdfium.PdfDocument(str(path)) as src:
                dest.import_pages(src, pages)
    dest.save(str(out))
    dest.close()
    return out


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    with pdfium.PdfDocument(str(path)) as pdf:
        return len(pdf)


def _forget_texts() -> None:
    """Empty what planparse keeps of the texts it has read (the time expressions of a sentence, the
    word fragments jieba looked up): the same file read again would find all of it and time faster
    than a first reading does. What it keeps of the grammars (compiled matchers, the dictionary) stays,
    as it does in a batch worker."""
    from planparse import words
    from planparse.extraction.deadlines import _found_times
    from planparse.grammar import load_grammars

    g = load_grammars(None)
    _found_times(g).clear()
    freq = getattr(words._jieba(g).tok, "FREQ", None)
    if isinstance(freq, words.MappedFrequencies):
        freq._found.clear()


def _time_group(name: str, files: list[Path], reps: int, per_file: bool, ocr: str, pure: bool = False,
                uncached: bool = False) -> dict:
    from planparse import compiled
    from planparse.pipeline import extract_file

    twin = compiled.SPEEDUPS

    def extract(f: Path, glyphs=twin) -> None:
        _forget_texts()
        compiled.SPEEDUPS = glyphs  # looked up by the reader at each call: None runs its Python code
        try:
            extract_file(f, ocr=ocr)  # type: ignore[arg-type]
        finally:
            compiled.SPEEDUPS = twin

    rows = []
    for f in files:
        pages = _pages(f)
        pp = _median(lambda: extract(f), reps)
        pl = _median(lambda: _plumber(f), reps)
        raw = _median(lambda: _raw_pdfium(f), reps)
        py = _median(lambda: _without_glyph_cache(lambda: extract(f, None)), reps) if pure else None
        nc = _median(lambda: _without_glyph_cache(lambda: extract(f)), reps) if uncached else None
        rows.append({"file": f.name, "pages": pages, "planparse_s": pp, "pdfplumber_s": pl, "raw_pdfium_s": raw,
                     "planparse_pure_python_s": py, "planparse_uncached_s": nc})
        if per_file:
            print(f"    {f.name[:46]:<46} {pages:4d} p | planparse {pages / pp:7.1f} p/s | "
                  f"pdfplumber {pages / pl:6.1f} p/s | x {pl / pp:5.2f} | {100 * raw / pp:3.0f}% raw, raw x {pl / raw:5.2f}"
                  + (f" | x pure {pl / py:5.2f}" if py else "") + (f" | x uncached {pl / nc:5.2f}" if nc else ""),
                  flush=True)
    pages = sum(r["pages"] for r in rows)
    pp = sum(r["planparse_s"] for r in rows)
    pl = sum(r["pdfplumber_s"] for r in rows)
    raw = sum(r["raw_pdfium_s"] for r in rows)
    py = sum(r["planparse_pure_python_s"] for r in rows) if pure else None
    nc = sum(r["planparse_uncached_s"] for r in rows) if uncached else None
    print(f"  {name:<12} {len(rows):3d} files {pages:4d} pages | planparse {pages / pp:7.1f} p/s | "
          f"pdfplumber {pages / pl:6.1f} p/s | x {pl / pp:5.2f} | raw pdfium {pages / raw:6.1f} p/s, "
          f"{100 * raw / pp:3.0f}% raw" + (f" | x pure {pl / py:5.2f}" if py else "")
          + (f" | x uncached {pl / nc:5.2f}" if nc else ""), flush=True)
    by_file = _by_file(rows)
    if len(rows) > 1:
        print(f"  {'':<12} by file: median x {by_file['median']:5.2f}, {by_file['lowest'][1]:5.2f} to "
              f"{by_file['highest'][1]:5.2f} ({by_file['lowest'][0][:14]} to {by_file['highest'][0][:14]}) | "
              f"below 10x: {by_file['below_10x']} of {len(rows)} files | "
              + " | ".join(f"{k} x {v:5.2f}" for k, v in by_file["by_length"].items()), flush=True)
        raw_by_file = by_file["raw_pdfium"]
        print(f"  {'':<12} raw pdfium by file: median x {raw_by_file['median']:5.2f}, {raw_by_file['lowest'][1]:5.2f} to "
              f"{raw_by_file['highest'][1]:5.2f} | below 10x: {raw_by_file['below_10x']} of {len(rows)} files | "
              + " | ".join(f"{k} x {v:5.2f}" for k, v in raw_by_file["by_length"].items()), flush=True)
    return {"group": name, "files": rows, "pages": pages, "planparse_s": pp, "pdfplumber_s": pl, "raw_pdfium_s": raw,
            "planparse_pure_python_s": py, "planparse_uncached_s": nc, "ratio": pl / pp, "share_of_raw": raw / pp,
            "by_file": by_file,
            "compiled_reader": twin is not None, "glyph_cache": getattr(compiled, "GLYPH_CACHE", None) is not None}


SHORT_FILE_PAGES = 10  # "short" in the by-file line: a notice or a plan of a few pages


def _by_file(rows: list[dict], timed: str = "planparse_s", raw_too: bool = True) -> dict:
    """The ratio file by file: a group's ratio is its pages over its time, so its long files weigh most;
    a short file pays what does not grow with its pages (its fonts loaded, the stages' set-up). The same
    for raw pdfium (`raw_pdfium`): the floor of reading a text layer, file by file (pdfplumber reads a
    sparse page fast, so on some short files raw pdfium itself is less than 10x)."""
    ratios = sorted((r["pdfplumber_s"] / r[timed], r["file"]) for r in rows)
    by_length = {}
    for label, keep in ((f"<= {SHORT_FILE_PAGES} pages", lambda r: r["pages"] <= SHORT_FILE_PAGES),
                        (f"> {SHORT_FILE_PAGES} pages", lambda r: r["pages"] > SHORT_FILE_PAGES)):
        part = [r for r in rows if keep(r)]
        if part:
            label = f"{len(part)} files {label}"
            by_length[label] = sum(r["pdfplumber_s"] for r in part) / sum(r[timed] for r in part)
    out = {"median": statistics.median(x for x, _ in ratios), "lowest": (ratios[0][1], ratios[0][0]),
           "highest": (ratios[-1][1], ratios[-1][0]), "by_length": by_length,
           "below_10x": sum(1 for x, _ in ratios if x < 10)}
    if raw_too:
        out["raw_pdfium"] = _by_file(rows, "raw_pdfium_s", raw_too=False)
    return out


def _peak_rss_mb(path: Path, ocr: str) -> float:
    """Peak RSS of `python -m planparse.cli extract PATH --ocr OCR` in a fresh process (ru_maxrss of the child)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    code = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'planparse.cli', 'extract', sys.argv[1], '--ocr', sys.argv[2],"
        " '-o', '/dev/null'])\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path), ocr], capture_output=True, text=True, env=env,
                         timeout=3600)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rss-pages", type=int, default=500)
    ap.add_argument("--ocr", choices=("never", "auto"), default="never")
    ap.add_argument("--pure", action="store_true",
                    help="also time planparse with its reader's Python code (no compiled twins)")
    ap.add_argument("--uncached", action="store_true", help="also time planparse without its glyph cache")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from tools.render_pdf import render_sample

    real = [p for p in sorted(REAL.glob("*.pdf")) if _has_text_layer(p)]
    with tempfile.TemporaryDirectory(prefix="planparse-bench-") as tmp:
        tmpd = Path(tmp)
        reportlab = [render_sample(t, tmpd / f"reportlab_{t.stem}.pdf") for t in sorted((ROOT / "samples").glob("*.txt"))]
        office = sorted(OFFICE.glob("*.pdf"))
        rendered = office + reportlab
        table_pages = {p: _table_pages(p) for p in real + rendered}
        text_only = _gather([(p, [i for i in range(_pages(p)) if i not in set(tp)]) for p, tp in table_pages.items()],
                            tmpd / "text_pages.pdf")
        tables = _gather(list(table_pages.items()), tmpd / "table_pages.pdf")
        print(f"planparse (--ocr {args.ocr}) vs pdfplumber extract_text, median of {args.reps} runs "
              f"(x = pdfplumber time / planparse time)", flush=True)
        groups = [
            _time_group("real", real, args.reps, per_file=True, ocr=args.ocr, pure=args.pure,
                        uncached=args.uncached),
            _time_group("office", [p for p in office if not table_pages[p]], args.reps, per_file=True, ocr=args.ocr,
                        pure=args.pure, uncached=args.uncached),
            _time_group("reportlab", [p for p in reportlab if not table_pages[p]], args.reps, per_file=True,
                        ocr=args.ocr, pure=args.pure, uncached=args.uncached),
            _time_group("text pages", [text_only], args.reps, per_file=False, ocr=args.ocr, pure=args.pure,
                        uncached=args.uncached),
            _time_group("table pages", [tables], args.reps, per_file=False, ocr=args.ocr, pure=args.pure,
                        uncached=args.uncached),
        ]
        rss = []
        sources = [(p, list(range(_pages(p)))) for p in real]
        for target in sorted({100, 250, args.rss_pages}):
            picked, n = [], 0
            while n < target:
                for p, pages in sources:
                    take = pages[: target - n]
                    if take:
                        picked.append((p, take))
                        n += len(take)
                    if n >= target:
                        break
            big = _gather(picked, tmpd / f"concat_{target}.pdf")
            t0 = time.perf_counter()
            mb = _peak_rss_mb(big, args.ocr)
            rss.append({"pages": target, "peak_rss_mb": mb, "wall_s": time.perf_counter() - t0})
            print(f"  peak RSS  {target:4d} pages: {mb:6.1f} MB ({time.perf_counter() - t0:.1f} s)", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"groups": groups, "rss": rss}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
