"""Meta of every genre, each on a hand-written document of that shape (made-up bodies and wording),
plus the scored corpus as a whole."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from planparse.emit import to_json
from planparse.pipeline import extract_file
from tests.conftest import SCORED as CORPUS
from tests.conftest import gold_scorer


def _extract(tmp_path: Path, text: str, name: str = "doc.txt"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return extract_file(p)


def _fields(meta) -> dict:
    return {k: getattr(meta, k) for k in ("notice_title", "title", "doc_number", "issuer", "issue_date")}


def test_notice_that_issues_without_guanyu(tmp_path):
    # `X印发《Y》的通知`: no 关于 in the notice title; the issued document is named in 《》.
    m = _extract(tmp_path, (
        "示范省人民政府办公厅印发《示范省湿地保护若干措施》的通知\n示政办发〔2032〕4号\n"
        "各市人民政府，省各委、办、厅、局：\n《示范省湿地保护若干措施》已经省政府同意，现印发给你们，请认真执行。\n"
        "示范省人民政府办公厅\n2032年2月3日\n示范省湿地保护若干措施\n一、加强湿地调查\n开展湿地资源调查。\n"
    )).meta
    assert _fields(m) == {
        "notice_title": "示范省人民政府办公厅印发《示范省湿地保护若干措施》的通知", "title": "示范省湿地保护若干措施",
        "doc_number": "示政办发〔2032〕4号", "issuer": ["示范省人民政府办公厅"], "issue_date": "2032-02-03",
    }


def test_notice_title_and_recipients_in_one_paragraph(tmp_path):
    m = _extract(tmp_path, (
        "示范县人民政府关于印发示范县秸秆综合利用工作方案的通知各乡镇人民政府，县各有关部门：\n"
        "现将《示范县秸秆综合利用工作方案》印发给你们，请认真组织实施。\n示范县人民政府\n2033年4月1日\n"
        "示范县秸秆综合利用工作方案\n一、工作目标\n秸秆综合利用率稳定在95%以上。\n"
    )).meta
    assert m.notice_title == "示范县人民政府关于印发示范县秸秆综合利用工作方案的通知"
    assert m.recipients == ["各乡镇人民政府", "县各有关部门"]
    assert m.title == "示范县秸秆综合利用工作方案"
    assert m.issuer == ["示范县人民政府"] and m.issue_date == "2033-04-01"


def test_page_heading_is_the_only_notice_title(tmp_path):
    m = _extract(tmp_path, (
        "# 关于印发《示范市夜间经济提升行动方案》的通知\n\n**发布日期**: 2034-06-09\n\n---\n\n示商发〔2034〕9号\n\n"
        "各区商务主管部门：\n\n现将《示范市夜间经济提升行动方案》印发给你们，请认真贯彻落实。\n\n示范市商务委员会\n\n"
        "2034年6月2日\n\n**示范市夜间经济提升行动方案**\n\n一、总体要求\n\n繁荣夜间消费。\n"
    ), "page.md").meta
    assert _fields(m) == {
        "notice_title": "关于印发《示范市夜间经济提升行动方案》的通知", "title": "示范市夜间经济提升行动方案",
        "doc_number": "示商发〔2034〕9号", "issuer": ["示范市商务委员会"], "issue_date": "2034-06-02",
    }


def test_document_that_is_itself_the_gongwen(tmp_path):
    # An 意见 with its own 文号, 主送 and signatures at the end, one body per line: no covering notice.
    m = _extract(tmp_path, (
        "示范部等三部门关于推进示范材料产业发展的指导意见\n示部联发〔2035〕3号\n各省、自治区、直辖市有关主管部门：\n"
        "为推进示范材料产业发展，提出如下意见。\n一、总体要求\n（一）指导思想。坚持创新驱动。\n二、保障措施\n"
        "（一）加强组织。各地要抓好落实。\n示范部\n示范发展委员会\n示范科学院\n2035年3月8日\n"
    )).meta
    assert _fields(m) == {
        "notice_title": None, "title": "示范部等三部门关于推进示范材料产业发展的指导意见",
        "doc_number": "示部联发〔2035〕3号", "issuer": ["示范部", "示范发展委员会", "示范科学院"], "issue_date": "2035-03-08",
    }


@pytest.mark.parametrize("signature", [
    "示范市科学技术委员会　　示范市卫生健康委员会\n示范市财政局　　示范市教育委员会\n",  # two per line, apart
    "示范市科学技术委员会示范市卫生健康委员会\n示范市财政局示范市教育委员会\n",  # two per line, glued
])
def test_signature_block_with_several_bodies(tmp_path, signature):
    m = _extract(tmp_path, (
        "关于印发《示范市实验动物管理办法》的通知\n示科发〔2036〕2号\n各有关单位：\n"
        "现将《示范市实验动物管理办法》印发给你们，请遵照执行。\n" + signature + "2036年5月6日\n"
        "示范市实验动物管理办法\n一、总则\n规范实验动物管理。\n"
    )).meta
    assert m.issuer == ["示范市科学技术委员会", "示范市卫生健康委员会", "示范市财政局", "示范市教育委员会"]
    assert m.issue_date == "2036-05-06"


def test_issuer_named_only_in_the_notice_title(tmp_path):
    m = _extract(tmp_path, (
        "示范区管理委员会关于印发示范区河长制工作方案的通知\n各街道、各部门：\n现将方案印发给你们，请认真执行。\n"
        "示范区河长制工作方案\n一、工作目标\n河湖水质稳定向好。\n"
    )).meta
    assert m.issuer == ["示范区管理委员会"]
    assert m.issue_date is None


def test_government_work_report(tmp_path):
    m = _extract(tmp_path, (
        "政府工作报告\n——2037年1月8日在示范市第三届人民代表大会第四次会议上\n示范市市长　王某某\n各位代表：\n"
        "现在，我代表市人民政府，向大会报告工作，请予审议。\n一、过去一年工作回顾\n全市经济稳中有进。\n"
        "二、今年工作安排\n（一）扩大有效需求。推进重大项目建设。\n"
    )).meta
    assert m.title == "政府工作报告"
    assert m.issue_date == "2037-01-08"
    # The government the speaker speaks for (我代表市人民政府), placed by the speaker's office (issue 20).
    assert m.issuer == ["示范市人民政府"]
    assert m.notice_title is None


def test_document_without_clauses_still_gets_meta(tmp_path):
    doc = _extract(tmp_path, (
        "示范市人民政府办公厅关于做好示范节假日值班工作的通知\n示府办明电〔2038〕1号\n各区人民政府，市政府各部门：\n"
        "节日期间，各单位要安排专人值班，遇有重大情况及时报告。\n示范市人民政府办公厅\n2038年9月20日\n"
    ))
    assert doc.clauses == []
    assert _fields(doc.meta) == {
        # A notice that issues or forwards nothing is the document itself: its heading is the title (issue 20).
        "notice_title": None, "title": "示范市人民政府办公厅关于做好示范节假日值班工作的通知",
        "doc_number": "示府办明电〔2038〕1号", "issuer": ["示范市人民政府办公厅"], "issue_date": "2038-09-20",
    }


def test_scrape_header_is_not_text_and_only_fills_gaps(tmp_path):
    doc = _extract(tmp_path, (
        "---\n标题: 示范镇垃圾分类实施办法\n文号: 示镇发〔2039〕5号\n成文日期: 2039-03-02\n---\n\n"
        "- **索引号**：11111111/2039-00005\n- **发布机构**：示范镇人民政府\n\n【打印】【关闭】\n\n"
        "一、总则\n\n推进生活垃圾分类。\n\n二、职责\n\n各村负责落实。\n"
    ), "fm.md")
    m = doc.meta
    assert m.title == "示范镇垃圾分类实施办法"
    assert m.doc_number == "示镇发〔2039〕5号"
    assert m.issue_date == "2039-03-02"
    assert m.issuer == ["示范镇人民政府"]
    assert [c.id for c in doc.clauses] == ["1", "2"]
    assert "索引号" not in to_json(doc).split('"clauses"')[1] and "打印" not in doc.clauses[0].text


def test_document_wins_over_header(tmp_path):
    m = _extract(tmp_path, (
        "发布日期：2040-07-09\n发布机构：示范网\n来源：https://www.example.gov.cn/zwgk/2040/07/09/" + "a1b2c3d4" * 8 + ".html\n"
        "示范市人民政府关于印发示范方案的通知\n示府发〔2040〕7号\n各区人民政府：\n现将《示范方案》印发给你们。\n"
        "示范市人民政府\n2040年7月1日\n示范方案\n一、目标\n做好示范。\n"
    )).meta
    assert m.issue_date == "2040-07-01" and m.issuer == ["示范市人民政府"]
    assert m.doc_number == "示府发〔2040〕7号"


def test_long_url_line_never_swallows_the_lines_after_it(tmp_path):
    m = _extract(tmp_path, (
        "https://www.example.gov.cn/zwgk/2041/01/02/" + "0f" * 40 + ".html\n示府发〔2041〕2号\n各区人民政府：\n"
        "现将《示范计划》印发给你们。\n示范市人民政府\n2041年1月2日\n示范计划\n一、目标\n做好示范工作。\n"
    )).meta
    assert m.doc_number == "示府发〔2041〕2号"
    assert m.recipients == ["各区人民政府"]


@pytest.mark.slow
def test_scored_corpus_meta_and_clauses():
    score = gold_scorer()
    tp = fp = fn = 0
    for doc in sorted((CORPUS / "docs").glob("*.md")):
        gold = json.loads((CORPUS / "gold" / f"{doc.stem}.json").read_text(encoding="utf-8"))
        pred = json.loads(to_json(extract_file(doc)))
        r = score.score_meta(gold, pred)
        tp, fp, fn = tp + r["tp"], fp + r["fp"], fn + r["fn"]
        assert r["fp"] == 0 and r["fn"] == 0, (doc.name, r["fields_ok"])
        c = score.score_clauses(gold, pred)
        assert c["fn"] == 0 and c["fp"] == 0, (doc.name, c["missing"], c["spurious"])
    assert tp == 47 and fp == 0 and fn == 0


def test_plan_title_wrapped_over_two_lines(tmp_path):
    m = _extract(tmp_path, (
        "示范市人民政府关于印发2043年实施“智慧·低碳”示范改造\n专项行动方案的通知\n示政综〔2043〕3号\n各区人民政府：\n"
        "《2043年实施“智慧·低碳”示范改造专项行动方案》已经市政府同意，现印发给你们，请认真贯彻实施。\n示范市人民政府\n"
        "2043年2月1日\n2043年实施“智慧·低碳”示范改造\n专项行动方案\n一、年度目标\n全年完成示范改造项目100个。\n"
    )).meta
    assert m.notice_title == "示范市人民政府关于印发2043年实施“智慧·低碳”示范改造专项行动方案的通知"
    assert m.title == "2043年实施“智慧·低碳”示范改造专项行动方案"


def test_a_notice_signed_under_its_attachment_list_above_long_annexes(tmp_path):
    names = "".join(f"示范{i}区绿色园区\n" for i in range(30))
    p = tmp_path / "notice.txt"
    p.write_text("示范市生态环境局关于开展绿色园区创建工作的通知\n\n各区生态环境局：\n现将有关要求通知如下：\n"
                 "一、各区于2033年底前完成评估。\n二、请按时报送。\n附件：1. 园区名单\n2. 社区名单\n示范市生态环境局\n"
                 "2032年3月5日\n附件1\n园区名单\n" + names + "示范市生态环境局办公室 2032年3月6日印发\n", encoding="utf-8")
    m = extract_file(p).meta
    assert (m.issuer, m.issue_date, m.print_date) == (["示范市生态环境局"], "2032-03-05", "2032-03-06")
