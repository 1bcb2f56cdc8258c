"""Cost of huge inputs (issue 22): reading a document grows a process by at most 20 times its size plus a
constant, in a batch worker and in `planparse extract` (to a file and to standard output), for a long plan
text, the same plan as markdown and a text of many numbered markers."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLI_ENV, ROOT
from planparse.batch.document import MEMORY_PER_INPUT_BYTE

# What a document may grow a warmed process by besides its 20 bytes a byte: a short plan grows it by
# about 4 MB; the rest is room for the allocator's own rounding. (Before the source lines were kept a
# column per field, the models shared their field sets and the JSON was written as it was built, a 1 MB
# plan grew a worker by about 40 MB, over this bound.)
CONSTANT = 16 * 2**20

# The document, in a process of its own: the stages are loaded first (as a worker's initializer does) and
# the command is run once on a short text (what it compiles and imports on first use is no document's),
# then on the document; the growth is the process's peak resident memory past what it held before.
# The peak is the kernel's high-water mark (VmHWM), reset after the warm-up: on a machine whose cache
# is still empty, loading the stages builds the word dictionary, a peak of its own that is not the document's.
_CHILD = """
import json, os, re, resource, sys
from planparse.batch.document import DocumentTask, load_stages, process_document
load_stages(None, warm=True)
how, path, out, short = sys.argv[1:5]

def run(path, out):
    if how == "worker":
        result = process_document(DocumentTask(0, path, "json", out, None))
        assert result.ok, result.message
        return
    from planparse.cli import app
    args = ["extract", path] + (["-o", out] if how == "file" else [])
    saved = sys.stdout
    if how == "stdout":
        sys.stdout = open(out, "w", encoding="utf-8")
    try:
        app(args, standalone_mode=False)
    finally:
        if how == "stdout":
            sys.stdout.close()
            sys.stdout = saved

def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
def high_water():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\\s+(\\d+)", f.read()).group(1)) * 1024
run(short, out)
before = resident()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets VmHWM to the resident size now
run(path, out)
print(json.dumps({"growth": high_water() - before}))
"""

_SAMPLE = ROOT / "samples" / "002_5ca395b12717d3cc.txt"


def _growth(how: str, document: Path, tmp_path: Path) -> int:
    out = tmp_path / "out.json"
    r = subprocess.run([sys.executable, "-c", _CHILD, how, str(document), str(out), str(_SAMPLE)], env=CLI_ENV,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_bytes())["clauses"]  # the whole document was read and written
    return json.loads(r.stdout.splitlines()[-1])["growth"]


def _long_plan(tmp_path: Path, size: int) -> Path:
    """A plan of many chapters, clauses, targets, deadlines and agencies, long enough that its share
    outweighs the constant."""
    body = _SAMPLE.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(body * (size // len(body.encode()) + 1), encoding="utf-8")
    return big


needs_clear_refs = pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(),
                                      reason="needs Linux's /proc/self/clear_refs to reset the peak")


@pytest.mark.slow
@needs_clear_refs
@pytest.mark.parametrize("how", ["worker", "file", "stdout"])
def test_a_long_plan_grows_a_process_by_at_most_twenty_times_its_size(tmp_path, how):
    big = _long_plan(tmp_path, 1_000_000 if how == "worker" else 700_000)
    size = big.stat().st_size
    growth = _growth(how, big, tmp_path)
    assert growth <= CONSTANT + MEMORY_PER_INPUT_BYTE * size, (how, growth / 2**20, size / 2**20)


@pytest.mark.slow
@needs_clear_refs
def test_many_numbered_markers_grow_a_worker_by_at_most_twenty_times_their_size(tmp_path):
    markers = tmp_path / "markers.txt"
    markers.write_text("关于印发某某行动方案的通知\n一、重点任务\n" + "".join(f"（{i}）推进第{i}项工作。\n" for i in range(1, 12_001)),
                       encoding="utf-8")
    size = markers.stat().st_size
    growth = _growth("worker", markers, tmp_path)
    assert growth <= CONSTANT + MEMORY_PER_INPUT_BYTE * size, (growth / 2**20, size / 2**20)


def _long_markdown(tmp_path: Path, size: int) -> Path:
    """The long plan as a scraped page saves it: headings marked `##`, a blank line after every line (each
    a paragraph of its own: twice the lines and paragraphs of the text), some bold and a list."""
    lines = _SAMPLE.read_text(encoding="utf-8").splitlines()
    page = "".join(("## " + line if line.startswith(("一、", "二、", "三、", "四、", "五、"))
                    else "- **" + line + "**" if line.startswith("（") else line) + "\n\n" for line in lines)
    big = tmp_path / "big.md"
    big.write_text(page * (size // len(page.encode()) + 1), encoding="utf-8")
    return big


@pytest.mark.slow
@needs_clear_refs
def test_a_long_markdown_plan_grows_a_worker_by_at_most_twenty_times_its_size(tmp_path):
    big = _long_markdown(tmp_path, 1_000_000)
    size = big.stat().st_size
    growth = _growth("worker", big, tmp_path)
    assert growth <= CONSTANT + MEMORY_PER_INPUT_BYTE * size, (growth / 2**20, size / 2**20)
