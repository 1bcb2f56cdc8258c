"""Hostile archives and input trees (issue 22): nothing outside -o is written or deleted, and no document
vanishes. Every archive is made up here; each test asserts the one thing that matters for its shape."""
from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import run_cli

# Probes that run planparse as an attacker or a tired operator would: processes, pools, timeouts, a
# browser. The whole suite runs them; the quick check (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow

PLAN = "某市推进某项工作实施方案\n一、总体要求\n到2025年，完成率达到90%。\n"
SINKS = [("json", "out"), ("csv", "out"), ("jsonl", "out.jsonl")]
for _fmt, _extra in (("duckdb", "duckdb"), ("parquet", "pyarrow")):
    try:
        __import__(_extra)
        SINKS.append((_fmt, f"out.{_fmt}"))
    except ImportError:
        pass


def plan(n: int = 0) -> bytes:
    return (PLAN + f"（{n}）\n").encode("utf-8")


def zip_of(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name), data)
    return buf.getvalue()


def tree(root: Path, skip: tuple[Path, ...]) -> dict[str, str]:
    """Every file under root outside `skip`, with the sha256 of its bytes."""
    out = {}
    for dirpath, dirs, files in os.walk(root):
        here = Path(dirpath)
        dirs[:] = [d for d in dirs if not any((here / d) == s or s in (here / d).parents for s in skip)]
        for name in files:
            p = here / name
            if any(s in p.parents or p == s for s in skip):
                continue
            out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.mark.parametrize("fmt,out_name", SINKS)
def test_refused_members_never_write_or_delete_outside_the_output(tmp_path, fmt, out_name):
    run = tmp_path / "run"
    run.mkdir()
    names = ["../x/plan.txt", "../../x/plan.txt", "../../../x/plan.txt", "../../../../x/plan.txt",
             str(tmp_path / "abs" / "plan.txt"), "..\\..\\x\\plan.txt", "good.txt"]
    (run / "a.zip").write_bytes(zip_of([(n, plan(i)) for i, n in enumerate(names)]))
    out = run / out_name
    report = out / "_report" if fmt in ("json", "csv", "parquet") else run / (out_name + ".report")
    # The directories the attack climbs out of, made beforehand (a second run finds them so).
    for d in (out / "a.zip!", out / "_rows" / "a.zip!", out / "_tables" / "a.zip!", report / "a.zip!"):
        if fmt in ("json", "csv", "parquet") or not str(d).startswith(str(out)):
            d.mkdir(parents=True, exist_ok=True)
    victims = []
    for d in (tmp_path, run, tmp_path / "abs", out if out.is_dir() else run, report):
        for suffix in (".json", ".html", ".rows.json", ".tables.json", ""):
            v = d / "x" / f"plan.txt{suffix}"
            v.parent.mkdir(parents=True, exist_ok=True)
            v.write_text("victim", encoding="utf-8")
            victims.append(v)
    (tmp_path / "abs" / "plan.txt.json").write_text("victim", encoding="utf-8")
    victims.append(tmp_path / "abs" / "plan.txt.json")
    keep = (out, report, run / f".{out_name}.lock")
    before = tree(tmp_path, keep)
    r = run_cli(["batch", "a.zip", "-o", out_name, "--format", fmt, "--report", "--workers", "1"], cwd=run)
    assert r.returncode == 1, r.stderr  # the refused members are failures, the good one is done
    for v in victims:
        assert v.exists(), f"{v} was deleted"
    assert tree(tmp_path, keep) == before  # nothing outside -o written, changed or deleted
    # Every refused member has its record, under its name as stored, and none maps to a path.
    log = r.stdout + r.stderr
    assert log.count("unsafe_member") >= len(names) - 1, log


