"""Hostile input shapes, generated (hypothesis): every one ends as a Document or an input error, in time
near-linear in its size.

Each shape is one that once made a stage super-linear or crash: huge lines, thousands of short
lines with no sentence end, long runs of clause markers, deep brackets, long Chinese and Arabic
numerals, a flattened task row with thousands of continuation lines, a huge agency cell, NUL and
other control bytes. The outcome must be exit 0 or 3 (a Document, or an InputError), never an
internal error, and the JSON must be writable.

The one timed assertion the issue allows: CPU time (not wall time: a loaded CI machine stretches
wall time, hardly CPU time) of at most 2 s per MB of input, plus a fixed allowance, an allowance
per line (every paragraph passes every stage: ~0.1 ms each, so 25,000 two-character lines cost
more than their 150 kB say) and an allowance per fact found (a clause, target, deadline, agency annotation or task row costs a fraction of a
millisecond to build and validate: a line that is nothing but `10%10%10%…` is linear, but its
cost is its 300,000 targets per MB, not its bytes). Measured after a warm-up, so that start-up
(imports, grammars, the word dictionary) is not counted. The quadratic stages this guards against
took minutes on inputs of this size.
"""
from __future__ import annotations

import time

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from planparse import extract  # noqa: E402
from planparse.emit import to_json  # noqa: E402
from planparse.errors import InputError  # noqa: E402

SECONDS_PER_MB = 2.0
ALLOWANCE = 1.5  # fixed cost of one small document after warm-up, generously
SECONDS_PER_FACT = 0.0005  # ~0.1 ms measured per target on a loaded 2-core machine
SECONDS_PER_LINE = 0.0003  # ~0.1 ms measured per paragraph
HEAD = "某市推进某项工作实施方案\n一、总体要求\n（一）主要目标。到2026年，完成率达到90%以上。\n"
TABLE_HEAD = "附件\n重点任务分解表\n序号 重点任务 牵头单位 完成时限\n"

# A few examples per shape, the same ones every run (derandomize), no shrinking: a failing example of
# this size shrinks for many minutes, and the shape in the message says enough.
SETTINGS = settings(max_examples=2, deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

PIECES = ["推进", "工作", "。", "，", "、", "（", "）", "《", "》", "一、", "（二）", "3.", "①", "一是", "到2025年",
          "下降", "10%", "以上", "万吨", "左右", "市发展改革委", "牵头", "配合", "年底前", "\t", " ", "1", "〔2024〕",
          "百分之", "十五", "第一条", "附件", "\u00a0", "\u3000", "𝐀", "\ufffd"]


@pytest.fixture(scope="module", autouse=True)
def warm_up(tmp_path_factory):
    path = tmp_path_factory.mktemp("warm") / "warm.txt"
    path.write_text(HEAD + "二、重点任务\n（一）推进工作。（市发展改革委牵头）\n", encoding="utf-8")
    extract(str(path))


def run_shape(tmp_path, data: bytes, name: str = "shape.txt") -> None:
    path = tmp_path / name
    path.write_bytes(data)
    t0 = time.process_time()
    try:
        doc = extract(str(path))
    except InputError:
        doc = None  # exit 3: a documented outcome
    facts = 0
    if doc is not None:
        to_json(doc).encode("utf-8")  # the output can be written (no lone surrogate in it)
        facts = (len(doc.clauses) + len(doc.targets) + len(doc.deadlines) + len(doc.agencies) + len(doc.tasks)
                 + sum(len(c.qualitative_targets) + len(c.agency_mentions) for c in doc.clauses))
    spent = time.process_time() - t0
    budget = (ALLOWANCE + SECONDS_PER_MB * len(data) / 1e6 + SECONDS_PER_LINE * data.count(b"\n")
              + SECONDS_PER_FACT * facts)
    assert spent < budget, f"{len(data)} bytes, {facts} facts took {spent:.2f} s of CPU (budget {budget:.2f} s)"


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


@SETTINGS
@given(piece=st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join),
       repeat=st.integers(5_000, 30_000))
