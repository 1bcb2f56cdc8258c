"""Policy instruments of 若干措施 as `measures`, and the validity clause as meta (issue 9).

Every sentence of the hand-written cases is made up, in the shape real documents write; none is copied
from a corpus file. The last tests read real 若干措施 of tests/fixtures/scored, with expected values
written by reading the documents.
"""
from __future__ import annotations

import json

import pytest

from planparse.batch.tables import SCHEMA, document_rows
from planparse.extraction.measures import measures_in, measures_in_sentence
from planparse.extraction.targets import targets_in
from planparse.extraction.validity import read_validity
from planparse.grammar import load_grammars
from planparse.models import Document
from planparse.pipeline import extract_file
from planparse.text import SpanSet
from tests.conftest import SCORED as SCORED_CORPUS

G = load_grammars(None)
SCORED = SCORED_CORPUS / "docs"


def measures(text):
    return measures_in_sentence(text, G)


def fields(m, *names):
    return tuple(getattr(m, n) for n in names)


def doc(tmp_path, text, name="measures.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


# ---------------------------------------------------------------- each shape of instrument
def test_a_subsidy_rate_with_a_cap_in_a_later_clause():
    [m] = measures("对示范企业技改投入按不超过设备投资额25%给予补助，最高800万元。")
    assert fields(m, "kind", "rate", "basis", "cap", "unit", "amount") == ("subsidy", 25, "设备投资额", 800, "万元", None)
    assert m.recipient == "示范企业技改投入"


def test_a_sentence_that_names_no_instrument_has_no_measure_whatever_sums_it_holds():
    # one search for the instrument words answers it; the instrument named in a later clause still reads
    assert measures("对示范企业投入不超过800万元，最高1500万元。") == []
    [m] = measures("对示范企业，按设备投资额25%给予补助。")
    assert fields(m, "kind", "rate") == ("subsidy", 25)


def test_rate_and_cap_listed_in_one_clause():
    [m] = measures("按照规定分阶段给予不超过项目总投资20%、最高1500万元的资金支持。")
    assert fields(m, "kind", "rate", "basis", "cap", "unit") == ("subsidy", 20, "项目总投资", 1500, "万元")
    assert m.text == "按照规定分阶段给予不超过项目总投资20%、最高1500万元的资金支持"


def test_a_one_off_award_and_its_recipient_condition():
    [m] = measures("对年主营业务收入首次突破5亿元的示范企业，给予一次性奖励80万元。")
    assert fields(m, "kind", "amount", "unit", "cap") == ("award", 80, "万元", None)
    assert m.recipient == "年主营业务收入首次突破5亿元的示范企业"
    assert m.text.startswith("对年主营业务收入")  # the condition is part of the measure's span


def test_an_award_written_with_its_sum_first():
    [m] = measures("对获评国家级示范平台的单位，按照规定给予300万元的一次性奖励。")
    assert fields(m, "kind", "amount", "unit", "recipient") == ("award", 300, "万元", "获评国家级示范平台的单位")


def test_subsidy_tiers_are_one_measure_each_with_their_own_condition():
    ms = measures("年研发投入达到或超过2亿元的示范企业，给予一次性补助600万元；1亿元（含）至2亿元（不含）的示范企业，"
                  "给予一次性补助300万元；5000万元（含）至1亿元（不含）的示范企业，给予一次性补助100万元。")
    assert [(m.kind, m.amount, m.unit) for m in ms] == [("subsidy", 600, "万元"), ("subsidy", 300, "万元"), ("subsidy", 100, "万元")]
    assert [m.recipient for m in ms] == ["年研发投入达到或超过2亿元的示范企业", "1亿元（含）至2亿元（不含）的示范企业",
                                         "5000万元（含）至1亿元（不含）的示范企业"]


def test_an_interest_subsidy_with_a_yearly_cap_per_firm():
    [m] = measures("对示范园区企业的设备更新贷款，按贷款市场报价利率的40%给予贴息，每家企业每年最高贴息150万元。")
    assert fields(m, "kind", "rate", "basis", "cap", "unit") == ("loan_interest", 40, "贷款市场报价利率", 150, "万元")
    assert m.recipient == "示范园区企业的设备更新贷款"


def test_a_tax_rule():
    [m] = measures("示范企业开展研发活动的费用，可按照120%在税前加计扣除。")
    assert fields(m, "kind", "rate") == ("tax", 120)


def test_a_co_funding_ratio_and_a_co_funding_rate():
    [m] = measures("市、区两级财政按照1∶2比例共同出资设立示范资金。")
    assert fields(m, "kind", "ratio", "rate") == ("co_funding", "1:2", None)
    [m] = measures("对示范基金会资助的项目，按照基金会投入的40%给予共同支持。")
    assert fields(m, "kind", "rate", "basis", "recipient") == ("co_funding", 40, "基金会投入", "示范基金会资助的项目")


def test_a_numberless_grant_takes_the_sums_of_the_clause_after_it():
    [m] = measures("对运营成效突出的示范平台给予后补助，补助金额不超过200万元/年。")
    assert fields(m, "kind", "cap", "unit", "recipient") == ("subsidy", 200, "万元/年", "运营成效突出的示范平台")


def test_a_per_unit_sum_with_a_total_cap_in_another_unit():
    [m] = measures("对年节能量达到800吨标准煤以上的示范项目，按照每吨标准煤300元的标准补助，最高补助90万元。")
    assert fields(m, "amount", "unit", "cap", "cap_unit") == (300, "元", 90, "万元")
    [m] = measures("按照节能效果予以10万元或20万元补助。")
    assert fields(m, "amount", "amount_max", "unit") == (10, 20, "万元")


def test_a_range_of_sums_and_a_per_unit_sum():
    [m] = measures("对新建示范项目给予30万—60万元补助。")
    assert fields(m, "amount", "amount_max", "unit") == (30, 60, "万元")
    [m] = measures("对自发自用的示范光伏项目，按照发电量给予0.1元/千瓦时的补贴。")
    assert fields(m, "amount", "unit") == (0.1, "元/千瓦时")


def test_a_fine_is_an_instrument_and_a_range_in_two_magnitudes_is_in_one_unit():
    [m] = measures("违反本办法规定的，由示范主管部门责令改正，处8000元以上3万元以下罚款。")
    assert fields(m, "kind", "amount", "amount_max", "unit") == ("fine", 0.8, 3, "万元")
    [m] = measures("情节较轻的，可以处5000元以下罚款。")
    assert fields(m, "kind", "cap", "amount", "unit") == ("fine", 5000, None, "元")


@pytest.mark.parametrize("text", [
    "到2027年，争取中央补助资金8亿元以上。",  # funds to obtain: a goal
    "完善示范企业奖励机制，对成效突出的单位给予表扬。",  # no number
    "示范产业规模达到3000亿元，研发投入强度达到4%。",  # no instrument
])
def test_not_an_instrument(text):
    assert measures(text) == []


def test_spans_are_offsets_in_the_full_text():
    text = "一、示范措施\n对首次认定的示范企业，给予20万元奖励。"
    [m] = measures_in(text, G, 100, clause_id="1")
    assert text[m.span[0] - 100:m.span[1] - 100] == m.text == "对首次认定的示范企业，给予20万元奖励"
    assert m.clause_id == "1"


# ---------------------------------------------------------------- measures claim their numbers from targets
def test_the_numbers_a_measure_claims_are_not_targets_and_a_goal_beside_it_stays():
    text = ("到2027年，示范产业规模突破2000亿元。对年营业收入首次超亿元的示范企业，给予100万元奖励；"
            "对示范企业研发投入按不超过总投入30%给予补助，最高2000万元。")
    claimed = SpanSet(m.span for m in measures_in(text, G, 0))
    ts = targets_in(text, G, 2024, 0, claimed=claimed)
    assert [(t.value, t.unit, t.target_year) for t in ts] == [(2000, "亿元", 2027)]
    unclaimed = targets_in(text, G, 2024, 0)
    assert len(unclaimed) > len(ts)  # without the claim the instruments' numbers read as targets


def test_a_document_lists_measures_by_clause_and_flat(tmp_path):
    d = doc(tmp_path, "示范市支持示范产业发展的若干措施\n"
                      "一、支持企业做大做强。对年营业收入首次超过5亿元的示范企业，给予一次性奖励50万元。\n"
                      "二、支持研发投入。对示范企业研发投入按不超过总投入20%给予补助，最高500万元。到2027年，示范企业研发投入强度达到3%。\n")
    assert [(m.clause_id, m.kind, m.amount, m.rate, m.cap) for m in d.measures] == [
        ("1", "award", 50, None, None), ("2", "subsidy", None, 20, 500)]
    assert [m.kind for m in d.clauses[0].measures] == ["award"]
    assert [(t.clause_id, t.value, t.unit) for t in d.targets] == [("2", 3, "%")]
    Document.model_validate_json(d.model_dump_json())  # the contract holds


def test_batch_tables_carry_the_measures(tmp_path):
    d = doc(tmp_path, "示范措施\n一、对首次认定的示范企业，给予30万元奖励。\n本措施自2031年1月1日起施行，有效期至2035年12月31日。\n")
    rows = document_rows(d, "x.txt")
    cols = [c for c, _ in SCHEMA["measures"]]
    [row] = rows["measures"]
    rec = dict(zip(cols, row))
    assert (rec["kind"], rec["value"], rec["unit"], rec["recipient"], rec["clause_id"]) == ("award", 30, "万元", "首次认定的示范企业", "1")
    assert json.loads(rec["fields"])["amount"] == 30
    docs = dict(zip([c for c, _ in SCHEMA["documents"]], rows["documents"][0]))
    assert (str(docs["effective_from"]), str(docs["valid_until"]), docs["measures"]) == ("2031-01-01", "2035-12-31", 1)


# ---------------------------------------------------------------- validity clause → meta
@pytest.mark.parametrize("text,issue,start,until", [
    ("本办法自2031年3月1日起施行，有效期至2035年2月28日。", None, "2031-03-01", "2035-02-28"),
    ("本措施自2031年1月1日起实施，有效期5年。", None, "2031-01-01", "2035-12-31"),
    ("本通知自印发之日起施行，有效期三年。", "2031-06-15", "2031-06-15", "2034-06-14"),
    ("本细则有效期为2031年7月1日至2033年6月30日。", None, "2031-07-01", "2033-06-30"),
    ("本方案自印发之日起实施，有效期至2033年底。", "2031-02-01", "2031-02-01", "2033-12-31"),
    ("本通知自印发之日起施行。", None, None, None),  # the issue date is not stated: never invented
    ("自2031年1月1日起实施新的示范标准。", None, None, None),  # a standard taking effect, not this document
    ("示范标准自2031年1月1日起实施。", None, None, None),  # a cited standard's date
    ("经认定的示范企业，认定有效期为3年。", "2031-06-15", None, None),  # a certificate's validity, not the document's
])
def test_validity_clause(text, issue, start, until):
    v = read_validity(text, G, issue)
    assert (v.effective_from, v.valid_until) == (start, until)


def test_a_validity_clause_is_meta_not_a_deadline_nor_a_target(tmp_path):
    d = doc(tmp_path, "示范市关于支持示范产业的若干措施\n一、加强示范。到2027年，建成10个示范园区。\n"
                      "二、附则。本措施自2031年1月1日起施行，有效期至2033年底。\n")
    assert (d.meta.effective_from, d.meta.valid_until) == ("2031-01-01", "2033-12-31")
    assert [dl.date for dl in d.deadlines] == ["2027-12-31"]
    assert [t.value for t in d.targets] == [10]


# ---------------------------------------------------------------- real 若干措施 (tests/fixtures/scored)
def test_real_basic_research_measures_d04():
    d = extract_file(SCORED / "d04_shanghai-basic-research-measures.md")
    got = [(m.clause_id, m.kind, m.amount, m.rate, m.ratio, m.cap, m.unit) for m in d.measures]
    # read from the document: 三 1∶1 co-funding; 四 three one-off tiers 1000/500/200万元; 五 50% of the
    # foundation's input; 六 50% of the fees, at most 100万元 a firm a year; 七 100% extra deduction before tax
    assert got == [
        ("3", "co_funding", None, None, "1:1", None, None),
        ("4", "subsidy", 1000, None, None, None, "万元"),
        ("4", "subsidy", 500, None, None, None, "万元"),
        ("4", "subsidy", 200, None, None, None, "万元"),
        ("5", "co_funding", None, 50, None, None, None),
        ("6", "subsidy", None, 50, None, 100, "万元"),
        ("7", "tax", None, 100, None, None, None),
    ]
    assert d.measures[1].recipient == "基础研究投入达到或超过1亿元/年的企业"
    # the one goal of the document stays a target; the tier conditions (1亿元/年 …) are none
    assert [(t.clause_id, t.value, t.unit, t.comparator) for t in d.targets] == [("8", 10, "%", ">=")]
    assert (d.meta.effective_from, d.meta.valid_until) == ("2025-08-01", "2030-07-31")


def test_real_g60_measures_d01():
    d = extract_file(SCORED / "d01_shanghai-g60-measures.md")
    assert d.targets == []  # every number of the document is an instrument
    assert len(d.measures) == 14
    by_clause = {}
    for m in d.measures:
        by_clause.setdefault(m.clause_id, []).append((m.kind, m.amount, m.rate, m.cap))
    assert by_clause["1.1"] == [("subsidy", None, 30, 3000)]
    assert by_clause["2.8"] == [("subsidy", None, 15, 5000), ("award", None, None, 1000), ("award", 5000, None, None)]
    assert by_clause["3.18"] == [("subsidy", None, None, 500), ("subsidy", None, 30, 200), ("subsidy", None, None, 200)]
    assert (d.meta.effective_from, d.meta.valid_until) == ("2026-01-01", "2030-12-31")


def test_the_instrument_is_the_one_given_not_one_named_in_the_condition():
    [m] = measures("对获得省级奖励的示范企业给予配套补助40万元。")
    assert fields(m, "kind", "amount", "recipient") == ("subsidy", 40, "获得省级奖励的示范企业")


def test_a_task_row_gives_measures_with_its_task_seq_and_its_goals_stay_targets(tmp_path):
    d = doc(tmp_path, "示范市示范工作方案\n一、总体要求\n到2027年，示范产业规模达到500亿元。\n附件\n重点任务分解表\n"
                      "序号\t重点任务\t工作措施\t责任单位\t完成时限\n"
                      "1\t支持企业研发\t对示范企业研发投入按不超过总投入20%给予补助，最高500万元\t市科技局\t2025年底前\n"
                      "2\t培育示范企业\t到2026年，培育10家示范企业\t市经信局\t2026年底前\n")
    assert [(m.task_seq, m.clause_id, m.kind, m.rate, m.cap) for m in d.measures] == [(1, None, "subsidy", 20, 500)]
    assert [(t.task_seq, t.value, t.unit) for t in d.targets] == [(None, 500, "亿元"), (2, 10, "家")]


def test_a_traditional_script_measure_quotes_the_document(tmp_path):
    d = doc(tmp_path, "示範市支持示範產業發展的若干措施\n"
                      "一、支持企業做大做強。對年營業收入首次超過5億元的示範企業，給予一次性獎勵50萬元。\n"
                      "二、本措施自2031年1月1日起施行，有效期至2035年12月31日。推動產業發展，鼓勵企業創新，強化服務保障，優化營商環境。\n")
    [m] = d.measures
    assert (m.kind, m.amount, m.unit) == ("award", 50, "万元")  # a normalised unit
    assert m.recipient == "年營業收入首次超過5億元的示範企業" and m.text.startswith("對年營業收入")
    assert (d.meta.effective_from, d.meta.valid_until) == ("2031-01-01", "2035-12-31")


def test_claimed_spans_seen_from_one_sentence():
    spans = SpanSet([(5, 12), (20, 30), (40, 45)])
    here = spans.within(10, 35)  # a sentence at offsets 10..35
    assert list(zip(here.starts, here.ends)) == [(0, 2), (10, 20)]
    assert here.overlaps(1, 2) and not here.overlaps(3, 9)