def test_a_member_that_is_an_archive_of_one_document_keeps_its_line(tmp_path):
    inner = zip_of([("plan.txt", plan(1))])
    (tmp_path / "a.zip").write_bytes(zip_of([("inner.pdf", inner), ("b.txt", plan(2)), ("c.zip", zip_of([("d.txt", plan(3))]))]))
    r = run_cli(["batch", "a.zip", "-o", "out.jsonl", "--workers", "2"], cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 3  # every document has its line
    assert {rec["source"]["path"] for rec in lines} == {"a.zip!/inner.pdf!/plan.txt", "a.zip!/b.txt", "a.zip!/c.zip!/d.txt"}


def nested(levels: int) -> bytes:
    data, name = plan(), "plan.txt"
    for i in range(levels):
        data, name = zip_of([(name, data)]), f"level{i}.zip"
    return data


@pytest.mark.parametrize("levels", [5, 6])
def test_batch_and_extract_refuse_the_same_nesting(tmp_path, levels):
    (tmp_path / "deep.zip").write_bytes(nested(levels))
    r = run_cli(["batch", "deep.zip", "-o", "out.jsonl", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 1
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert line["error"]["kind"] == "unsafe_member" and "nested deeper than 4" in line["error"]["message"]
    e = run_cli(["extract", "deep.zip"], cwd=tmp_path)
    assert e.returncode == 3 and "nested deeper than 4" in e.stderr and "holds no document (1 member" in e.stderr


def test_four_levels_are_read_by_both(tmp_path):
    (tmp_path / "deep.zip").write_bytes(nested(4))
    r = run_cli(["batch", "deep.zip", "-o", "out.jsonl", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    assert run_cli(["extract", "deep.zip"], cwd=tmp_path).returncode == 0


@pytest.mark.parametrize("workers", ["1", "2"])
def test_duplicate_member_names_read_the_first_whatever_the_workers(tmp_path, workers):
    (tmp_path / "a.zip").write_bytes(zip_of([("a.txt", plan(1)), ("a.txt", plan(2)), ("b.txt", plan(3))]))
    r = run_cli(["batch", "a.zip", "-o", "out.jsonl", "--workers", workers], cwd=tmp_path)
    assert r.returncode == 1  # the second a.txt is refused, with its record
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    ok = {rec["source"]["path"]: rec["source"]["sha256"] for rec in lines if "error" not in rec}
    assert ok["a.zip!/a.txt"] == hashlib.sha256(plan(1)).hexdigest()
    refused = [rec for rec in lines if "error" in rec]
    assert [rec["source"] for rec in refused] == ["a.zip!/a.txt (duplicate 2 of 2)"]


def test_a_real_directory_named_like_members_never_shadows_them(tmp_path):
    (tmp_path / "x.zip").write_bytes(zip_of([("a.txt", plan(1))]))
    (tmp_path / "x.zip!").mkdir()
    (tmp_path / "x.zip!" / "a.txt").write_bytes(plan(2))
    r = run_cli(["batch", ".", "-o", "out.jsonl", "--workers", "1"], cwd=tmp_path)
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    ok = [rec for rec in lines if "error" not in rec]
    assert [rec["source"]["sha256"] for rec in ok] == [hashlib.sha256(plan(1)).hexdigest()]
    assert any("error" in rec and "rename the directory" in rec["error"]["message"] for rec in lines), r.stdout
    e = run_cli(["extract", "x.zip!/a.txt"], cwd=tmp_path)
    assert e.returncode == 0 and json.loads(e.stdout)["source"]["sha256"] == hashlib.sha256(plan(1)).hexdigest()


def test_a_backslash_member_is_reported(tmp_path):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in (("..\\..\\x.txt", plan(1)), ("ok.txt", plan(2))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    (tmp_path / "b.tar").write_bytes(buf.getvalue())
    (tmp_path / "z.zip").write_bytes(zip_of([("..\\..\\y.txt", plan(3))]))
    r = run_cli(["batch", "b.tar", "z.zip", "-o", "out.jsonl", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 1
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    errors = {rec["source"]: rec["error"]["kind"] for rec in lines if "error" in rec}
    assert errors == {"b.tar!/..\\..\\x.txt": "unsafe_member", "z.zip!/..\\..\\y.txt": "unsafe_member"}


def test_a_fifo_in_an_input_directory_is_skipped_with_a_record(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_bytes(plan(1))
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    r = run_cli(["batch", "in", "-o", "out.jsonl", "--workers", "1", "--timeout", "20"], cwd=tmp_path, timeout=60)
    assert r.returncode == 1
    lines = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [rec.get("error", {}).get("kind") for rec in lines] == [None, "not_a_file"]
    assert "FIFO" in lines[1]["error"]["message"]
