"""Drafting-error rules (PP018–PP022) and the findings that must not fire (PP012 on ratios, numbering
rules on OCR'd text): each rule on a made-up defect, and on the look-alike that is none."""
from __future__ import annotations

from pathlib import Path

import pytest

from planparse.check import check_file
from planparse.check.core import _silenced, Finding
from planparse.grammar import load_grammars
from test_check import BASE, codes, lint, variant

GOAL = "空气质量优良天数比率达到85%以上"


def with_goal(extra: str) -> str:
    return variant((GOAL, GOAL + "，" + extra))


# --- PP012: a dimensionless ratio needs no unit ------------------------------------------------------


@pytest.mark.parametrize("ratio", ["新建大型数据中心电能利用效率（PUE）降至1.3以下", "数据中心PUE不高于1.25",
                                   "能源消费弹性系数控制在0.5以内", "新建大型数据中心电能利用效率不高于1.3"])
def test_pp012_dimensionless_ratios_need_no_unit(tmp_path, ratio):
    assert lint(tmp_path, with_goal(ratio)) == []


def test_pp012_a_share_without_percent_still_fires(tmp_path):
    fs = lint(tmp_path, with_goal("可再生能源消费占比达到30左右"))
    assert codes(fs) == ["PP012"] and "30" in fs[0].message


# --- PP018 分别 ----------------------------------------------------------------------------------------


def test_pp018_three_subjects_two_values(tmp_path):
    fs = lint(tmp_path, with_goal("工业、交通和建筑领域碳排放分别下降10%、12%"))
    assert codes(fs) == ["PP018"]
    assert "3 subjects and 2 values" in fs[0].message and fs[0].clause_id == "1"


@pytest.mark.parametrize("fine", [
    "工业和交通领域碳排放分别下降10%、12%",
    "京津冀及周边地区、汾渭平原PM2.5浓度分别下降20%、15%",  # 及 inside one region's name
    "PM2.5和臭氧浓度比2020年分别下降10%—12%、5%",  # a range is one value
    "工业、交通和建筑领域碳排放分别下降10%以上",  # one value for all
    "工业和信息化部门、财政部门分别安排资金3000万元、2000万元",  # 和 inside one agency's name
])
def test_pp018_pairs_that_match_are_fine(tmp_path, fine):
    assert "PP018" not in codes(lint(tmp_path, with_goal(fine)))


def test_pp018_grammar_counts():
    rule = load_grammars().check.respectively
    assert rule.counts("A、B和C分别下降10%、12%和15%。") == (3, 3)
    assert rule.counts("没有分别的句子下降10%。") is None


# --- PP019 impossible values ---------------------------------------------------------------------------


def test_pp019_coverage_over_100_percent(tmp_path):
    fs = lint(tmp_path, with_goal("农村生活污水治理覆盖率达到120%"))
    assert codes(fs) == ["PP019"] and "120%" in fs[0].message and fs[0].clause_id == "1"


@pytest.mark.parametrize("fine", [
    "农村生活污水治理覆盖率达到100%",
    "研发经费投入年均增长率达到120%",  # a growth rate can exceed 100%
    "新能源汽车保有量比2020年增长150%",  # a change, not a level
])
def test_pp019_look_alikes(tmp_path, fine):
    assert "PP019" not in codes(lint(tmp_path, with_goal(fine)))


# --- PP020 years outside the plan's period -------------------------------------------------------------

PERIOD = ("临江市空气质量持续改善行动方案\n\n为贯彻", "临江市空气质量持续改善行动方案（2024—2025年）\n\n为贯彻")


def test_pp020_target_after_the_horizon(tmp_path):
    fs = lint(tmp_path, variant(PERIOD, ("到2025年，全市PM2.5", "到2027年，全市PM2.5")))
    assert set(codes(fs)) == {"PP020"}
    assert all("2027" in f.message and "2024—2025年" in f.message for f in fs)


