"""--timeout stops everything (issue 22): a user pattern that backtracks catastrophically, a document
whose worker is stuck where no Python code runs. Each batch must end within its timeout (plus the
start-up of its workers and a grace), and the document be recorded as `timeout`."""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from conftest import run_cli
from planparse.batch import Job
from planparse.batch.document import DocumentTask
from planparse.batch.engines import PoolEngine
from planparse.batch.supervised import kill_grace

# Probes that run planparse as an attacker or a tired operator would: processes, pools, timeouts, a
# browser. The whole suite runs them; the quick check (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PLAN = "某市实施方案\n一、总体要求\n到2025年，完成率达到90%。\n"
START_UP = 25.0  # spawning workers and loading the stages on a loaded 2-core machine


def catastrophic_grammar(d: Path, pattern: str) -> Path:
    d.mkdir()
    (d / "numbering.toml").write_text(f"[toc_entry]\npattern = '{pattern}'\n", encoding="utf-8")
    return d


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_catastrophic_user_pattern_ends_at_the_timeout(tmp_path, workers):
    catastrophic_grammar(tmp_path / "g", "^(a|a)*$")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hang.txt").write_text(PLAN + "a" * 60 + "b\n", encoding="utf-8")
    (tmp_path / "in" / "fine.txt").write_text(PLAN, encoding="utf-8")
    t0 = time.monotonic()
    r = run_cli(["batch", "in", "-o", "out.jsonl", "--grammars", "g", "--timeout", "2", "--workers", workers],
                cwd=tmp_path, timeout=120)
    assert time.monotonic() - t0 < 2 + kill_grace(2) + START_UP  # the batch ends within its timeout
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [rec.get("error", {}).get("kind") for rec in lines] == [None, "timeout"]  # fine.txt, hang.txt


# Patterns that backtrack exponentially in the `regex` module (it cuts short the textbook `(a+)+b`).
@pytest.mark.parametrize("pattern", ["^(a|a)*$", "^(a|aa)*$", "^(一|一)*$", "^(?:[0-9]|\\d)*$"])
def test_grammars_check_refuses_catastrophic_backtracking(tmp_path, pattern):
    catastrophic_grammar(tmp_path / "g", pattern)
    t0 = time.monotonic()
    r = run_cli(["grammars", "check", "g"], cwd=tmp_path, timeout=120)
    assert time.monotonic() - t0 < 60
    assert r.returncode == 1 and "backtracks catastrophically" in r.stdout, r.stdout


def test_grammars_check_accepts_the_bundled_grammars(tmp_path):
    r = run_cli(["grammars", "check"], cwd=tmp_path, timeout=120)
    assert r.returncode == 0 and "backtracks" not in r.stdout, r.stdout


def engine_of(kind: str):
    """The engines a batch can run on: the pool with 2 workers (its parent watches them), the pool with
    one worker and Dask (each document in a child forked for it and watched: supervised.py)."""
    if kind == "dask":
        pytest.importorskip("distributed", reason="the dask extra is not installed")
        from planparse.batch.engines.dask import DaskEngine

        return DaskEngine(None, 1, None, processes=False)
    return PoolEngine(int(kind), None)


@pytest.mark.parametrize("engine", ["2", "1", "dask"])
def test_a_worker_that_ignores_its_timeout_is_killed_and_replaced(tmp_path, engine):
    # A FIFO read as a document blocks in open(2), where the worker's own timer cannot reach: the shape of
    # any worker stuck in a system call or a long C call. (The batch skips FIFOs it finds; this one is
    # handed to the engine directly, as a file replaced by a FIFO after the walk would be.)
    fifo = tmp_path / "stuck.txt"
    os.mkfifo(fifo)
    docs = []
    for i in range(3):
        p = tmp_path / f"fine{i}.txt"
        p.write_text(PLAN, encoding="utf-8")
        docs.append(p)
    paths = [str(docs[0]), str(fifo), str(docs[1]), str(docs[2])]
    work = [(Job(i, p, Path(p).name), DocumentTask(i, p, "jsonl", None, None, timeout=1.0)) for i, p in enumerate(paths)]
    results = {}
    t0 = time.monotonic()
    engine_of(engine).run(work, lambda job, res: results.__setitem__(job.path, res))
    assert time.monotonic() - t0 < 1 + kill_grace(1) + START_UP
    assert results[str(fifo)].kind == "timeout" and "killed" in results[str(fifo)].message
    assert all(results[str(p)].ok for p in docs), {k: (v.kind, v.message) for k, v in results.items()}


