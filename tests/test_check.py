"""`planparse check`: every rule on a small hand-written document that triggers it and one that does not,
the real samples (what is really there, nothing false), the four report formats, config and exit codes."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planparse.check import RULES, check_file, render, select_rules
from planparse.check.core import CheckUsageError, analyse, check_context
from planparse.cli import app
from planparse.models import Agencies, Deadline, Task

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"

# A clean notice with its plan: 发文字号 in 〔〕, a 成文日期, continuous （一）…（五）, targets with units and a
# year, deadlines after the issue date, every annotation with a lead or responsible agency.
NOTICE = """临江市人民政府关于印发临江市空气质量持续改善行动方案的通知

临政发〔2024〕12号

各县（市、区）人民政府，市各委、办、局，市各直属单位：

现将《临江市空气质量持续改善行动方案》印发给你们，请认真贯彻落实。

临江市人民政府

2024年3月15日
"""

BASE = NOTICE + """
临江市空气质量持续改善行动方案

为贯彻落实《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）要求，持续深入打好蓝天保卫战，制定本方案。

一、主要目标

到2025年，全市PM2.5浓度比2020年下降10%以上，空气质量优良天数比率达到85%以上。

二、重点任务

（一）优化产业结构。严格落实“两高”项目管理目录。到2025年，淘汰35蒸吨/小时及以下燃煤锅炉。（市发展改革委牵头，市生态环境局配合）

（二）优化能源结构。到2025年，非化石能源消费比重达到20%左右。（市发展改革委牵头，市工业和信息化局配合）

（三）优化交通结构。2024年底前，基本淘汰国三及以下排放标准柴油货车。（市公安局、市交通运输局按职责分工负责）

三、保障措施

（四）加强组织领导。各县（市、区）要落实属地责任，细化工作措施。

