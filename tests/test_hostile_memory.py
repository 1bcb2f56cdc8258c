"""Cost of huge inputs (issue 22): a batch worker's memory grows with a document by a bounded multiple
of its size, the multiple the batch's memory budget (batch/document.py) allows per input byte."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CLI_ENV, ROOT
from planparse.batch.document import MEMORY_PER_INPUT_BYTE

# What one worker may grow by besides the per-byte share: the stages' working state that does not grow
# with the document (a measured 3 MB text grows a worker by about 120 MB; before the stages shed their
# per-line copies and the JSON was built a piece at a time, about 170 MB, over the bound).
CONSTANT = 100 * 2**20

# A worker's document, in a process of its own: the stages are loaded first (as a worker's initializer
# does), then the document is read, extracted and written as JSON the way a batch worker does it; the
# growth is the process's peak resident memory past what it held before the document.
# The peak is the kernel's high-water mark (VmHWM), reset once the stages are loaded: on a machine whose
# cache is still empty, loading them builds the word dictionary, a peak of its own that is not the document's.
_WORKER = """
import json, re, resource, sys
from planparse.batch.document import DocumentTask, load_stages, process_document
load_stages(None, warm=True)
def resident():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
def high_water():
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\\s+(\\d+)", f.read()).group(1)) * 1024
before = resident()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets VmHWM to the resident size now
result = process_document(DocumentTask(0, sys.argv[1], "json", sys.argv[2], None))
print(json.dumps({"ok": result.ok, "message": result.message, "growth": high_water() - before}))
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="needs Linux's /proc/self/clear_refs to reset the peak")
def test_a_large_plan_grows_a_worker_by_at_most_twenty_times_its_size(tmp_path):
    # a plan of many chapters, clauses, targets, deadlines and agencies, long enough that the per-byte
    # share outweighs the constant
    body = (ROOT / "samples" / "002_5ca395b12717d3cc.txt").read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(body * (3_000_000 // len(body.encode()) + 1), encoding="utf-8")
    size = big.stat().st_size
    r = subprocess.run([sys.executable, "-c", _WORKER, str(big), str(tmp_path / "big.json")], env=CLI_ENV,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout.splitlines()[-1])
    assert seen["ok"], seen["message"]
    assert json.loads((tmp_path / "big.json").read_bytes())["clauses"]  # the whole document was read and written
    assert seen["growth"] <= CONSTANT + MEMORY_PER_INPUT_BYTE * size, (seen["growth"] / 2**20, size / 2**20)