def expanding_docx(path: Path, text_bytes: int) -> Path:
    """A small .docx whose text is large: its document.xml repeats a few kB of a sample's paragraphs
    (deflate compresses them ~150:1, under the archive reader's zip-bomb ratio of 200). Its reading grows
    a worker far past a budget reckoned on its size on disk, within a second or two, whatever the
    stages' memory per byte of text."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    import docx

    lines = [x for x in (ROOT / "samples" / "002_5ca395b12717d3cc.txt").read_text(encoding="utf-8").splitlines()
             if x.strip()][:40]
    blank = io.BytesIO()
    docx.Document().save(blank)
    package = zipfile.ZipFile(blank)
    xml = package.read("word/document.xml").decode("utf-8")
    paragraphs = "".join(f"<w:p><w:r><w:t>{escape(x)}</w:t></w:r></w:p>" for x in lines)
    at = xml.index("<w:body>") + len("<w:body>")
    xml = xml[:at] + paragraphs * (text_bytes // len("".join(lines).encode("utf-8")) + 1) + xml[at:]
    with zipfile.ZipFile(path, "w") as out:
        for item in package.infolist():
            out.writestr(item.filename, xml if item.filename == "word/document.xml" else package.read(item),
                         compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    assert path.stat().st_size < 100_000
    return path


@pytest.mark.parametrize("workers", ["2", "1"])
def test_a_document_past_its_memory_budget_is_recorded_and_the_rest_go_on(tmp_path, workers):
    # A 60 kB .docx holding 3 MB of text: its budget is 20 MB + 20x 60 kB; reading its XML alone takes more.
    # The small documents grow their (warmed) worker by far less, and pass.
    (tmp_path / "in").mkdir()
    expanding_docx(tmp_path / "in" / "big.docx", 3_000_000)
    for i in range(2):
        (tmp_path / "in" / f"small{i}.txt").write_text(PLAN, encoding="utf-8")
    r = run_cli(["batch", "in", "-o", "out.jsonl", "--workers", workers, "--memory-budget", "20", "--timeout", "200"],
                cwd=tmp_path, timeout=400)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [rec.get("error", {}).get("kind") for rec in lines] == ["memory", None, None]  # every document has its line
    assert "over the budget" in lines[0]["error"]["message"]


def test_a_dask_document_past_its_memory_budget_is_killed_and_the_rest_go_on(tmp_path):
    big = expanding_docx(tmp_path / "big.docx", 3_000_000)
    small = tmp_path / "small.txt"
    small.write_text(PLAN, encoding="utf-8")
    budget = 20 * 2**20
    work = [(Job(i, str(p), p.name), DocumentTask(i, str(p), "jsonl", None, None, timeout=200, memory_budget=budget))
            for i, p in enumerate([big, small])]
    results = {}
    engine_of("dask").run(work, lambda job, res: results.__setitem__(job.path, res))
    assert results[str(big)].kind == "memory" and "over the budget" in results[str(big)].message
    assert results[str(small)].ok


def test_one_worker_a_document_that_crashes_its_process_costs_that_document_only(tmp_path, monkeypatch):
    # With --workers 1 each document runs in a child forked for it: a crash in a native library (here a
    # SIGSEGV the document's reading sends itself) ends the child, not the batch.
    import signal

    from planparse import pipeline

    real = pipeline.extract_with_text

    def crashing(path, **kw):
        if str(path).endswith("crash.txt"):
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(path, **kw)

    monkeypatch.setattr(pipeline, "extract_with_text", crashing)
    paths = []
    for name in ("a.txt", "crash.txt", "b.txt"):
        (tmp_path / name).write_text(PLAN, encoding="utf-8")
        paths.append(str(tmp_path / name))
    work = [(Job(i, p, Path(p).name), DocumentTask(i, p, "jsonl", None, None, timeout=60)) for i, p in enumerate(paths)]
    results = {}
    PoolEngine(1, None).run(work, lambda job, res: results.__setitem__(Path(job.path).name, res))
    assert results["crash.txt"].kind == "crash"
    assert results["a.txt"].ok and results["b.txt"].ok
