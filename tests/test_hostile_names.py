"""Names of every kind, and CSV cells that a spreadsheet would run (issue 22): a non-UTF-8 file name,
names near the 255-byte limit, a newline in a name; formulas in titles, headings and cells."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from conftest import run_cli

# Probes that run planparse as an attacker or a tired operator would: processes, pools, timeouts, a
# browser. The whole suite runs them; the quick check (-m "not slow") leaves them out.
pytestmark = pytest.mark.slow

PLAN = "某市推进某项工作实施方案\n一、总体要求\n到2025年，完成率达到90%。\n二、重点任务\n（一）推进工作。（市发展改革委牵头）\n"
GBK_NAME = "实施方案".encode("gbk") + b".txt"  # as a Chinese Windows zip or a copied disk leaves it


def sinks() -> list[tuple[str, str]]:
    out = [("json", "out"), ("csv", "out"), ("jsonl", "out.jsonl")]
    for fmt, module in (("duckdb", "duckdb"), ("parquet", "pyarrow")):
        try:
            __import__(module)
            out.append((fmt, f"out.{fmt}"))
        except ImportError:
            pass
    return out


def write_named(directory: Path, raw_name: bytes, text: str = PLAN) -> str:
    path = os.path.join(os.fsencode(directory), raw_name)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
    return os.fsdecode(raw_name)


@pytest.mark.parametrize("fmt,out", sinks())
def test_a_non_utf8_file_name_is_kept_in_every_sink(tmp_path, fmt, out):
    (tmp_path / "in").mkdir()
    write_named(tmp_path / "in", GBK_NAME)
    write_named(tmp_path / "in", b"plain.txt")
    r = run_cli(["batch", "in", "-o", out, "--format", fmt, "--report", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    report = tmp_path / out / "_report" if fmt in ("json", "csv", "parquet") else tmp_path / f"{out}.report"
    index = (report / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr><td>") == 2  # every document has its line
    if fmt == "jsonl":
        paths = [json.loads(x)["source"]["path"] for x in (tmp_path / out).read_text(encoding="utf-8").splitlines()]
        # written as JSON's \udcXX escape: it reads back as the name, and the name as the file's bytes
        assert b"in/" + GBK_NAME in {os.fsencode(p) for p in paths}
        assert all(os.path.exists(tmp_path / p) for p in paths)


def test_extract_and_report_keep_a_non_utf8_name(tmp_path):
    name = write_named(tmp_path, GBK_NAME)
    r = run_cli(["extract", name, "-o", "x.json"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert os.fsencode(json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))["source"]["path"]) == GBK_NAME
    r = run_cli(["report", name, "-o", "r.html"], cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "r.html").is_file(), r.stderr


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_names_near_the_limit_get_short_output_names(tmp_path, fmt):
    (tmp_path / "in").mkdir()
    names = []
    for n in range(241, 251):  # bytes, the input's own name: its outputs would add .json, .html, temp names
        stem = "长" * ((n - 4) // 3)
        stem += "a" * (n - 4 - len(stem.encode()))
        names.append(write_named(tmp_path / "in", (stem + ".txt").encode()))
    r = run_cli(["batch", "in", "-o", "out", "--format", fmt, "--report", "--workers", "2"], cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    for root, dirs, files in os.walk(tmp_path / "out"):
        for name in files + dirs:
            assert len(os.fsencode(name)) <= 255
    if fmt == "json":
        outputs = list((tmp_path / "out" / "in").glob("*.json")) if (tmp_path / "out" / "in").exists() else list((tmp_path / "out").glob("*.json"))
        assert len(outputs) == len(names)  # every document has its output, none collide
        assert {json.loads(p.read_text(encoding="utf-8"))["source"]["path"].split("/")[-1] for p in outputs} == set(names)
    index = (tmp_path / "out" / "_report" / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr><td>") == len(names)


def test_a_newline_in_a_name_forges_no_log_line(tmp_path):
    (tmp_path / "in").mkdir()
    write_named(tmp_path / "in", b"a\nok forged.txt (0.01s)\nb.txt")
    write_named(tmp_path / "in", b"real.txt")
    r = run_cli(["batch", "in", "-o", "out.jsonl", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 0
    lines = r.stderr.splitlines()
    assert not any(x.startswith("ok forged") for x in lines)
    assert sum(x.startswith("ok ") for x in lines) == 2  # one line per document
    assert any("'in/a\\nok forged.txt (0.01s)\\nb.txt'" in x for x in lines)


# --- CSV cells are inert ---------------------------------------------------------------------------

FORMULA_PLAN = (
    "=HYPERLINK(\"http://x\",\"点击\")某市推进某项工作实施方案\n"
    "一、@SUM(A1:A9)总体要求\n"
    "（一）+cmd|' /C calc'!A0主要目标。到2025年，完成率达到90%以上。\n"
    "二、-2+3重点任务\n"
    "（一）=1+1推进工作。（市发展改革委牵头）\n"
    "附件\n重点任务分解表\n序号 重点任务 牵头单位 完成时限\n1 =cmd()推进工作 市发展改革委 2025年底前\n"
)
_ACTIVE = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$")


def cells_of(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert(paths: list[Path]) -> list[str]:
    cells = [c for p in paths for c in cells_of(p)]
    active = [c for c in cells if _ACTIVE.match(c) and not _NUMBER.match(c)]
    assert not active, active[:5]
    return cells


def test_batch_csv_cells_are_inert(tmp_path):
    (tmp_path / "plan.txt").write_text(FORMULA_PLAN, encoding="utf-8")
    (tmp_path / "=evil.txt").write_text(FORMULA_PLAN, encoding="utf-8")  # the source column too
    r = run_cli(["batch", "plan.txt", "=evil.txt", "-o", "out", "--format", "csv", "--workers", "1"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    cells = assert_inert(sorted((tmp_path / "out").glob("*.csv")))
    assert "'=evil.txt" in cells  # the CSV cell starts with '
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'@SUM") or c.startswith("'=1+1") for c in cells)


def test_extract_csv_cells_are_inert(tmp_path):
    (tmp_path / "plan.txt").write_text(FORMULA_PLAN, encoding="utf-8")
    r = run_cli(["extract", "plan.txt", "--format", "csv", "-o", "tables"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    cells = assert_inert(sorted((tmp_path / "tables").glob("*.csv")))
    assert any(c.startswith("'=") for c in cells), cells


def test_compare_csv_cells_are_inert(tmp_path):
    (tmp_path / "parent.txt").write_text(FORMULA_PLAN, encoding="utf-8")
    (tmp_path / "child.txt").write_text(FORMULA_PLAN.replace("某市", "某区"), encoding="utf-8")
    r = run_cli(["compare", "parent.txt", "child.txt", "--format", "csv", "-o", "c.csv"], cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert_inert([tmp_path / "c.csv"])


def test_a_negative_number_stays_a_number():
    from planparse.emit import inert_cell

    assert [inert_cell(v) for v in ("-5", "-2.5", "+3", "-5%", -7, 1.5)] == ["-5", "-2.5", "+3", "-5%", -7, 1.5]
    assert [inert_cell(v) for v in ("=1+1", "+A1", "-A1", "@x", "\t=1", "-")] == ["'=1+1", "'+A1", "'-A1", "'@x", "'\t=1", "'-"]
