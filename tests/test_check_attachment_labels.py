"""An attachment printed on its own, and an attachment list whose items start with a number: what check and
the reader make of them (made-up documents in the shape of real ones)."""
from pathlib import Path

from planparse.check import check_file
from planparse.pipeline import extract_file

LETTER_ANNEX = """南住建函〔2025〕671号附件1
南宁市城镇燃气管理条例（修订草案）（征求意见稿）
第一章 总则
第一条 为了加强燃气管理，制定本条例。
南住建函〔2025〕671号附件2
条文对照表
第二条 本条例自公布之日起施行。
"""


def _codes(tmp_path: Path, text: str) -> list[str]:
    p = tmp_path / "doc.txt"
    p.write_text(text, encoding="utf-8")
    return [f.code for f in check_file(p)]


def test_an_attachment_printed_alone_is_no_notice_without_a_date_and_its_labels_are_no_references(tmp_path):
    codes = _codes(tmp_path, LETTER_ANNEX)
    assert "PP008" not in codes and "PP015" not in codes


def test_a_notice_with_a_number_and_no_date_is_still_reported(tmp_path):
    notice = "某市人民政府关于印发某市节能方案的通知\n某政发〔2025〕3号\n各区人民政府：\n现将《某市节能方案》印发给你们。\n某市人民政府\n"
    assert "PP008" in _codes(tmp_path, notice)


def test_a_reference_to_a_missing_attachment_is_still_reported(tmp_path):
    text = "某市节能方案\n一、工作目标\n（一）目标。各项目标见附件2。\n附件：1．目标分解表\n附件1\n目标分解表\n"
    assert "PP015" in _codes(tmp_path, text)


def test_attachment_list_items_that_start_with_a_number_stay_apart(tmp_path):
    p = tmp_path / "notice.txt"
    p.write_text("某省关于开展减排奖补工作的通知\n各地级以上市生态环境局：\n一、工作安排\n（一）核算。按附件报送。\n"
                 "附件：1．20年市企业NOx减排量核算表（范本）\n2．20年市企业VOCs减排量核算表（范本）\n"
                 "3．20年市减排量及奖补金额汇总表\n4．20年市减排量及奖补金额结算清单\n", encoding="utf-8")
    assert extract_file(p).meta.attachments == ["20年市企业NOx减排量核算表（范本）", "20年市企业VOCs减排量核算表（范本）",
                                                "20年市减排量及奖补金额汇总表", "20年市减排量及奖补金额结算清单"]
