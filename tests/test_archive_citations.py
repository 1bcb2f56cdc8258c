"""Citations as data (issue 21): the citations table of a batch (DuckDB, Parquet, CSV) and the resolver
behind it. A title gets its 文号 (from a document of the batch or the bundled central list) and a 文号 its
title, through 〈〉 inside titles, abridged and misquoted titles, and a 文号 broken over two lines.
Made-up documents of real places; the central documents are the bundled list's."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from planparse.compare.resolve import CitableDocument, CitationResolver
from planparse.grammar import load_grammars

from conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]


def resolver(documents=()):
    g = load_grammars(None)
    return CitationResolver(list(documents), g.citations, g.metrics, g.places)


@pytest.mark.parametrize("title, number", [
    ("中共中央 国务院关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的意见", "中发〔2021〕36号"),
    ("国务院关于印发〈2030年前碳达峰行动方案〉的通知", "国发〔2021〕23号"),         # 〈〉 inside the title
    ("2030年前碳达峰行动方案", "国发〔2021〕23号"),                                 # the plan for its notice
    ("关于完整准确贯彻新发展理念做好碳达峰碳中和工作的意见", "中发〔2021〕36号"),     # misquoted: 全面 dropped
    ("达州市2030年前碳达峰行动方案", None),                  # a city's own plan is not the national one
    ("关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见", None),  # an 实施意见 is not the 意见
])
def test_a_title_gets_its_number(title, number):
    hit = resolver().resolve(title, None)
    assert (hit.document.number if hit else None) == number


def test_a_number_gets_its_title_even_written_over_two_lines():
    hit = resolver().resolve(None, "国发〔2021〕\n23 号")
    assert hit.by == "doc_number" and hit.document.titles == ["国务院关于印发2030年前碳达峰行动方案的通知"]


def test_a_document_of_the_batch_before_the_central_copy():
    batch = CitableDocument("a/plan.pdf", None, ["2030年前碳达峰行动方案"])
    hit = resolver([batch]).resolve("国务院关于印发2030年前碳达峰行动方案的通知", None)
    assert hit.document.source == "a/plan.pdf"


HUBEI = """鄂政发〔2021〕7号
湖北省人民政府关于印发湖北省示范低碳实施方案的通知
各市、州、县人民政府：
为贯彻落实《国务院关于印发2030年前碳达峰行动方案的通知》（国发〔2021〕23号），现将《湖北省示范低碳实施方案》印发给你们。
湖北省人民政府
2021年11月5日
湖北省示范低碳实施方案
一、主要目标
到2025年，森林覆盖率达到42%。
"""

WUHAN = """武汉市示范低碳工作方案
为贯彻落实《湖北省人民政府关于印发湖北省示范低碳实施方案的通知》（鄂政发〔2021〕
7号）和《2030年前碳达峰行动方案》，制定本方案。
一、主要目标
到2025年，森林覆盖率达到45%。
"""

XIANNING = """咸宁市示范低碳行动计划
根据《省示范低碳方案》（鄂政发〔2021〕7号），制定本计划。
一、主要目标
到2025年，森林覆盖率达到50%。
"""


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    src = tmp_path_factory.mktemp("chain")
    for name, text in (("hubei", HUBEI), ("wuhan", WUHAN), ("xianning", XIANNING)):
        (src / f"{name}.txt").write_text(text, encoding="utf-8")
    return src


def test_citations_table_in_duckdb(batch, tmp_path):
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "a.duckdb"
    r = run_cli(["batch", str(batch), "-o", str(db), "-j", "1", "--no-progress"], ROOT)
    assert r.returncode == 0, r.stderr
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT source, cited_title, doc_number, resolved_source, resolved_title, matched_by FROM citations").fetchall()
    by = {(Path(s).stem, t): (n, Path(rs).stem if rs else None, rt, m) for s, t, n, rs, rt, m in rows}
    # 鄂政发〔2021〕\n7号: the number over two lines, resolved to the province's document of the batch
    assert by[("wuhan", "湖北省人民政府关于印发湖北省示范低碳实施方案的通知")][:2] == ("鄂政发〔2021〕7号", "hubei")
    # cited by title only: the central list gives the number
    assert by[("wuhan", "2030年前碳达峰行动方案")][0] == "国发〔2021〕23号"
    # cited by number under an abridged title: the document's own title comes back
    n, src, title, m = by[("xianning", "省示范低碳方案")]
    assert (n, src, m, title) == ("鄂政发〔2021〕7号", "hubei", "doc_number", "湖北省示范低碳实施方案")
    # who cites 国发〔2021〕23号, by number or by title
    citing = con.execute("SELECT DISTINCT source FROM citations WHERE doc_number = '国发〔2021〕23号' ORDER BY source").fetchall()
    assert [Path(s).stem for (s,) in citing] == ["hubei", "wuhan"]
    regions = dict(con.execute("SELECT source, region_code FROM documents").fetchall())
    assert {Path(s).stem: c for s, c in regions.items()} == {"hubei": "420000", "wuhan": "420100", "xianning": "421200"}


def test_citations_table_in_csv_and_parquet(batch, tmp_path):
    out = tmp_path / "csv"
    r = run_cli(["batch", str(batch), "-o", str(out), "-f", "csv", "-j", "1", "--no-progress"], ROOT)
    assert r.returncode == 0, r.stderr
    with (out / "citations.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert {Path(x["resolved_source"]).stem for x in rows if x["resolved_source"]} == {"hubei"}
    with (out / "documents.csv").open(encoding="utf-8-sig") as f:
        assert {x["region_code"] for x in csv.DictReader(f)} == {"420000", "420100", "421200"}
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "pq"
    r = run_cli(["batch", str(batch), "-o", str(out), "-f", "parquet", "-j", "1", "--no-progress"], ROOT)
    assert r.returncode == 0, r.stderr
    table = pq.read_table(out / "citations.parquet").to_pylist()
    assert sum(1 for x in table if x["doc_number"] == "国发〔2021〕23号") == 2
    targets = pq.read_table(out / "targets.parquet").to_pylist()
    assert {x["metric_key"] for x in targets} == {"森林覆盖率"}


def test_a_document_whose_number_was_not_read_is_known_by_the_number_it_is_cited_with(tmp_path):
    """湖北's own 文号 unreadable in its front matter (its number's line lost): the 武汉 plan cites it by title
    and number, and the 咸宁 plan by the number alone under an abridged title; both are linked to it."""
    from planparse.compare import build_chain
    from planparse.pipeline import extract_file

    docs = []
    for name, text in (("hubei", HUBEI.replace("鄂政发〔2021〕7号\n", "", 1)), ("wuhan", WUHAN), ("xianning", XIANNING)):
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        docs.append(extract_file(tmp_path / f"{name}.txt"))
    assert docs[0].meta.doc_number is None
    chain = build_chain(docs, load_grammars(None))
    implements = {Path(d.document.path).stem: [Path(p).stem for p in d.implements] for d in chain.documents}
    assert implements["wuhan"] == ["hubei"] and implements["xianning"] == ["hubei"]


def test_a_documents_own_number_over_two_lines(tmp_path):
    from planparse.pipeline import extract_file

    (tmp_path / "hubei.txt").write_text(HUBEI.replace("鄂政发〔2021〕7号\n", "鄂政发〔2021〕\n7号\n", 1), encoding="utf-8")
    assert extract_file(tmp_path / "hubei.txt").meta.doc_number == "鄂政发〔2021〕7号"
    # the red-header line above a whole number is not part of it
    (tmp_path / "header.txt").write_text("湖北省人民政府文件\n" + HUBEI, encoding="utf-8")
    assert extract_file(tmp_path / "header.txt").meta.doc_number == "鄂政发〔2021〕7号"