def test_one_huge_line(tmp_path_factory, piece, repeat):
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + "（二）" + piece * repeat + "\n"))


@pytest.mark.slow
@SETTINGS
@given(line=st.lists(st.sampled_from(["推进", "工作", "落实", "情况", "市", "1", "a", "、", "（"]), min_size=1,
                     max_size=5).map("".join),
       count=st.integers(20_000, 25_000))
def test_many_short_lines_without_a_sentence_end(tmp_path_factory, line, count):
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + "\n".join([line] * count) + "\n"))


@SETTINGS
@given(marker=st.sampled_from(["一、", "（一）", "1.", "1、", "（1）", "①", "一是", "第一条", "附件1", "十、"]),
       per_line=st.booleans(), count=st.integers(2_000, 20_000))
def test_long_marker_runs(tmp_path_factory, marker, per_line, count):
    body = (marker + "\n") * count if per_line else marker * count + "\n"
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + body))


@SETTINGS
@given(opening=st.sampled_from(["（", "(", "《", "“", "【"]), depth=st.integers(20_000, 50_000),
       closed=st.booleans())
def test_deep_brackets(tmp_path_factory, opening, depth, closed):
    closing = {"（": "）", "(": ")", "《": "》", "“": "”", "【": "】"}[opening]
    body = opening * depth + "市发展改革委牵头，下降10%" + (closing * depth if closed else "")
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + "（二）" + body + "。\n"))


@SETTINGS
@given(digit=st.sampled_from(["一", "十", "百", "万", "两", "零", "1", "9", "0", "5."]),
       length=st.integers(16_000, 40_000), unit=st.sampled_from(["", "家", "%", "万吨", "成", "个"]),
       prefix=st.sampled_from(["", "达到", "百分之", "下降", "到"]))
def test_long_numerals(tmp_path_factory, digit, length, unit, prefix):
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + "（二）" + prefix + digit * length + unit + "。\n"))


@SETTINGS
@given(seq_digits=st.sampled_from([1, 4_400, 6_000]), continuation=st.integers(1_600, 3_000),
       cell=st.sampled_from(["持续推进各项工作任务", "市发展改革委", "2025年底前", "牵头", "1 推进"]))
@pytest.mark.slow
def test_flattened_task_table_rows(tmp_path_factory, seq_digits, continuation, cell):
    rows = "1" * seq_digits + " 推进重点工作\n" + "\n".join([cell] * continuation) + "\n市发展改革委牵头 2025年底前\n"
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + TABLE_HEAD + rows))


@SETTINGS
@given(name=st.sampled_from(["市发展改革委", "工业和信息化厅", "某", "省", "局"]), repeat=st.integers(22_000, 25_000),
       role=st.sampled_from(["牵头", "配合", "负责", ""]), in_table=st.booleans())
def test_huge_agency_cell(tmp_path_factory, name, repeat, role, in_table):
    cell = name * repeat + role
    body = TABLE_HEAD + f"1 推进工作 {cell} 2025年底前\n" if in_table else f"（二）推进工作。（{cell}）\n"
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + body))


@SETTINGS
@given(text=st.text(alphabet=st.sampled_from("推进工作。，、（）一二十1%\n\x00\x01\x07\x1b\x7f\ufeff"),
                    min_size=1, max_size=4_000),
       repeat=st.integers(1, 50))
def test_control_bytes_and_nul(tmp_path_factory, text, repeat):
    run_shape(tmp_path_factory.mktemp("s"), utf8(HEAD + text * repeat))


@SETTINGS
@given(data=st.binary(min_size=1, max_size=2_000), at=st.integers(0, 400), repeat=st.integers(1, 200))
def test_bytes_spliced_into_a_plan(tmp_path_factory, data, at, repeat):
    plan = utf8(HEAD * repeat)
    run_shape(tmp_path_factory.mktemp("s"), plan[:at] + data + plan[at:])