@pytest.mark.parametrize("ahead", ["展望2027年，全市PM2.5", "力争到2027年，全市PM2.5"])
def test_pp020_looking_ahead_is_fine(tmp_path, ahead):
    assert lint(tmp_path, variant(PERIOD, ("到2025年，全市PM2.5", ahead))) == []


def test_pp020_deadline_before_the_period(tmp_path):
    text = variant(PERIOD, ("2024年底前，基本淘汰", "2023年底前，基本淘汰"), ("2024年3月15日", "2022年12月15日"))
    fs = lint(tmp_path, text)
    assert codes(fs) == ["PP020"] and fs[0].clause_id == "2.3" and "2023" in fs[0].message


def test_pp020_leaves_a_deadline_before_the_issue_date_to_pp013(tmp_path):
    fs = lint(tmp_path, variant(PERIOD, ("2024年底前，基本淘汰", "2023年底前，基本淘汰")))
    assert codes(fs) == ["PP013"]  # one defect, one finding


def test_pp020_no_period_in_the_title_no_horizon(tmp_path):
    # Without （2024—2025年） the plan sets no horizon: a 2027 target is its own business.
    assert "PP020" not in codes(lint(tmp_path, variant(("到2025年，全市PM2.5", "到2027年，全市PM2.5"))))


# --- PP021 a task without an owner among tasks that all have one ----------------------------------------


FOUR_TASKS = (("（四）加强组织领导", "（五）加强组织领导"), ("（五）严格监督考核", "（六）严格监督考核"),
              ("按职责分工负责）\n", "按职责分工负责）\n\n（四）优化用地结构。推进露天矿山综合整治。（市自然资源局负责）\n"))


def test_pp021_one_task_without_annotation(tmp_path):
    fs = lint(tmp_path, variant(*FOUR_TASKS, ("（市发展改革委牵头，市工业和信息化局配合）", "")))
    assert codes(fs) == ["PP021"] and fs[0].clause_id == "2.2"
    assert lint(tmp_path, variant(*FOUR_TASKS), "all.txt") == []


def test_pp021_two_owned_tasks_are_no_habit(tmp_path):
    # (一) 加强组织领导 without an annotation before two annotated measures: common, and no slip.
    assert "PP021" not in codes(lint(tmp_path, variant(("（市发展改革委牵头，市工业和信息化局配合）", ""))))


def test_pp021_sections_without_annotations_are_fine(tmp_path):
    # 三、保障措施: (四) and (五) name no agency, and neither does any task beside them.
    assert lint(tmp_path, BASE) == []


# --- PP022 the same task twice ---------------------------------------------------------------------------

TRAFFIC = "（三）优化交通结构。2024年底前，基本淘汰国三及以下排放标准柴油货车。（市公安局、市交通运输局按职责分工负责）"


def test_pp022_task_written_twice(tmp_path):
    twice = TRAFFIC.replace("（三）", "（四）") + "\n\n" + "（五）加强组织领导。各县（市、区）要落实属地责任，细化工作措施。"
    text = variant(("（四）加强组织领导。各县（市、区）要落实属地责任，细化工作措施。", twice),
                   ("（五）严格监督考核", "（六）严格监督考核"), ("三、保障措施\n\n", ""))
    fs = [f for f in lint(tmp_path, text) if f.code == "PP022"]
    assert len(fs) == 1 and fs[0].clause_id == "2.4" and "（三）" in fs[0].message


def test_pp022_one_shared_sentence_in_different_tasks_is_fine(tmp_path):
    shared = "严格落实“两高”项目管理目录。"
    text = variant(("到2025年，非化石能源消费比重达到20%左右。", f"到2025年，非化石能源消费比重达到20%左右。{shared}"
                    "推进煤电机组节能降碳改造、灵活性改造、供热改造三改联动，淘汰落后煤电机组。"))
    assert "PP022" not in codes(lint(tmp_path, text))


# --- numbering rules on text an OCR engine made ------------------------------------------------------