（五）严格监督考核。将空气质量改善目标完成情况纳入高质量发展考核。
"""



ATTACHMENTS = "\n附件：1.临江市空气质量改善目标表\n2.临江市重点工程项目清单\n"

INDUSTRY = "（一）优化产业结构。严格落实“两高”项目管理目录。到2025年，淘汰35蒸吨/小时及以下燃煤锅炉。（市发展改革委牵头，市生态环境局配合）"
INDUSTRY_ITEMS = (
    "（一）优化产业结构\n\n"
    "1.严格项目准入。严格落实“两高”项目管理目录。（市发展改革委牵头，市生态环境局配合）\n\n"
    "2.推进落后产能退出。到2025年，淘汰35蒸吨/小时及以下燃煤锅炉。（市工业和信息化局牵头）\n\n"
    "3.推进产业集群整治。针对现有产业集群制定专项整治方案。（市生态环境局牵头）"
)


def variant(*replacements: tuple[str, str], text: str = BASE) -> str:
    for old, new in replacements:
        assert old in text, f"{old!r} not in the base document"
        text = text.replace(old, new)
    return text


def lint(tmp_path: Path, text: str, name: str = "doc.txt", rules=None):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return check_file(p, rules=rules)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def test_base_document_is_clean(tmp_path):
    assert lint(tmp_path, BASE) == []


def test_rules_table_is_complete():
    assert list(RULES) == [f"PP{i:03d}" for i in range(1, 24)]
    for r in RULES.values():
        assert r.severity in ("error", "warning", "info") and r.name and r.summary
    # The analyst's table in the docs lists every rule with its code, severity and name.
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    for r in RULES.values():
        assert re.search(rf"\|\s*{r.code}\s*\|\s*`?{re.escape(r.name)}`?\s*\|\s*{r.severity}\s*\|", doc), r.code


# --- PP001–PP003 numbering ---------------------------------------------------------------------------


def test_pp001_gap(tmp_path):
    text = variant(("（三）优化交通", "（四）优化交通"), ("（四）加强", "（五）加强"), ("（五）严格", "（六）严格"))
    fs = lint(tmp_path, text)
    assert codes(fs) == ["PP001"]
    f = fs[0]
    assert f.clause_id == "2.4" and f.line == 27 and f.severity == "warning"
    assert "（四） follows （二）" in f.message and "（三） missing" in f.message


def test_pp001_both_numbering_habits_are_legitimate(tmp_path):
    # （一）（二） restarting in the third section (the base runs on continuously: both are fine)
    restart = variant(("（四）加强", "（一）加强"), ("（五）严格", "（二）严格"))
    assert lint(tmp_path, restart) == []


def test_pp001_abridged_document_is_info(tmp_path):
    text = variant(
        ("（三）优化交通", "（四）优化交通"), ("（四）加强", "（五）加强"), ("（五）严格", "（六）严格"),
        ("2024年3月15日\n", "2024年3月15日\n\n（本文有删减）\n"),
    )
    fs = lint(tmp_path, text)
    assert [(f.code, f.severity) for f in fs] == [("PP001", "info")]


def test_pp001_large_gap_not_read_as_clause(tmp_path):
    fs = lint(tmp_path, variant(("（三）优化交通", "（八）优化交通")))
    assert fs[0].code == "PP001" and fs[0].line == 27 and "not read as a clause" in fs[0].message
    assert "（三）、（四）、（五）、（六）、（七） missing" in fs[0].message


def test_pp002_repeat(tmp_path):
    text = variant(("（三）优化交通", "（二）优化交通"), ("（四）加强", "（三）加强"), ("（五）严格", "（四）严格"))
    fs = lint(tmp_path, text)
    assert codes(fs) == ["PP002"]
    assert fs[0].line == 27 and fs[0].severity == "error" and "repeats" in fs[0].message


def test_pp003_order(tmp_path):
    text = variant(("（二）优化能源", "（三）优化能源"), ("（三）优化交通", "（二）优化交通"))
    fs = lint(tmp_path, text)
    assert codes(fs) == ["PP001", "PP003"]  # （三） after （一）, then （二） going backwards
    assert fs[1].line == 27 and "（二） follows （三）" in fs[1].message
    # （四） after （三）（二） fits (next after the highest): no third finding


# --- PP004 / PP005 marker style, PP006 level skipped ---------------------------------------------------


def test_pp004_half_width_among_full_width(tmp_path):
    fs = lint(tmp_path, variant(("（二）优化能源", "(二)优化能源")))
    assert codes(fs) == ["PP004"]
    assert fs[0].clause_id == "2.2" and fs[0].line == 25 and "(二)" in fs[0].message


def test_pp004_consistent_half_width_is_not_reported(tmp_path):
    text = BASE
    for n in "一二三四五":
        text = text.replace(f"（{n}）", f"({n})")
    assert "PP004" not in codes(lint(tmp_path, text))


def test_pp004_marker_mixing_widths(tmp_path):
    fs = lint(tmp_path, variant(("（二）优化能源", "（二)优化能源")))
    assert codes(fs) == ["PP004"] and "mixes" in fs[0].message


def test_pp005_mixed_separator(tmp_path):
    fs = lint(tmp_path, variant((INDUSTRY, INDUSTRY_ITEMS.replace("2.推进", "2、推进"))))
    assert codes(fs) == ["PP005"]
    assert fs[0].clause_id == "2.1.2" and "2、" in fs[0].message
    assert lint(tmp_path, variant((INDUSTRY, INDUSTRY_ITEMS)), "ok.txt") == []


def test_pp006_level_skipped(tmp_path):
    fs = lint(tmp_path, variant(("（四）加强组织领导", "1.加强组织领导"), ("（五）严格监督考核", "2.严格监督考核")))
    assert codes(fs) == ["PP006"]  # one finding per section, not one per clause
    assert fs[0].clause_id == "3.1" and "三、" in fs[0].message and "（一）" in fs[0].message


def test_pp006_skipping_a_level_the_document_never_uses_is_legitimate(tmp_path):
    text = variant(
        ("（一）优化产业", "1.优化产业"), ("（二）优化能源", "2.优化能源"), ("（三）优化交通", "3.优化交通"),
        ("（四）加强组织领导", "1.加强组织领导"), ("（五）严格监督考核", "2.严格监督考核"),
    )
    assert lint(tmp_path, text) == []


# --- PP007 发文字号 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, issue",
    [
        ("临政发[2024]12号", "[ ]"),
        ("临政发（2024）12号", "（ ）"),
        ("临政发【2024】12号", "【 】"),
        ("临政发［2024］12号", "［ ］"),
        ("临政发〔2024〕第12号", "第"),
        ("临政发〔2024〕012号", "padded"),
        ("临政发〔24〕12号", "two digits"),
    ],
)
def test_pp007_doc_number_form(tmp_path, written, issue):
    fs = lint(tmp_path, variant(("临政发〔2024〕12号", written)))
    assert codes(fs) == ["PP007"]
    assert fs[0].line == 3 and issue in fs[0].message and "临政发〔2024〕12号" in fs[0].message
    assert written in fs[0].message  # the raw line as written (［］ not folded)


def test_pp007_number_cited_in_the_text(tmp_path):
    fs = lint(tmp_path, variant(("（苏政发〔2024〕53号）", "（苏政发[2024]53号）")))
    assert codes(fs) == ["PP007"] and fs[0].line == 15 and "苏政发[2024]53号" in fs[0].message


# --- PP008 / PP009 dates ----------------------------------------------------------------------------


def test_pp008_notice_without_date(tmp_path):
    fs = lint(tmp_path, variant(("2024年3月15日\n", "")))
    assert codes(fs) == ["PP008"] and fs[0].line == 1 and fs[0].severity == "error"


def test_pp008_bare_plan_needs_no_date(tmp_path):
    assert lint(tmp_path, variant((NOTICE, ""))) == []


def test_pp008_chinese_numeral_date_is_a_date(tmp_path):
    assert lint(tmp_path, variant(("2024年3月15日", "二〇二四年三月十五日"))) == []


@pytest.mark.parametrize("written", ["2024年2月30日", "2024年13月5日", "二〇二四年二月三十日"])
def test_pp009_invalid_date(tmp_path, written):
    fs = lint(tmp_path, variant(("2024年3月15日", written)))
    assert codes(fs) == ["PP009"]  # reported as invalid, not also as missing
    assert fs[0].line == 11 and written in fs[0].message


# --- PP010 agencies without an owner ----------------------------------------------------------------


def test_pp010_annotation_with_only_supporting_agencies(tmp_path):
    fs = lint(tmp_path, variant(("（市公安局、市交通运输局按职责分工负责）", "（市公安局、市交通运输局配合）")))
    assert codes(fs) == ["PP010"]
    assert fs[0].clause_id == "2.3" and fs[0].line == 27 and "市公安局、市交通运输局" in fs[0].message


def test_pp010_task_rows(tmp_path):
    """Task rows come from the table stage; the rule reads Task.agencies (rows made here)."""
    p = tmp_path / "doc.txt"
    p.write_text(BASE, encoding="utf-8")
    ctx = analyse(p)
    ctx.doc.tasks = [
        Task(seq=1, content="严格落实“两高”项目管理目录。", agencies=Agencies(lead=["市发展改革委"], support=["市生态环境局"])),
        Task(seq=2, content="推进园区绿色低碳化改造。", agencies=Agencies(support=["市生态环境局"])),
        Task(seq=3, content="完善重污染天气应急预案。", agencies=None),
        Task(seq=4, content="加强执法。", agencies=Agencies(implementers=["各县（市、区）人民政府"],
                                                         implementers_inherited=["各县（市、区）人民政府"])),
        Task(seq=5, content="落实属地责任。", agencies=Agencies(implementers=["各县（市、区）人民政府"])),
    ]
    fs = check_context(ctx, ["PP010"])
    assert [f.task_seq for f in fs] == [2, 3, 4]
    assert "only supporting" in fs[0].message and "names no lead" in fs[1].message


# --- PP011 / PP012 targets ---------------------------------------------------------------------------

NO_HORIZON = (
    ("一、主要目标\n\n到2025年，全市PM2.5浓度比2020年下降10%以上，空气质量优良天数比率达到85%以上。",
     "一、总体要求\n\n坚持稳中求进，持续改善空气质量。"),
)


def test_pp011_target_without_year(tmp_path):
    fs = lint(tmp_path, variant(*NO_HORIZON, ("到2025年，非化石能源", "非化石能源")))
    assert codes(fs) == ["PP011"]
    assert fs[0].severity == "info" and fs[0].clause_id == "2.2" and "非化石能源消费比重" in fs[0].message


def test_pp011_year_implied_by_the_clause_or_the_targets_section(tmp_path):
    assert lint(tmp_path, variant(*NO_HORIZON)) == []  # the clause says 到2025年
    # 主要目标: 到2025年 … sets the horizon of the plan's later targets
    assert lint(tmp_path, variant(("到2025年，非化石能源", "非化石能源")), "h.txt") == []


def test_pp012_target_without_unit(tmp_path):
    fs = lint(tmp_path, variant(("非化石能源消费比重达到20%左右", "非化石能源消费比重达到20左右")))
    assert codes(fs) == ["PP012"] and fs[0].clause_id == "2.2" and "20" in fs[0].message


def test_pp012_a_pure_ratio_needs_no_unit(tmp_path):
    text = variant(("非化石能源消费比重达到20%左右", "非化石能源消费比重达到20%左右，炼焦产能与长流程炼钢产能比控制在0.4左右"))
    assert lint(tmp_path, text) == []


# --- PP013 deadlines --------------------------------------------------------------------------------


def test_pp013_deadline_before_issue_date(tmp_path):
    fs = lint(tmp_path, variant(("2024年底前", "2023年底前")))
    assert codes(fs) == ["PP013"]
    assert fs[0].clause_id == "2.3" and "2023-12-31" in fs[0].message and "2024-03-15" in fs[0].message


def test_pp013_deadline_after_issue_date(tmp_path):
    assert lint(tmp_path, variant(("2024年底前", "2024年6月底前"))) == []


def test_pp013_task_deadline(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_text(BASE, encoding="utf-8")
    ctx = analyse(p)
    ctx.doc.tasks = [
        Task(seq=1, content="a", agencies=Agencies(lead=["市生态环境局"]), deadline=Deadline(text="2023年底前", kind="date", date="2023-12-31")),
        Task(seq=2, content="b", agencies=Agencies(lead=["市生态环境局"]), deadline=Deadline(text="持续推进", kind="ongoing")),
    ]
    assert [f.task_seq for f in check_context(ctx, ["PP013"])] == [1]


# --- PP014 agency spelling ---------------------------------------------------------------------------


def test_pp014_agency_written_two_ways(tmp_path):
    fs = lint(tmp_path, variant(("（市发展改革委牵头，市工业和信息化局配合）", "（市发改委牵头，市工业和信息化局配合）")))
    assert codes(fs) == ["PP014"]
    assert "市发展改革委" in fs[0].message and "市发改委" in fs[0].message and "市发展和改革委员会" in fs[0].message
    assert fs[0].clause_id == "2.2"


def test_pp014_same_spelling_throughout(tmp_path):
    assert lint(tmp_path, BASE) == []  # 市发展改革委 twice, one spelling


# --- PP015 attachments -------------------------------------------------------------------------------

SEE_ATTACHMENT = ("空气质量优良天数比率达到85%以上。", "空气质量优良天数比率达到85%以上，各县（市、区）目标见附件2。")
WITH_ATTACHMENTS = ("纳入高质量发展考核。\n", "纳入高质量发展考核。\n" + ATTACHMENTS)


def test_pp015_attachment_missing(tmp_path):
    fs = lint(tmp_path, variant(SEE_ATTACHMENT))
    assert codes(fs) == ["PP015"] and fs[0].clause_id == "1" and "附件2" in fs[0].message


def test_pp015_attachment_present(tmp_path):
    assert lint(tmp_path, variant(SEE_ATTACHMENT, WITH_ATTACHMENTS)) == []


def test_pp015_one_of_a_list_missing(tmp_path):
    text = variant(("空气质量优良天数比率达到85%以上。", "空气质量优良天数比率达到85%以上，重点工程见附件1、3。"), WITH_ATTACHMENTS)
    fs = lint(tmp_path, text)
    assert codes(fs) == ["PP015"] and "附件3" in fs[0].message and "附件1、附件2" in fs[0].message


# --- PP016 / PP017 citations -------------------------------------------------------------------------


def test_pp016_first_citation_without_number(tmp_path):
    text = variant(
        ("严格落实“两高”项目管理目录。", "严格执行《临江市重污染天气应急预案》。"),
        ("各县（市、区）要落实属地责任", "按照《临江市重污染天气应急预案》（临政办发〔2023〕8号）要求，各县（市、区）要落实属地责任"),
    )
    fs = lint(tmp_path, text)
    assert codes(fs) == ["PP016"] and fs[0].clause_id == "2.1" and "line 31" in fs[0].message


def test_pp016_number_first_then_title_alone_is_fine(tmp_path):
    text = variant(
        ("严格落实“两高”项目管理目录。", "严格执行《临江市重污染天气应急预案》（临政办发〔2023〕8号）。"),
        ("各县（市、区）要落实属地责任", "按照《临江市重污染天气应急预案》要求，各县（市、区）要落实属地责任"),
    )
    assert lint(tmp_path, text) == []


def test_pp017_number_inside_title_marks(tmp_path):
    fs = lint(tmp_path, variant(("《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）",
                                 "《江苏省空气质量持续改善行动计划实施方案（苏政发〔2024〕53号）》")))
    assert codes(fs) == ["PP017"] and fs[0].line == 15
    assert "《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）" in fs[0].message


# --- the samples: what is really there, nothing false --------------------------------------------------

EXPECTED_SAMPLES = {
    # 000 cites the State Council notice with its number inside the title marks: 《…的通知（国发〔2023〕24号）》
    "000_1e3bdffa556e102e": [("PP017", 20, None)],
    "001_e273565e5025a23d": [],  # 1、…30、 running on across （一）…（十）; 附件1–4 referred to and present
    "002_5ca395b12717d3cc": [],
    "003_2490237ab9f4f493": [],  # a bare plan: no 发文字号, no 成文日期 needed
    # 004 writes (十六)–(十九) with half-width brackets beside full-width （一）–（十五）
    "004_f8539a09ccbc65f7": [("PP004", 73, "8.16"), ("PP004", 75, "8.17"), ("PP004", 79, "9.18"), ("PP004", 81, "9.19")],
}


@pytest.mark.parametrize("stem", sorted(EXPECTED_SAMPLES))
def test_samples_report_what_is_there(stem):
    fs = check_file(SAMPLES / f"{stem}.txt")
    assert [(f.code, f.line, f.clause_id) for f in fs] == EXPECTED_SAMPLES[stem]


@pytest.mark.parametrize("stem", ["000_1e3bdffa556e102e", "002_5ca395b12717d3cc", "004_f8539a09ccbc65f7"])
def test_samples_as_pdf_report_the_same(rendered_pdfs, stem):
    """The same documents rendered as PDFs: the same findings, located by page (and line on the page)."""
    fs = check_file(rendered_pdfs[stem])
    assert [(f.code, f.clause_id) for f in fs] == [(c, cid) for c, _, cid in EXPECTED_SAMPLES[stem]]
    assert all(f.page is not None and f.line is not None for f in fs)


def test_sample_004_half_width_messages():
    fs = check_file(SAMPLES / "004_f8539a09ccbc65f7.txt")
    assert [re.match(r"\(\S+\)", f.message).group(0) for f in fs] == ["(十六)", "(十七)", "(十八)", "(十九)"]


# --- report formats ----------------------------------------------------------------------------------

runner = CliRunner()
S004 = str(SAMPLES / "004_f8539a09ccbc65f7.txt")
S003 = str(SAMPLES / "003_2490237ab9f4f493.txt")


def test_text_format():
    r = runner.invoke(app, ["check", S004])
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 4
    for line in lines:
        assert re.fullmatch(rf"{re.escape(S004)}:\d+: PP004 warning .+ \[clause \d+\.\d+\]", line), line
    assert lines[0].startswith(f"{S004}:73: PP004 warning (十六)")


def test_github_format(tmp_path):
    r = runner.invoke(app, ["check", S004, "--format", "github"])
    assert r.exit_code == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 4
    for line in lines:
        assert re.fullmatch(r"::warning file=[^,:]+,line=(\d+),title=PP004 mixed-bracket-width \(line \1\)::[^\n]+", line), line
    assert lines[0].startswith(f"::warning file={S004},line=73,")
    # errors are ::error; commas and colons in a file name are escaped in the properties
    p = tmp_path / "a,b:c.txt"
    p.write_text(variant(("临政发〔2024〕12号", "临政发[2024]12号")), encoding="utf-8")
    r = runner.invoke(app, ["check", str(p), "-f", "github"])
    assert r.stdout.startswith("::error file=") and "a%2Cb%3Ac.txt,line=3,title=PP007 doc-number-format (line 3)::" in r.stdout


def test_github_info_is_a_notice(tmp_path):
    p = tmp_path / "d.txt"
    p.write_text(variant(*NO_HORIZON, ("到2025年，非化石能源", "非化石能源")), encoding="utf-8")
    r = runner.invoke(app, ["check", str(p), "-f", "github"])
    assert r.stdout.startswith("::notice file=") and r.exit_code == 1
    assert runner.invoke(app, ["check", str(p), "--fail-on", "warning"]).exit_code == 0


def test_json_format():
    r = runner.invoke(app, ["check", S004, S003, "--format", "json"])
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert isinstance(data, list) and len(data) == 4
    assert data[0] == {
        "path": S004, "code": "PP004", "name": "mixed-bracket-width", "severity": "warning",
        "message": data[0]["message"], "line": 73, "page": None, "clause_id": "8.16", "task_seq": None,
        "location": "line 73", "text": data[0]["text"],
    }
    assert data[0]["text"].startswith("(十六)持续加强监测")


def test_junit_format(tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"\x00\x01 not a pdf at all" * 50)
    out = tmp_path / "report.xml"
    r = runner.invoke(app, ["check", S004, S003, str(bad), "--format", "junit", "-o", str(out)])
    assert r.exit_code == 3  # an unreadable input wins over findings
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {S004, S003, str(bad)}
    s4 = suites[S004]
    assert len(s4.findall("testcase")) == len(RULES) == int(s4.get("tests"))
    failed = [c for c in s4.findall("testcase") if c.find("failure") is not None]
    assert [c.get("name") for c in failed] == ["PP004 mixed-bracket-width"] and s4.get("failures") == "1"
    assert failed[0].find("failure").text.count("\n") == 3  # the four findings
    assert suites[S003].get("failures") == "0"
    err = suites[str(bad)].find("testcase/error")
    assert err is not None and err.get("type") == "corrupt"


# --- selection, configuration, exit codes --------------------------------------------------------------


def test_select_forms():
    assert select_rules() == sorted(RULES)
    assert select_rules("PP004") == ["PP004"]
    assert select_rules("mixed-bracket-width,PP01") == ["PP004", "PP010", "PP011", "PP012", "PP013", "PP014", "PP015", "PP016", "PP017",
                                                        "PP018", "PP019"]
    assert select_rules(None, ["PP0"]) == []
    assert "PP004" not in select_rules(ignore="PP004")
    with pytest.raises(CheckUsageError):
        select_rules("PP999")


def test_select_and_ignore_on_the_command_line():
    assert runner.invoke(app, ["check", S004, "--ignore", "PP004"]).exit_code == 0
    r = runner.invoke(app, ["check", S004, "--select", "PP001,PP002"])
    assert r.exit_code == 0 and r.stdout == ""
    assert runner.invoke(app, ["check", S004, "--select", "mixed-bracket-width"]).exit_code == 1


def test_pyproject_config(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.planparse]\nformat = "json"\nignore = ["PP004"]\ngrammars = "elsewhere"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["check", S004])
    assert r.exit_code == 0 and json.loads(r.stdout) == []
    r = runner.invoke(app, ["check", S004, "--ignore", "PP001"])  # the command line wins
    assert r.exit_code == 1 and len(json.loads(r.stdout)) == 4


def test_config_file(tmp_path):
    cfg = tmp_path / "planparse.toml"
    cfg.write_text('select = "PP004"\nformat = "github"\nfail-on = "error"\n', encoding="utf-8")
    r = runner.invoke(app, ["check", S004, "--config", str(cfg)])
    assert r.exit_code == 0 and r.stdout.startswith("::warning ")  # warnings shown, exit only on errors
    cfg.write_text('selekt = "PP004"\n', encoding="utf-8")
    r = runner.invoke(app, ["check", S004, "--config", str(cfg)])
    assert r.exit_code == 2 and "selekt" in r.stderr
    assert runner.invoke(app, ["check", S004, "--config", str(tmp_path / "none.toml")]).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", S004, "--select", "PP999"],
        ["check", S004, "--format", "xml"],
        ["check", S004, "--fail-on", "fatal"],
        ["check", S004, "--grammars", "/nonexistent/grammars"],
        ["check", "/nonexistent/dir/*.txt"],
    ],
)
def test_usage_errors_exit_2(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output


def test_unreadable_inputs_exit_3(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    for path, kind in [(empty, "empty"), (tmp_path / "missing.txt", "missing")]:
        r = runner.invoke(app, ["check", str(path)])
        assert r.exit_code == 3
        assert r.stderr.strip().splitlines()[0] == f"planparse: error: {path}: {kind}: " + ("empty file" if kind == "empty" else "no such file")
        assert "Traceback" not in r.output


def test_clean_file_exit_0_and_directory_input(tmp_path):
    assert runner.invoke(app, ["check", S003]).exit_code == 0
    (tmp_path / "a.txt").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.txt").write_text(variant(("（二）优化能源", "(二)优化能源")), encoding="utf-8")
    (tmp_path / "notes.csv").write_text("not a document", encoding="utf-8")
    r = runner.invoke(app, ["check", str(tmp_path), "-f", "json"])
    assert r.exit_code == 1
    assert [(Path(f["path"]).name, f["code"]) for f in json.loads(r.stdout)] == [("b.txt", "PP004")]


def test_list_rules():
    r = runner.invoke(app, ["check", "--list-rules"])
    entries = [line for line in r.stdout.splitlines() if not line.startswith(" ")]  # a long summary wraps under its rule
    assert r.exit_code == 0 and [e.split()[0] for e in entries] == list(RULES)


def test_render_json_is_a_list_even_when_empty():
    assert json.loads(render([], "json")) == []


# --- articles (第一条): numbered through the whole document, across chapters ---------------------------

MEASURES = """某市公共停车场管理办法

第一章 总则

第一条 为规范公共停车场管理，制定本办法。

第二条 本办法适用于本市行政区域内的公共停车场。

第二章 经营管理

第三条 经营者应当公示收费标准。

第四条 经营者应当设置视频监控。

第五条 本办法自发布之日起施行。
"""


def test_articles_running_on_across_chapters_are_clean(tmp_path):
    assert [f for f in lint(tmp_path, MEASURES, rules=["PP001", "PP002", "PP003"])] == []


def test_article_gap_repeat_and_order(tmp_path):
    text = MEASURES.replace("第三条 经营者应当公示收费标准。", "第四条 经营者应当公示收费标准。").replace(
        "第五条 本办法", "第五条 本办法自发布之日起施行。\n\n第三条 已经废止的条文。\n\n第六条 本办法")
    fs = lint(tmp_path, text, rules=["PP001", "PP002", "PP003"])
    assert [(f.code, f.message.split(":")[0] if f.code == "PP001" else f.message.split(" ")[0]) for f in fs] == [
        ("PP001", "第四条 follows 第二条"), ("PP002", "第四条"), ("PP003", "第三条")]
    assert fs[0].clause_id == "2.4" and "第三条 missing" in fs[0].message
