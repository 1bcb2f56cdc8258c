"""Documents shaped unlike the five samples: a notice with its plan attached, a county plan with
half-width brackets, [2024] in its number, a Chinese-numeral date and four clause levels."""
from pathlib import Path

from planparse.pipeline import extract_file

FIX = Path(__file__).parent / "fixtures"


def test_notice_with_plan_attached():
    d = extract_file(FIX / "notice_with_plan_attached.txt")
    m = d.meta
    assert m.notice_title == "广州市人民政府办公厅关于印发广州市2024年大气污染防治工作方案的通知"
    assert m.title == "广州市2024年大气污染防治工作方案"
    assert (m.doc_number, m.issuer, m.issue_date) == ("穗府办〔2024〕5号", ["广州市人民政府办公厅"], "2024-03-15")
    assert m.recipients == ["各区人民政府", "市政府各部门、各直属机构"]
    assert (m.cc, m.printed_by, m.print_date) == (["省生态环境厅"], "广州市人民政府办公厅秘书处", "2024-03-18")
    assert m.attachments == ["广州市2024年大气污染防治工作方案"] and m.level == "municipal"
    assert [c.id for c in d.clauses] == ["1", "2", "2.1", "2.1.1", "2.1.2", "2.2", "2.2.3", "3", "3.1", "3.2"]
    goal = [(t.value, t.unit, t.comparator, t.target_year, t.aspirational) for t in d.clauses[0].targets]
    assert goal == [(22, "微克/立方米", "<=", 2024, False), (90, "%", ">=", 2024, False), (5, "%", "=", 2024, True)]
    c = {c.id: c for c in d.clauses}
    assert [(x.kind, x.date) for x in c["2.1.1"].deadlines] == [("date", "2024-06-30")]
    [ag] = c["2.1.1"].agencies
    assert (ag.lead, ag.support, ag.implementers) == (["市生态环境局"], ["市工业和信息化局", "市市场监管局"], ["各区政府"])
    [ag] = c["2.2.3"].agencies
    assert ag.support == ["市交通运输局", "市公安局交警支队"]


def test_county_plan_with_half_width_markers():
    d = extract_file(FIX / "county_plan_gbk_style.txt")
    m = d.meta
    assert m.doc_number == "沭政办发〔2024〕18号" and m.issue_date == "2024-05-20"
    assert m.issuer == ["沭阳县人民政府办公室"] and m.level == "district"
    assert m.recipients == ["各乡镇人民政府（街道办事处）", "县各有关部门"]
    assert [(c.id, c.marker, c.marker_raw) for c in d.clauses if c.level == 4] == [
        ("2.1.1.1", "（1）", "(1)"), ("2.1.1.2", "（2）", "(2)")]
    c = {c.id: c for c in d.clauses}
    assert [(t.value, t.unit, t.comparator) for t in c["1.1"].targets] == [(95, "%", ">="), (120, "万亩", ">=")]
    [t] = c["1.2"].targets
    assert (t.value, t.direction, t.baseline_year) == (30, "decrease", 2023)
    assert [d.kind for d in c["2.2"].deadlines] == ["asap", "period"]
    [ag] = c["2.1.2"].agencies
    assert ag.responsible == ["县生态环境局", "县农业农村局"] and ag.implementers == ["各乡镇"]


def test_gbk_encoded_copy_reads_the_same(tmp_path):
    src = FIX / "county_plan_gbk_style.txt"
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(src.read_text(encoding="utf-8").encode("gbk"))
    a, b = extract_file(src), extract_file(gbk)
    assert [c.heading for c in a.clauses] == [c.heading for c in b.clauses]
    assert b.source.encoding in ("gb18030", "gbk", "GB18030")