def test_sequence_and_glyph_rules_are_silent_on_ocr_pages():
    ocr = {3}
    assert _silenced(Finding("x.pdf", "PP001", "gap", page=3), ocr)
    assert _silenced(Finding("x.pdf", "PP002", "repeat", page=4), ocr)  # the marker before it was on page 3
    assert _silenced(Finding("x.pdf", "PP004", "width", page=3), ocr)
    assert not _silenced(Finding("x.pdf", "PP004", "width", page=4), ocr)
    assert not _silenced(Finding("x.pdf", "PP001", "gap", page=6), ocr)
    assert not _silenced(Finding("x.pdf", "PP018", "分别", page=3), ocr)  # the words are still the words
    # A 成文日期 missing from OCR'd text may be a date under a seal OCR could not read.
    assert _silenced(Finding("x.pdf", "PP008", "no date", page=1), ocr)
    assert not _silenced(Finding("x.pdf", "PP008", "no date", page=1), set())


def test_numbering_gap_on_an_ocr_page_is_silent(tmp_path, monkeypatch):
    from planparse.check import core

    text = variant(("（二）优化能源结构", "（四）优化能源结构"), ("（三）优化交通结构", "（五）优化交通结构"),
                   ("（四）加强组织领导", "（六）加强组织领导"), ("（五）严格监督考核", "（七）严格监督考核"))
    p = tmp_path / "gap.txt"
    p.write_text(text, encoding="utf-8")
    assert "PP001" in codes(check_file(p))
    monkeypatch.setattr(core, "ocr_text_pages", lambda ctx: {None})  # a txt's one page, as if OCR'd
    assert "PP001" not in codes(check_file(p))


def test_a_scan_with_a_text_layer_is_known(tmp_path):
    """A PDF page that is a page-sized image under a text layer (a searchable scan) is OCR text; a page
    with text and a small picture is not."""
    from PIL import Image
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from planparse.check.core import scanned_pages

    path = tmp_path / "scan.pdf"
    picture = ImageReader(Image.new("L", (60, 85), 255))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for page_image in ((72, 600, 100, 100), (0, 0, 595, 842)):
        c.drawImage(picture, *page_image)
        c.drawString(72, 770, "Section 1")
        c.showPage()
    c.save()
    assert scanned_pages(path) == {2}
    assert scanned_pages(tmp_path / "missing.pdf") == set()


def test_numbering_read_across_quoted_statutes_is_not_reported(tmp_path):
    """A comparison table of a draft and the statutes it follows, read column after column: the
    articles go back and forth dozens of times. That is the reading, not the document."""
    rows = []
    for n in ["一", "三", "二", "五", "四", "七", "六", "九", "八", "十", "二", "四", "三"]:
        rows.append(f"第{n}条 燃气经营者应当建立健全安全管理制度，落实安全生产主体责任。")
    text = "某市燃气管理条例（草案）对照表\n\n" + "\n\n".join(rows) + "\n"
    assert [f for f in lint(tmp_path, text) if f.code in ("PP001", "PP002", "PP003")] == []
    # One slip among well-ordered articles is still found.
    one = "\n\n".join(f"第{n}条 燃气经营者应当落实安全生产主体责任。" for n in ["一", "二", "三", "三", "四", "五"])
    assert "PP002" in codes(lint(tmp_path, "某市燃气管理办法\n\n" + one + "\n", "one.txt"))


def test_pp020_task_row_deadline_before_the_period(tmp_path):
    from planparse.check.core import analyse, check_context
    from planparse.models import Agencies, Deadline, Task

    p = tmp_path / "doc.txt"
    p.write_text(variant(PERIOD, ("2024年3月15日", "2022年12月15日")), encoding="utf-8")
    ctx = analyse(p)
    ctx.doc.tasks = [
        Task(seq=1, content="a", agencies=Agencies(lead=["市生态环境局"]), deadline=Deadline(text="2023年底前", kind="date", date="2023-12-31")),
        Task(seq=2, content="b", agencies=Agencies(lead=["市生态环境局"]), deadline=Deadline(text="2024年底前", kind="date", date="2024-12-31")),
    ]
    assert [f.task_seq for f in check_context(ctx, ["PP020"])] == [1]


