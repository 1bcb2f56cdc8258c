"""Defects planted in real published plans (their text as planparse reads it from the published PDF,
tests/fixtures/real/*.txt; see SOURCES.md), checked as text, as a Word draft and as a PDF: each defect is
found at its place, and the plans as published give no finding of these rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from planparse.check import check_file
from test_check_locations import write_docx

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
SHANDONG = (REAL / "025_shandong-green-transition-2022-actionplan.txt").read_text(encoding="utf-8")
MIIT = (REAL / "036_miit-env-equipment-actionplan-2022-2025.txt").read_text(encoding="utf-8")
DRAFTING = ["PP012", "PP018", "PP019", "PP020", "PP021", "PP022", "PP023"]


def plant(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _line(text: str, start: str) -> str:
    return next(line for line in text.split("\n") if line.startswith(start))


SHANDONG_SEEDED = plant(
    SHANDONG,
    # PP018: three subjects, two values
    ("可再生能源发电装机达到6700万千瓦", "风电、光伏和生物质发电装机分别达到2500万千瓦、4200万千瓦"),
    # PP019: a coverage over 100%
    ("节水型社会达标县超过75%", "节水型社会达标县覆盖率达到120%"),
    # PP021: the one task of （二） without its 牵头单位
    ("接纳省外电量达到1200亿千瓦时。（牵头单位：省能源局）", "接纳省外电量达到1200亿千瓦时。"),
    # PP022: task 9 written as task 7 again
    (_line(SHANDONG, "9."), "9." + _line(SHANDONG, "7.")[2:]),
    # not a defect: a dimensionless ratio without a unit
    ("工业技改投资突破5000亿元。", "工业技改投资突破5000亿元，新建数据中心PUE降至1.25以下。"),
)
SHANDONG_EXPECTED = {  # code -> the start of the paragraph it is found in
    "PP018": "全面完成国家下达的节能减排降碳约束性指标",
    "PP019": "6.强化水资源节约利用",
    "PP021": "8.加快推进煤炭清洁高效利用",
    "PP022": "9.加强土地资源高效利用",
}

MIIT_SEEDED = plant(
    MIIT,
    # PP020: a target after the plan's period 2022−2025, not aspirational
    ("到2025年，行业技术水平明显提升", "到2027年，行业技术水平明显提升"),
    ("环保装备制造业产值力争达到1.3万亿元", "环保装备制造业产值达到1.3万亿元"),
    # PP020: a deadline before the period
    ("（三）加强关键核心技术攻关。", "（三）加强关键核心技术攻关。2021年底前，突破一批关键技术。"),
    # PP023: a central document cited with its number, its title misquoted (综合 dropped)
    ("以及《“十四五”工业绿色发展规划》", "以及《“十四五”工业绿色发展规划》、《国务院关于印发“十四五”节能减排工作方案的通知》（国发〔2021〕33号）"),
)
MIIT_EXPECTED = {"PP020": ["到2027年，行业技术水平明显提升", "（三）加强关键核心技术攻关"]}


def as_format(tmp_path: Path, text: str, fmt: str, name: str) -> Path:
    txt = tmp_path / f"{name}.txt"
    txt.write_text(text, encoding="utf-8")
    if fmt == "txt":
        return txt
    if fmt == "docx":
        return write_docx(tmp_path / f"{name}.docx", text)
    from tools.render_pdf import render_sample

    return render_sample(txt, tmp_path / f"{name}.pdf")


def found_at(findings, code: str) -> list[str]:
    return [f.text or "" for f in findings if f.code == code]


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_defects_planted_in_a_provincial_action_plan(tmp_path, fmt):
    fs = check_file(as_format(tmp_path, SHANDONG_SEEDED, fmt, "seeded"), rules=DRAFTING)
    assert sorted({f.code for f in fs}) == sorted(SHANDONG_EXPECTED)
    for code, start in SHANDONG_EXPECTED.items():
        quoted = found_at(fs, code)
        assert len(quoted) == 1, (code, quoted)
        # A PDF names a line on the page: a line of the paragraph the defect is in.
        shown = quoted[0].rstrip("…").replace(" ", "")[:15]
        assert shown and shown in _line(SHANDONG_SEEDED, start), (code, quoted)
        if fmt != "pdf":
            assert quoted[0].startswith(start[:12]), (code, quoted)


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_defects_planted_in_a_ministry_plan(tmp_path, fmt):
    fs = check_file(as_format(tmp_path, MIIT_SEEDED, fmt, "seeded"), rules=DRAFTING)
    assert sorted(f.code for f in fs) == ["PP020", "PP020", "PP023"]
    [cited] = [f for f in fs if f.code == "PP023"]
    assert "国发〔2021〕33号" in cited.message and "综合工作方案" in cited.message
    assert (cited.text or "").rstrip("…").replace(" ", "")[:15] in _line(MIIT_SEEDED, "环保装备制造业是绿色环保产业")
    assert any("2027" in f.message for f in fs) and any("2021" in f.message for f in fs)
    for quoted, start in zip(sorted(found_at(fs, "PP020")), sorted(MIIT_EXPECTED["PP020"])):
        shown = quoted.rstrip("…").replace(" ", "")[:15]
        assert shown and shown in _line(MIIT_SEEDED, start), quoted
        if fmt != "pdf":
            assert quoted.startswith(start[:10])


@pytest.mark.parametrize("text", [SHANDONG, MIIT], ids=["shandong", "miit"])
def test_the_plans_as_published_are_clean(tmp_path, text):
    assert [f for f in check_file(as_format(tmp_path, text, "txt", "clean")) if f.severity == "error"] == []
    assert check_file(as_format(tmp_path, text, "docx", "clean"), rules=DRAFTING) == []
