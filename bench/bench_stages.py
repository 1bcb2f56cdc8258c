"""CPU seconds of each pipeline stage on the real PDFs, side by side for two or more source trees.

    python bench/bench_stages.py [--tree SRC ...] [--pure] [--rounds 3] [--passes 3] [--ocr never]

Each tree (a `src` directory; by default ../main/src, the main checkout's, and this checkout's) runs in
a process of its own; the trees take turns, --rounds times, so a load that comes and goes on a shared
machine falls on each of them alike. A process reads every text-layer PDF of ../shared/corpus/real
(the scanned ones skipped) once untimed (imports, grammars, jieba's dictionary), then --passes times,
each stage timed with time.process_time() and what planparse keeps of read texts emptied before each
file (as bench_pdf.py does); a stage's figure is its best pass, and the table gives the median of the
rounds' figures per tree. Stages are those of `pipeline.extract_with_text`; the indented rows are
parts of the stage above them, timed by wrapping the functions the stage calls (a wrapped function
missing from a tree is left out), and `raw pdfium` is get_textpage() + get_text_range() of every page:
the floor of reading a text layer. --pure times each tree a second time with PLANPARSE_PURE_PYTHON=1
(the reader's Python code instead of its compiled twins, _speedups.c), in the same rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real"

# (label, module, attribute): the stages' parts, timed where the stage looks them up
_PARTS = [
    ("page scan", "planparse.ingest.pdf", "_scan_page"),
    ("tables", "planparse.ingest.pdf", "_pdfium_tables"),
    ("characters and lines", "planparse.ingest.pdf", "_pdfium_items"),
    ("lines from glyphs", "planparse.ingest.pdf", "lines_from_glyphs"),
    ("clean lines", "planparse.ingest.pdf", "_clean_lines"),
    ("meta", "planparse.extraction", "extract_meta"),
    ("measures", "planparse.extraction", "measures_in"),
    ("targets", "planparse.extraction", "targets_in"),
    ("qualitative goals", "planparse.extraction", "qualitative_targets_in"),
    ("deadlines", "planparse.extraction", "deadlines_in"),
    ("deadline windows", "planparse.extraction", "find_windows"),
    ("extraction tables", "planparse.extraction", "extract_tables"),
    ("indicator grids", "planparse.extraction", "indicator_grids"),
]
_ROWS = [
    ("raw pdfium", 0), ("ingest", 0), ("page scan", 1), ("characters and lines", 1), ("lines from glyphs", 2),
    ("clean lines", 2), ("tables", 1), ("normalise", 0), ("segment", 0), ("extraction", 0), ("meta", 1),
    ("measures", 1), ("targets", 1), ("qualitative goals", 1), ("deadlines", 1), ("deadline windows", 1),
    ("indicator grids", 1), ("extraction tables", 1), ("assemble", 0), ("whole pipeline", 0),
]


def _child(src: str, passes: int, ocr: str) -> dict[str, float]:
    # bench_pdf's floor and reset, the same here; imported first: it puts this checkout's src on the path,
    # and the tree being timed must come before it
    from bench_pdf import _forget_texts as forget_texts, _raw_pdfium as raw_pdfium

    sys.path.insert(0, src)
    import importlib

    from planparse import ingest
    from planparse.assemble import assemble
    from planparse.errors import PlanparseError
    from planparse.extraction import extract_all
    from planparse.grammar import load_grammars
    from planparse.metrics import key_metrics
    from planparse.normalise import normalise
    from planparse.pipeline import _without_text
    from planparse.segment import segment
    from planparse.words import word_splitter

    spent: dict[str, float] = {}
    clock = time.process_time

    def timed(label: str, fn):
        def run(*args, **kwargs):
            t0 = clock()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + clock() - t0
        return run

    for label, module, name in _PARTS:
        mod = importlib.import_module(module)
        if hasattr(mod, name):
            setattr(mod, name, timed(label, getattr(mod, name)))

    g = load_grammars(None)

    def stage(label: str, fn, *args):
        t0 = clock()
        out = fn(*args)
        spent[label] = spent.get(label, 0.0) + clock() - t0
        return out

    def run(path: Path) -> None:
        forget_texts()
        stage("raw pdfium", raw_pdfium, path)
        raw = stage("ingest", lambda: ingest.read(path, ocr=ocr))
        nt = stage("normalise", normalise, raw, g)
        raw = _without_text(raw)
        seg = stage("segment", segment, nt, g)
        found = stage("extraction", extract_all, nt, seg, g)

        def assemble_all():
            nt.forget_paragraphs()
            doc = assemble(raw, nt, seg, found)
            key_metrics(doc, g.metrics, word_splitter(g))
        stage("assemble", assemble_all)

    files = []
    for path in sorted(REAL.glob("*.pdf")):
        try:
            run(path)  # the untimed warm-up; a file without a text layer is left out
            files.append(path)
        except PlanparseError:
            pass
    best: dict[str, float] = {}
    for _ in range(passes):
        spent.clear()
        for path in files:
            run(path)
        spent["whole pipeline"] = sum(spent[s] for s in ("ingest", "normalise", "segment", "extraction", "assemble"))
        for label, secs in spent.items():
            best[label] = min(best.get(label, secs), secs)
    best["files"] = len(files)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", action="append", help="a src directory to time (repeatable)")
    ap.add_argument("--pure", action="store_true", help="also time each tree with PLANPARSE_PURE_PYTHON=1")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--ocr", default="never")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, args.passes, args.ocr)))
        return 0
    sources = args.tree or list(dict.fromkeys([str(ROOT.parent / "main" / "src"), str(ROOT / "src")]))
    trees = [t for src in sources for t in ([src, src + " (pure)"] if args.pure else [src])]
    results: dict[str, list[dict]] = {t: [] for t in trees}
    for r in range(args.rounds):
        for tree in trees if r % 2 == 0 else trees[::-1]:
            src, pure = tree.removesuffix(" (pure)"), tree.endswith(" (pure)")
            env = {**os.environ, "PLANPARSE_PURE_PYTHON": "1" if pure else ""}
            out = subprocess.run([sys.executable, __file__, "--child", src, "--passes", str(args.passes),
                                  "--ocr", args.ocr], capture_output=True, text=True, check=True, env=env).stdout
            results[tree].append(json.loads(out.strip().splitlines()[-1]))
            print(f"  round {r + 1}: {tree} done", file=sys.stderr, flush=True)
    files = {int(rounds[0]["files"]) for rounds in results.values()}
    print(f"CPU seconds over {'/'.join(map(str, files))} real PDFs, best of {args.passes} passes, "
          f"median of {args.rounds} rounds")
    width = max(len(t) for t in trees) + 2
    print(f"{'stage':<26}" + "".join(f"{t:>{width}}" for t in trees))
    for label, depth in _ROWS:
        cells = []
        for tree in trees:
            values = [rounds[label] for rounds in results[tree] if label in rounds]
            cells.append(f"{statistics.median(values):.3f} s" if values else "-")
        if any(c != "-" for c in cells):
            print(f"{'  ' * depth + label:<26}" + "".join(f"{c:>{width}}" for c in cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
