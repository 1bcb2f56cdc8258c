"""The five real documents in samples/: clause tree, meta, goal targets, agencies, deadlines.

Expected values live in tests/expected/ (written by tools/snapshot_expected.py after checking them
against the hand-made gold standard, where every category snapshotted here scored 1.000).
"""
import json
from pathlib import Path

import pytest

from planparse.pipeline import extract_file

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
TARGET_FIELDS = ("metric", "value", "value_max", "unit", "comparator", "direction", "baseline_year", "target_year", "aspirational")


@pytest.fixture(scope="module")
def docs():
    return {p.stem: extract_file(p) for p in SAMPLES}


def expected(stem):
    return json.loads((ROOT / "tests" / "expected" / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLES])
def test_clause_tree(docs, stem):
    got = [[c.id, c.marker, c.level, c.heading] for c in docs[stem].clauses]
    assert got == expected(stem)["clauses"]


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLES])
def test_meta(docs, stem):
    meta = docs[stem].meta.model_dump()
    for field, value in expected(stem)["meta"].items():
        assert meta[field] == value, field


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLES])
def test_goal_section_targets(docs, stem):
    doc = docs[stem]
    goal = [c for c in doc.clauses if c.id == "1" or c.id.startswith("1.")]
    got = [[c.id] + [getattr(t, f) for f in TARGET_FIELDS] for c in goal for t in c.targets]
    assert got == expected(stem)["goal_targets"]


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLES])
def test_clause_deadlines(docs, stem):
    got = [[d.clause_id, d.kind, d.date] for c in docs[stem].clauses for d in c.deadlines]
    assert got == expected(stem)["deadlines"]


def test_every_agency_annotation_of_the_2020_work_plan(docs):
    doc = docs["001_e273565e5025a23d"]
    got = [[a.clause_id, a.lead, a.support, a.responsible, a.implementers] for c in doc.clauses for a in c.agencies]
    assert got == expected("001_e273565e5025a23d")["clause_agencies"]
    assert len(got) == 36  # tasks 1–30, 三、（一）–（五）, and the 实施降尘考核 paragraph of task 26


def test_2020_work_plan_standing_rule_and_prefixes(docs):
    doc = docs["001_e273565e5025a23d"]
    by_id = {}
    for c in doc.clauses:
        for a in c.agencies:
            by_id.setdefault(c.id, []).append(a)
    first = by_id["2.1.1"][0]
    assert first.lead == ["省发展改革委", "省工业和信息化厅"]
    assert first.support == ["省交通运输厅", "省生态环境厅"]
    assert first.implementers == ["地方各级人民政府"] and not first.inherited
    later = by_id["3.5"][0]
    assert later.implementers_inherited == ["地方各级人民政府"] and later.inherited
    # names with their own jurisdiction take no prefix; 市场监管局 takes 省 like any other name
    t17 = by_id["2.5.17"][0]
    assert "江苏海事局" in t17.support and "省市场监管局" in t17.support
    # the canonical name keeps the document's place (issue 21): the 省 of a Jiangsu plan is 江苏省
    assert by_id["2.2.4"][0].canonical.get("省市场监管局") == "江苏省市场监督管理局"


@pytest.mark.parametrize("stem", [p.stem for p in SAMPLES])
def test_clause_structure_is_consistent(docs, stem):
    doc = docs[stem]
    ids = [c.id for c in doc.clauses]
    assert len(ids) == len(set(ids))
    known = set()
    last_start = -1
    for c in doc.clauses:
        assert c.parent_id is None or c.parent_id in known
        assert c.id.rsplit(".", 1)[0] == c.parent_id if c.parent_id else "." not in c.id
        assert c.span[0] > last_start
        last_start = c.span[0]
        known.add(c.id)
        assert "\u3000" not in c.text and "\r" not in c.text


def test_unnumbered_paragraphs_are_not_clauses(docs):
    doc = docs["001_e273565e5025a23d"]
    # the attachment list `附件1、… 2、… 5、` and the 一是/二是 items are not clauses
    assert not any(c.id.startswith("4.") for c in doc.clauses)
    items = {c.id: c.items for c in doc.clauses}
    assert len(items["1.1"]) == 2 and items["1.1"][0].startswith("一是约束性目标")
    assert len(items["2.10.30"]) == 3


def test_half_width_markers_are_normalised(docs):
    doc = docs["004_f8539a09ccbc65f7"]
    c = {c.id: c for c in doc.clauses}["8.16"]
    assert c.marker == "（十六）" and c.marker_raw == "(十六)"


def test_annexes_are_kept_for_tables(docs):
    doc = docs["001_e273565e5025a23d"]
    assert [a.label for a in doc.annexes] == ["附件1", "附件2", "附件3", "附件4", "附件5"]
    assert doc.annexes[4].title == "省有关部门名单"


def test_same_input_same_bytes():
    from planparse.emit import to_json

    a = to_json(extract_file(SAMPLES[1]))
    b = to_json(extract_file(SAMPLES[1]))
    assert a == b


def test_library_api():
    import planparse

    first = planparse.extract(SAMPLES[0])
    second = planparse.extract(SAMPLES[0])  # the stage package must never shadow the function
    assert first == second and first.meta.doc_number == "苏政发〔2024〕53号"