# --- PP023 a cited title that does not match its 文号 --------------------------------------------------

CITED = "《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）要求"


def cite(citation: str) -> str:
    return variant((CITED, citation + "和" + CITED))


def test_pp023_title_that_is_not_the_numbers(tmp_path):
    fs = lint(tmp_path, cite("《国务院关于印发〈空气质量改善行动计划〉的通知》（国发〔2023〕24号）"))
    assert codes(fs) == ["PP023"] and fs[0].line == 15
    assert "国发〔2023〕24号" in fs[0].message and "空气质量持续改善行动计划" in fs[0].message


@pytest.mark.parametrize("fine", [
    "《国务院关于印发〈空气质量持续改善行动计划〉的通知》（国发〔2023〕24号）",  # as issued
    "《空气质量持续改善行动计划》（国发〔2023〕24号）",  # the plan's own title
    "《某市某某方案》（某政发〔2019〕99号）",  # a number planparse does not know: nothing to compare
])
def test_pp023_look_alikes(tmp_path, fine):
    assert "PP023" not in codes(lint(tmp_path, cite(fine)))


def test_pp023_against_a_document_on_the_same_command_line(tmp_path):
    """The city's plan cites the province's plan, given in the same run, by its number with a misquoted
    title; the province's plan itself is checked as usual."""
    from planparse.check.run import check_files

    province = tmp_path / "province.txt"
    province.write_text("江苏省人民政府关于印发江苏省空气质量持续改善行动计划实施方案的通知\n\n苏政发〔2024〕53号\n\n"
                        "各市、县（市、区）人民政府：\n\n现将《江苏省空气质量持续改善行动计划实施方案》印发给你们。\n\n"
                        "江苏省人民政府\n\n2024年2月1日\n\n江苏省空气质量持续改善行动计划实施方案\n\n一、主要目标\n\n"
                        "到2025年，全省PM2.5浓度下降10%。\n\n二、保障措施\n\n加强组织领导。\n", encoding="utf-8")
    city = tmp_path / "city.txt"
    city.write_text(variant((CITED, "《江苏省空气质量改善行动计划实施方案》（苏政发〔2024〕53号）要求")), encoding="utf-8")
    findings, errors = check_files([str(province), str(city)], ["PP023"])
    assert errors == {} and [(f.path, f.code, f.line) for f in findings] == [(str(city), "PP023", 15)]
    assert "江苏省空气质量持续改善行动计划实施方案" in findings[0].message and str(province) in findings[0].message
    assert findings[0].text and findings[0].text.startswith("为贯彻落实")
    # Quoted right, or the other plan not in the run: nothing.
    city.write_text(variant((CITED, "《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号）要求")), encoding="utf-8")
    assert check_files([str(province), str(city)], ["PP023"])[0] == []
    city.write_text(variant((CITED, "《江苏省空气质量改善行动计划实施方案》（苏政发〔2024〕53号）要求")), encoding="utf-8")
    assert check_files([str(city)], ["PP023"])[0] == []


def test_pp023_a_number_the_other_file_also_cites_is_not_its_own(tmp_path):
    """A scan whose own 文号 is unreadable gets the number it cites as its meta.doc_number: a third file
    citing that number with the right title must not be told it names the scan."""
    from planparse.check.run import check_files

    scan = tmp_path / "scan.txt"
    scan.write_text("购新补贴实施细则\n\n苏政发〔2024〕53号\n\n根据《江苏省空气质量持续改善行动计划实施方案》（苏政发〔2024〕53号），"
                    "制定本细则。\n\n一、补贴标准\n\n每件补贴15%。\n\n二、保障措施\n\n加强组织领导。\n", encoding="utf-8")
    city = tmp_path / "city.txt"
    city.write_text(BASE, encoding="utf-8")  # cites 苏政发〔2024〕53号 with the province's title
    assert check_files([str(scan), str(city)], ["PP023"])[0] == []
