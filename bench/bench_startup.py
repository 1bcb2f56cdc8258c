"""Cold start and peak memory of the command line, one fresh process per run.

    python bench/bench_startup.py                 # 5 runs of each case, this checkout's src/
    python bench/bench_startup.py --reps 3 --pdf-pages 500 --cache /tmp/pp-bench

Each case runs the console script's entry point (`from planparse.cli import main; main()`, what the
installed `planparse` script does) in a new process with this checkout's `src/` first on the path,
measured by `/usr/bin/time -f "%e %U %S %M"`: wall time, CPU time (user + system) and peak RSS.
CPU time is the figure to compare on a shared machine: wall time grows with the load, CPU time
hardly does.
"Cold" means a new interpreter every run (nothing of planparse loaded; the OS file cache is warm, as
it is for a user who runs planparse twice). Cases, side by side:

  --help                 the floor: interpreter, typer/rich, the CLI module
  extract <short txt>    samples/003 (the 5-page implementation plan) to /dev/null
  extract <long pdf>     the samples rendered as one PDF of about --pdf-pages pages (tools/render_pdf.py)
  pdfplumber CLI         `pdfplumber --format text --pages 1` on the first real PDF of the corpus: the
                         yardstick (a cold `extract` of the short text should cost at most 2x this)

The figures in bench/README.md come from this script; report the median (and min) of the runs.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHORT_TXT = ROOT / "samples" / "003_2490237ab9f4f493.txt"
ENTRY = "import sys; from planparse.cli import main; sys.exit(main())"
PLUMBER_ENTRY = "import sys; from pdfplumber.cli import main; sys.exit(main())"
REAL = ROOT.parent / "shared" / "corpus" / "real"


def run_once(args: list[str], env: dict, entry: str = ENTRY) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MB, exit code) of one fresh process.

    /usr/bin/time, not this process's wait4: a child forked from a big parent inherits the parent's
    peak RSS in ru_maxrss, and this script holds a PDF renderer.
    """
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        proc = subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M", sys.executable, "-c", entry, *args],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wall, user, system, rss_kb = out.read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kb) / 1024, proc.returncode


def long_pdf(cache: Path, pages: int) -> Path:
    """The five samples rendered as one PDF, repeated until it has about `pages` pages (cached)."""
    sys.path.insert(0, str(ROOT))
    import pypdfium2

    from tools.render_pdf import render_text_pdf, txt_to_blocks

    out = cache / f"samples_{pages}p.pdf"
    if out.exists():
        return out
    cache.mkdir(parents=True, exist_ok=True)
    one_round = [b for t in sorted((ROOT / "samples").glob("*.txt")) for b in txt_to_blocks(t.read_text(encoding="utf-8"))]
    probe = render_text_pdf(one_round, cache / "one_round.pdf")
    per_round = len(pypdfium2.PdfDocument(str(probe)))
    rounds = max(1, round(pages / per_round))
    return render_text_pdf(one_round * rounds, out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--pdf-pages", type=int, default=500, help="0 skips the long PDF")
    ap.add_argument("--cache", type=Path, default=Path("/tmp/planparse-bench"))
    a = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    # An installed planparse has its bytecode compiled; a checkout run with PYTHONDONTWRITEBYTECODE has
    # none, and every run would compile the sources again (~0.1 s): compile them once, as pip does.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], stdout=subprocess.DEVNULL,
                   env={k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"})
    # One untimed run first: the cache directory then holds the word dictionary, the compiled patterns
    # and the validated grammars, as it does for a user after the first run.
    run_once(["extract", str(SHORT_TXT), "-o", os.devnull], env)
    cases = [("--help", ["--help"], ENTRY),
             (f"extract {SHORT_TXT.name}", ["extract", str(SHORT_TXT), "-o", os.devnull], ENTRY)]
    real_pdf = next(iter(sorted(REAL.glob("*.pdf"))), None)
    if real_pdf is not None:
        cases.append(("pdfplumber CLI, 1 page", [str(real_pdf), "--format", "text", "--pages", "1"], PLUMBER_ENTRY))
    if a.pdf_pages:
        pdf = long_pdf(a.cache, a.pdf_pages)
        import pypdfium2

        cases.append((f"extract {len(pypdfium2.PdfDocument(str(pdf)))}-page pdf", ["extract", str(pdf), "-o", os.devnull],
                      ENTRY))
    print(f"{'case':<30} {'wall median':>11} {'wall min':>9} {'CPU median':>10} {'CPU min':>8} {'peak RSS':>9}")
    medians = {}
    for name, args, entry in cases:
        runs = [run_once(args, env, entry) for _ in range(a.reps)]
        bad = [r[3] for r in runs if r[3] != 0]
        walls, cpus, rss = [r[0] for r in runs], [r[1] for r in runs], [r[2] for r in runs]
        print(f"{name:<30} {statistics.median(walls):>10.2f}s {min(walls):>8.2f}s {statistics.median(cpus):>9.2f}s "
              f"{min(cpus):>7.2f}s {max(rss):>7.0f}MB" + (f"  (exit codes {bad})" if bad else ""), flush=True)
        medians[name] = (statistics.median(walls), statistics.median(cpus))
    short, plumber = medians.get(cases[1][0]), medians.get("pdfplumber CLI, 1 page")
    if short and plumber:
        print(f"extract of the short text / pdfplumber CLI on one page: wall {short[0] / plumber[0]:.2f}x, "
              f"CPU {short[1] / plumber[1]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
