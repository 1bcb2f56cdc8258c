"""Traditional script (machine-converted pages, Big5 files) and injected noise (pinyin, `???`),
on hand-written documents of those shapes (made-up wording)."""
from __future__ import annotations

from pathlib import Path

from planparse.pipeline import extract_file

TRADITIONAL = (
    "示範市人民政府關於印發示範市綠色出行行動方案的通知\n"
    "示府發〔2042〕6號\n"
    "各區人民政府，市政府各委、辦、局：\n"
    "現將《示範市綠色出行行動方案》印發給你們，請認真貫徹執行。\n"
    "示範市人民政府\n"
    "2042年3月4日\n"
    "示範市綠色出行行動方案\n"
    "一、總體要求\n"
    "堅持公交優先，推動綠色低碳出行方式成為市民首選，全面提升城市交通運行效率和服務水準。\n"
    "二、主要任務\n"
    "（一）優化公交線網。到2045年，中心城區綠色出行比例達到80%以上。（市交通運輸局負責）\n"
    "（二）完善慢行系統。建設連續成網的步行和自行車道，改善過街設施和停車條件。\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_traditional_text_is_read_with_the_same_rules_and_quoted_as_written(tmp_path):
    doc = extract_file(_write(tmp_path, "trad.txt", TRADITIONAL))
    assert [c.id for c in doc.clauses] == ["1", "2", "2.1", "2.2"]
    by_id = {c.id: c for c in doc.clauses}
    assert by_id["1"].heading == "總體要求"
    assert by_id["2.1"].heading == "優化公交線網"
    assert "綠色出行比例達到80%以上" in by_id["2.1"].text
    (target,) = by_id["2.1"].targets
    assert (target.value, target.unit, target.comparator, target.target_year) == (80, "%", ">=", 2045)
    assert "綠色出行比例" in target.text
    assert target.text in TRADITIONAL.replace("\n", "")
    (agencies,) = by_id["2.1"].agencies
    assert agencies.responsible == ["市交通運輸局"]
    m = doc.meta
    assert m.notice_title == "示範市人民政府關於印發示範市綠色出行行動方案的通知"
    assert m.title == "示範市綠色出行行動方案"
    assert m.doc_number == "示府發〔2042〕6號"
    assert m.issuer == ["示範市人民政府"] and m.issue_date == "2042-03-04"
    assert any(w.code == "traditional-script" for w in doc.warnings)


def test_clause_spans_point_at_the_original_characters(tmp_path):
    doc = extract_file(_write(tmp_path, "trad.txt", TRADITIONAL))
    for c in doc.clauses:
        assert c.text.startswith(c.heading.rstrip("。")) or c.heading in c.text or c.level == 1


def test_big5_text_file_decodes_and_reads_like_utf8(tmp_path):
    utf8 = extract_file(_write(tmp_path, "u.txt", TRADITIONAL))
    big5 = extract_file(_write(tmp_path, "b.txt", TRADITIONAL, "big5"))
    assert big5.source.encoding.startswith("big5")
    assert big5.meta == utf8.meta
    assert [(c.id, c.heading, c.text) for c in big5.clauses] == [(c.id, c.heading, c.text) for c in utf8.clauses]


def test_injected_pinyin_and_question_mark_junk_are_removed_with_a_warning(tmp_path):
    text = (
        "示範(fàn)市垃圾分類工作方案\n"
        "一(yī / yì)、總(zǒng)體要(yào)求\n"
        "推進垃圾分類??????工作，提高資源化利用水準。\n"
        "二、工作目標\n"
        "到2043年，生活垃圾回收利用率達到35%以上。\n"
    )
    doc = extract_file(_write(tmp_path, "noise.txt", text))
    assert [c.id for c in doc.clauses] == ["1", "2"]
    assert doc.clauses[0].heading == "總體要求"
    assert "?" not in doc.clauses[0].text and "yào" not in doc.clauses[0].text
    assert doc.meta.title == "示範市垃圾分類工作方案"
    codes = [w.code for w in doc.warnings]
    assert "noise-removed" in codes
    (target,) = doc.clauses[1].targets
    assert target.value == 35 and target.target_year == 2043


def test_a_simplified_text_with_a_stray_foldable_character_is_not_folded(tmp_path):
    # 著 (显著) is a character OpenCC's t2s table would still fold: one of them is no traditional text.
    doc = extract_file(_write(tmp_path, "s.txt", "示范方案\n一、工作目标\n成效显著提升，到2044年覆盖率达到90%。\n"))
    assert not any(w.code == "traditional-script" for w in doc.warnings)
    assert "显著" in doc.clauses[0].text


def test_table_cells_of_a_traditional_text_are_quoted_as_written(tmp_path):
    text = ("示範縣節水行動方案\n\n一、主要目標\n到2046年，主要指標如下：\n序號\n指標\n2046年目標值\n屬性\n"
            "1\n萬元產值用水量（立方米）\n≤12\n約束性\n2\n節水型單位覆蓋率（%）\n≥60\n預期性\n二、保障措施\n加強組織領導。\n")
    doc = extract_file(_write(tmp_path, "trad_table.txt", text))
    (table,) = doc.tables
    assert table.header == ["序號", "指標", "2046年目標值", "屬性"]
    assert table.rows[0][1] == "萬元產值用水量（立方米）" and table.rows[1][3] == "預期性"
    assert [(t.metric, t.value, t.comparator) for t in doc.targets if t.table_index == 0] == [
        ("萬元產值用水量", 12, "<="), ("節水型單位覆蓋率", 60, ">=")]


def test_the_characters_that_fold_are_found_alike_in_a_short_and_a_long_text(monkeypatch):
    # A process's first text, when short, puts its characters in a set; a long one, or any after the first,
    # is searched with one class of every character that folds: the same table either way.
    from planparse import script

    long_text = (TRADITIONAL + "顯示，乾淨。") * 40
    monkeypatch.setattr(script, "_CLASS_FROM_CHARS", len(long_text))
    script._foldable_class.cache_clear()
    by_set = []
    for t in (TRADITIONAL, TRADITIONAL[:40], "显著提高", long_text):
        monkeypatch.setattr(script, "_texts_seen", [0])  # each the process's first text
        by_set.append(script.fold_table(t))
        assert script._foldable_class.cache_info().currsize == (t is long_text)  # no short first text built the class
    by_class = [script.fold_table(t) for t in (TRADITIONAL, TRADITIONAL[:40], "显著提高", long_text)]
    assert script._texts_seen[0] == 5 and script._foldable_class.cache_info().currsize == 1
    assert by_class == by_set
    assert by_set[0][ord("範")] == "范" and by_set[0][ord("關")] == "关"
    assert by_set[2] == {} and by_set[3] == by_set[0] | {ord("顯"): "显", ord("乾"): "干", ord("淨"): "净"}
