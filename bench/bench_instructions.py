"""Instructions executed (valgrind's callgrind, `Ir`) by one pass of the pipeline over the real PDFs, for
one or more source trees side by side, with each library's share.

    python bench/bench_instructions.py [--tree SRC ...] [--ocr never] [--keep DIR]

Why: on this shared 2-core machine two timed runs of one tree differ by up to 5%, so a change worth 1%
cannot be told from noise in seconds; the number of instructions a run executes moves far less from
one run to the next (PYTHONHASHSEED is fixed for it: see the README for the spread measured). Instructions
are not time (a cache miss costs more than an addition), but on the same input two trees' counts say which
does less work, and by how much.

Each tree (a `src` directory; by default this checkout's) runs twice under callgrind: once with the
imports and an untimed warm-up pass over every text-layer PDF of ../shared/corpus/real (what planparse
keeps of read texts emptied before each file, as bench_pdf.py does), once with one more pass after it.
The difference is the pass: what a warm process spends on the 21 documents. The table splits it by
shared object (pdfium, the Python interpreter, `regex`, libc, ...) and, inside pdfium, gives the page
parse (`CPDF_Page::ParseContent`), the text page (`CPDF_TextPage`), what both spend on character boxes
(`CPDF_CIDFont::GetCharBBox`: pdfium keeps the boxes of codes below 256 only, so each character of CJK
text is measured afresh) and, of that, FreeType's glyph loads (`FT_Load_Glyph`: an outline loaded for
every character, but where planparse's glyph cache, _glyph_cache.c, answers), inclusive of what they call.

valgrind slows Python about 60 times: a tree takes about six minutes here (its two runs). Without
valgrind the script says so and exits with 2.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real"

_CHILD = r'''
import sys
sys.path.insert(0, {bench!r})
from bench_pdf import _forget_texts  # puts this checkout's src on the path: the tree measured goes first
sys.path.insert(0, {src!r})
from pathlib import Path
from planparse.errors import PlanparseError
from planparse.pipeline import extract_file

files = []
for path in sorted(Path({real!r}).glob("*.pdf")):
    try:
        _forget_texts()
        extract_file(path, ocr={ocr!r})
        files.append(path)
    except PlanparseError:
        pass  # no text layer (the scan) with OCR off
for _ in range({passes}):
    for path in files:
        _forget_texts()
        extract_file(path, ocr={ocr!r})
'''

# inclusive counts of these functions (pdfium's symbols), by the label shown
_INSIDE_PDFIUM = [
    ("page parse (ParseContent)", "CPDF_Page::ParseContent()"),
    ("text page (CPDF_TextPage)", "CPDF_TextPage::CPDF_TextPage("),
    ("character boxes (GetCharBBox)", "CPDF_CIDFont::GetCharBBox("),
    ("glyph loads (FT_Load_Glyph)", "FT_Load_Glyph"),
]


def _callgrind(src: str, passes: int, ocr: str, out: Path) -> None:
    code = _CHILD.format(bench=str(ROOT / "bench"), src=src, real=str(REAL), ocr=ocr, passes=passes)
    # one hash seed for every run: with Python's random one, sets and dicts iterate and collide differently
    # from run to run, and the count of the same tree moved by ~0.5%
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c", code],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _annotate(out: Path, inclusive: bool) -> list[tuple[int, str]]:
    """(Ir, 'file:function [object]') of every function callgrind saw."""
    text = subprocess.run(["callgrind_annotate", "--threshold=100", f"--inclusive={'yes' if inclusive else 'no'}", str(out)],
                          check=True, capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        head, _, rest = line.strip().partition(" ")
        count = head.replace(",", "")
        if count.isdigit() and "[" in rest and "PROGRAM TOTALS" not in rest:
            rows.append((int(count), rest))
    return rows


def _profile(out: Path) -> dict[str, int]:
    """Instructions by shared object, the total, and the inclusive counts of _INSIDE_PDFIUM."""
    got: dict[str, int] = defaultdict(int)
    for ir, where in _annotate(out, inclusive=False):
        obj = where.rsplit("[", 1)[1].rstrip("]").rsplit("/", 1)[-1]
        got[_library(obj)] += ir
        got["total"] += ir
    for ir, where in _annotate(out, inclusive=True):
        for label, symbol in _INSIDE_PDFIUM:
            if symbol in where and "libpdfium" in where:
                got[label] = max(got[label], ir)  # the function itself, not a line that names it in passing
    return got


def _library(obj: str) -> str:
    for prefix, name in (("libpdfium", "pdfium"), ("libpython", "Python interpreter"), ("_regex", "regex"),
                         ("libc.so", "libc (malloc, memcpy)"), ("libcrypto", "OpenSSL (sha256)"),
                         ("_speedups", "planparse._speedups"), ("_glyph_cache", "planparse._glyph_cache"),
                         ("_pydantic_core", "pydantic-core")):
        if obj.startswith(prefix):
            return name
    return "other"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tree", action="append", help="a src directory to measure (repeatable)")
    ap.add_argument("--ocr", default="never")
    ap.add_argument("--keep", help="keep callgrind's output files in this directory")
    args = ap.parse_args(argv)
    if not (shutil.which("valgrind") and shutil.which("callgrind_annotate")):
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 2
    trees = args.tree or [str(ROOT / "src")]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="planparse-ir-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, int]] = {}
    try:
        for k, tree in enumerate(trees):
            runs = []
            for passes in (0, 1):
                out = work / f"callgrind.{k}.{passes}"
                _callgrind(tree, passes, args.ocr, out)
                runs.append(_profile(out))
            warm, whole = runs
            results[tree] = {key: whole.get(key, 0) - warm.get(key, 0) for key in set(whole) | set(warm)}
            print(f"  {tree} done", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    first = results[trees[0]]
    labels = ["total"] + sorted((k for k in first if k != "total" and not any(k == lab for lab, _ in _INSIDE_PDFIUM)),
                                key=lambda k: -first[k])
    print("instructions of one warm pass over the real PDFs (millions; % of the pass)")
    print(f"{'':32}" + "".join(f"{Path(t).parent.name + '/' + Path(t).name:>28}" for t in trees))
    for label in labels + [lab for lab, _ in _INSIDE_PDFIUM]:
        indent = "    " if any(label == lab for lab, _ in _INSIDE_PDFIUM) else ""
        cells = "".join(f"{results[t].get(label, 0) / 1e6:>18,.0f} {100 * results[t].get(label, 0) / results[t]['total']:>6.1f}%"
                        for t in trees)
        print(f"{indent + label:32}{cells}")
    if len(trees) > 1:
        for t in trees[1:]:
            print(f"{t}: {results[t]['total'] / first['total']:.4f} x the instructions of {trees[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
