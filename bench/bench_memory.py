"""Memory of huge inputs: how much a batch worker grows reading one large made-up document.

    python bench/bench_memory.py text 8          # an 8 MB plan text (samples/002 repeated)
    python bench/bench_memory.py md 8            # the same plan as markdown (headings, a blank line after each line)
    python bench/bench_memory.py markers 100     # 100,000 numbered items （1）…（100000） under one heading
    python bench/bench_memory.py text 1 --out /tmp/plan.json

The document is written to a temporary directory, then read in this process as a batch worker reads it
(`process_document`, JSON to a file) after the stages are loaded and warmed. Printed: the input's size,
the growth of the process's peak resident memory over what it held before the document (the kernel's
high-water mark, reset just before: Linux only), that growth as a multiple of the input, and the bound
the README states (20x the input + 150 MB). `tests/test_hostile_memory.py` holds the same bound with a
tighter constant on inputs of about 1 MB; this script is for the large sizes a test cannot afford.
"""
from __future__ import annotations

import argparse
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
PLAN = ROOT / "samples" / "002_5ca395b12717d3cc.txt"
MB = 2**20


def made_up(kind: str, size_mb: float) -> tuple[str, str]:
    """(text, suffix) of a document of about `size_mb` MB (markers: size_mb thousand items)."""
    n = int(size_mb * 1e6)
    if kind == "markers":
        items = [f"（{i}）推进第{i}项工作。\n" for i in range(1, int(size_mb * 1000) + 1)]
        return "关于印发某某行动方案的通知\n一、重点任务\n" + "".join(items), ".txt"
    body = PLAN.read_text(encoding="utf-8")
    if kind == "md":
        body = "\n".join(("## " + x if x.startswith(("一、", "二、", "三、", "四、", "五、")) else x) + "\n"
                         for x in body.splitlines())
    return body * (n // len(body.encode("utf-8")) + 1), ".md" if kind == "md" else ".txt"


def high_water_mark() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        return int(re.search(r"VmHWM:\s+(\d+)", f.read()).group(1)) * 1024


def resident() -> int:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("kind", choices=["text", "md", "markers"])
    ap.add_argument("size", type=float, help="MB of text (markers: thousands of items)")
    ap.add_argument("--out", type=Path, help="keep the JSON here (default: a temporary file)")
    a = ap.parse_args()

    from planparse.batch.document import DocumentTask, load_stages, process_document

    with tempfile.TemporaryDirectory(prefix="planparse-bench-memory-") as tmp:
        text, suffix = made_up(a.kind, a.size)
        doc = Path(tmp) / f"plan{suffix}"
        doc.write_text(text, encoding="utf-8")
        del text
        out = a.out or Path(tmp) / "plan.json"
        load_stages(None, warm=True)
        before = resident()
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")  # the high-water mark from here on: the document's, not the stages'
        started = time.perf_counter()
        result = process_document(DocumentTask(0, str(doc), "json", str(out), None))
        seconds = time.perf_counter() - started
        if not result.ok:
            print(f"bench_memory: {a.kind} {a.size:g}: {result.kind}: {result.message}", file=sys.stderr)
            return 1
        size = doc.stat().st_size
        growth = high_water_mark() - before
        print(f"{a.kind:7s} input {size / MB:7.1f} MB | peak growth {growth / MB:7.0f} MB = {growth / size:5.1f}x "
              f"| bound 20x + 150 MB = {(20 * size + 150 * MB) / MB:7.0f} MB | {result.clauses} clauses, "
              f"JSON {out.stat().st_size / MB:.1f} MB, {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
