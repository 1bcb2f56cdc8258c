"""Normalisation of PDF-extracted text: line re-joining, spaces, widths, markup, furniture, pages."""
from planparse.grammar import load_grammars
from planparse.ingest.base import RawDocument, RawPage
from planparse.normalise import normalise

G = load_grammars(None)


def norm(lines, pages=None, paragraphs=False):
    if pages is None:
        raw_pages = [RawPage(number=None, lines=lines)]
    else:
        raw_pages = [RawPage(number=i + 1, lines=p) for i, p in enumerate(pages)]
    return normalise(RawDocument(path="x", format="txt", sha256="", pages=raw_pages, lines_are_paragraphs=paragraphs), G)


def test_broken_sentence_lines_are_rejoined():
    nt = norm([
        "一、总体要求", "",
        "以习近平新时代中国特色社会主义思想为指导，深入贯彻习近平生态文", "",
        "明思想，认真贯彻习近平总书记对江苏工作重要讲话重要指示精神。", "",
        "二、优化产业结构",
    ])
    assert nt.text.split("\n") == [
        "一、总体要求",
        "以习近平新时代中国特色社会主义思想为指导，深入贯彻习近平生态文明思想，认真贯彻习近平总书记对江苏工作重要讲话重要指示精神。",
        "二、优化产业结构",
    ]


def test_a_heading_is_not_joined_to_the_body_after_it():
    nt = norm(["十、严格落实各方责任，推进全民共建共享", "有关部门强化协作，落实任务分工，建立健全信息交流和数据共享机制，出台政策时统筹考虑空气质量持续改善需求。"])
    assert nt.text.split("\n")[0] == "十、严格落实各方责任，推进全民共建共享"


def test_a_title_shorter_than_the_next_line_ends_its_paragraph():
    nt = norm(["空气质量持续改善行动计划", "为持续深入打好蓝天保卫战，切实保障人民群众身体健康，以空气质量持续改善推动经济高质量发展，制定本行动计划。"])
    assert nt.text.split("\n")[0] == "空气质量持续改善行动计划"


def test_spaces_between_cjk_and_digits_go():
    nt = norm(["到 2025年，全市 PM2.5 平均浓度 27 微克/立方米左右，鼓励汽车 4S 店和 VOCs 治理。"])
    assert nt.text == "到2025年，全市PM2.5平均浓度27微克/立方米左右，鼓励汽车4S店和VOCs治理。"


def test_full_width_ascii_is_folded_but_chinese_punctuation_stays():
    nt = norm(["全省ＰＭ２．５浓度下降１０％，（一）“嗅辨＋监测”；１．５万吨。"])
    assert nt.text == "全省PM2.5浓度下降10%，（一）“嗅辨+监测”；1.5万吨。"


def test_leaked_markup_is_removed():
    nt = norm(["比例达到**80%**以上，<p>区住建局牵头。</p>以降低PM_{2.5}浓度、PM<sub>2.5</sub>为主线。"])
    assert nt.text == "比例达到80%以上，区住建局牵头。以降低PM2.5浓度、PM2.5为主线。"


def test_page_furniture_is_dropped_and_pages_are_mapped():
    nt = norm(None, pages=[
        ["一、总体要求", "第一页的正文内容，到2025年全省空气质量持续改善。", "— 1 —"],
        ["- 2 -", "二、优化产业结构", "第二页的正文。", "第 2 页 共 3 页"],
        ["三、优化能源结构", "第三页的正文。", "—3—"],
    ])
    assert "—" not in nt.text and "页" not in nt.text.replace("第一页", "").replace("第二页", "").replace("第三页", "")
    assert nt.page_at(nt.text.index("二、")) == 2
    assert nt.page_at(nt.text.index("第三页")) == 3
    assert nt.page_at(0) == 1


def test_paragraph_formats_are_not_rejoined():
    nt = norm(["（一）指导思想", "以习近平新时代中国特色社会主义思想为指导"], paragraphs=True)
    assert nt.text.split("\n") == ["（一）指导思想", "以习近平新时代中国特色社会主义思想为指导"]


def test_marker_line_after_a_sentence_starts_a_paragraph():
    nt = norm(["建设连云港国家级现代化石化基地。（省发展改革委牵头）", "2、推进重点行业转型升级。"])
    assert nt.text.split("\n")[1].startswith("2、推进")


def test_number_at_line_start_inside_a_sentence_is_joined():
    nt = norm(["对现有炼焦企业实施关停、搬迁、改造、提升，整合成综合性炼焦企业，数量为", "2家，压减50%的炼焦产能。"])
    assert "数量为2家" in nt.text


def test_table_lines_keep_their_tabs_and_source_lines_keep_blanks():
    nt = norm(["附件1", "\t城市", "\tPM2.5浓度", "", "\t南京", "\t39"])
    assert "\t城市" in nt.text
    assert [s.text for s in nt.source_lines] == ["附件1", "\t城市", "\tPM2.5浓度", "", "\t南京", "\t39"]


def test_paragraphs_are_split_once_per_text_and_a_range_of_them_is_found_by_offset():
    from planparse.normalise import NormalText

    nt = NormalText("一、总体要求\n到2025年完成。\n\n二、重点任务\n抄送：市委")
    assert nt.paragraphs is nt.paragraphs  # one list however often a stage asks
    assert nt.paragraphs_between(0, len(nt.text)) == [(7, "到2025年完成。"), (17, ""), (18, "二、重点任务"), (25, "抄送：市委")]
    assert nt.paragraphs_between(7, 25) == [(17, ""), (18, "二、重点任务")]
    nt.text = "甲\n乙"  # a new text is split anew
    assert nt.paragraphs == [(0, "甲"), (2, "乙")]


def test_a_line_with_nothing_to_fold_squeeze_or_strip_is_kept_as_it_is():
    # Most lines hold no full-width ASCII, no space and no markup: one question each, and the line stays.
    # Composed (NFC) before folding, an ideographic space is a space, and spaces are squeezed as before.
    nt = norm(["（一）强化统筹调度，建立专班。", "Cafe\u0301 ＰＭ２．５  浓度", "\u3000\u3000全面落实。", "**加粗**"],
              paragraphs=True)
    assert nt.text.split("\n") == ["（一）强化统筹调度，建立专班。", "Café PM2.5浓度", "全面落实。", "加粗"]
