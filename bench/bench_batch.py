"""Throughput of `planparse batch` with 1 and 2 workers over many copies of the samples.

    python bench/bench_batch.py                 # 100 text documents, 100 rendered PDFs (when tools/render_pdf.py is there)
    python bench/bench_batch.py --docs 200 --pdf-docs 0 --workers 1,2,4

Each run is `planparse batch DIR -o OUT --workers N --no-progress` in a fresh process, started by a small
wrapper process that reports the wall time and, from resource.getrusage(RUSAGE_CHILDREN), the peak
resident memory of the largest process of the run (the batch parent or one worker; ru_maxrss is a
maximum over processes, not a sum) and the CPU time of all of them. Pages/s counts PDF pages (text
input has none). PDFs are rendered from the sample texts by tools/render_pdf.py (reportlab, CJK text layer).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))

# Runs in its own process so that RUSAGE_CHILDREN covers exactly one batch (the batch and its workers).
_WRAPPER = r"""
import json, resource, subprocess, sys, time
cmd = json.loads(sys.argv[1])
t0 = time.perf_counter()
rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "maxrss_kb": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime}))
"""


def make_corpus(dest: Path, sources: list[Path], n: int) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        s = sources[i % len(sources)]
        shutil.copy(s, dest / f"{i:04d}_{s.name}")
    return dest


def render_pdfs(dest: Path) -> list[Path] | None:
    try:
        sys.path.insert(0, str(ROOT))
        from tools.render_pdf import render_sample
    except ImportError:
        return None
    dest.mkdir(parents=True, exist_ok=True)
    return [render_sample(s, dest / f"{s.stem}.pdf") for s in SAMPLES]


def run_once(corpus: Path, out: Path, workers: int, engine: str = "pool") -> dict:
    cmd = [sys.executable, "-m", "planparse.cli", "batch", str(corpus), "-o", str(out), "--workers", str(workers),
           "--engine", engine, "--no-progress"]
    res = subprocess.run([sys.executable, "-c", _WRAPPER, json.dumps(cmd)], capture_output=True, text=True, check=True)
    stats = json.loads(res.stdout)
    docs = pages = 0
    for p in out.rglob("*.json"):
        docs += 1
        with open(p, encoding="utf-8") as f:
            pages += json.load(f)["source"].get("pages") or 0
    stats.update(docs=docs, pages=pages)
    return stats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100, help="text documents per run (copies of the samples)")
    ap.add_argument("--pdf-docs", type=int, default=100, help="PDF documents per run (0: no PDF runs)")
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--engines", default="pool", help="comma-separated engines: pool, dask (a LocalCluster of N worker processes)")
    args = ap.parse_args(argv)
    workers = [int(w) for w in args.workers.split(",")]
    engines = args.engines.split(",")
    rows = []
    with tempfile.TemporaryDirectory(prefix="planparse-bench-") as tmp:
        tmpd = Path(tmp)
        corpora = [("txt", make_corpus(tmpd / "txt", SAMPLES, args.docs))]
        if args.pdf_docs > 0:
            pdfs = render_pdfs(tmpd / "rendered")
            if pdfs:
                corpora.append(("pdf", make_corpus(tmpd / "pdf", pdfs, args.pdf_docs)))
            else:
                print("tools/render_pdf.py not available: text runs only", file=sys.stderr)
        for kind, corpus in corpora:
            n = len(list(corpus.iterdir()))
            for engine in engines:
                for w in workers:
                    out = tmpd / f"out-{kind}-{engine}-{w}"
                    st = run_once(corpus, out, w, engine)
                    rows.append({
                        "input": kind, "engine": engine, "docs": n, "workers": w, "ok": st["docs"], "exit": st["rc"],
                        "wall_s": st["wall"], "docs_per_s": n / st["wall"],
                        "pages_per_s": (st["pages"] / st["wall"]) if st["pages"] else None,
                        "pages": st["pages"], "cpu_s": st["cpu"], "peak_rss_mb": st["maxrss_kb"] / 1024,
                    })
                    shutil.rmtree(out, ignore_errors=True)
                    print(f"  {kind} ×{n}, {engine}, {w} worker(s): {st['wall']:.1f} s", file=sys.stderr)
    head = f"{'input':<6}{'engine':<7}{'docs':>6}{'workers':>9}{'ok':>6}{'wall s':>9}{'docs/s':>9}{'pages':>7}{'pages/s':>9}{'cpu s':>8}{'peak RSS MB':>13}"
    print(f"planparse batch throughput ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(head)
    print("-" * len(head))
    for r in rows:
        pps = f"{r['pages_per_s']:.1f}" if r["pages_per_s"] else "–"
        print(f"{r['input']:<6}{r['engine']:<7}{r['docs']:>6}{r['workers']:>9}{r['ok']:>6}{r['wall_s']:>9.1f}{r['docs_per_s']:>9.1f}"
              f"{r['pages']:>7}{pps:>9}{r['cpu_s']:>8.1f}{r['peak_rss_mb']:>13.0f}")
    return 0 if all(r["exit"] == 0 and r["ok"] == r["docs"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
