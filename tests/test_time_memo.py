"""A sentence's time expressions are read once per text and grammar set, however many readers ask
(extraction/deadlines.find_time_expressions): each asks with its own list, and the document year,
a 完成时限 cell and the document's windows are part of the question."""
from planparse.extraction.deadlines import find_time_expressions
from planparse.grammar import load_grammars


def test_the_same_question_gets_the_same_answer_in_a_list_of_its_own():
    g = load_grammars(None)
    sentence = "到2025年底前，完成改造任务；2027年6月30日前全面建成。"
    first = find_time_expressions(sentence, g, 2024)
    assert [t.text for t in first] == ["到2025年底前", "2027年6月30日前"]
    first.clear()  # a reader's own list
    again = find_time_expressions(sentence, g, 2024)
    assert [(t.text, t.date) for t in again] == [("到2025年底前", "2025-12-31"), ("2027年6月30日前", "2027-06-30")]


def test_the_document_year_and_the_windows_are_part_of_the_question():
    g = load_grammars(None)
    assert find_time_expressions("年底前完成", g, 2023)[0].date == "2023-12-31"
    assert find_time_expressions("年底前完成", g, 2024)[0].date == "2024-12-31"
    assert find_time_expressions("3年内完成", g, 2024, windows={}) != find_time_expressions(
        "3年内完成", g, 2024, windows={3: ("2021-12-31", "2019-01-01", 2021)})


# Made-up sentences with and without times, in prose and in a 完成时限 cell.
SENTENCES = ["到2025年底前，完成改造任务；2027年6月30日前全面建成。", "加强组织领导，压实各方责任。", "2024年", "长期坚持",
             "每年3月底前报送上年度工作情况", "力争“十五五”期间基本建成", "尽快出台实施细则", "", "自2019年起3年内完成",
             "各区要于次年1月底前上报", "全年完成造林1万亩", "今年年内开工"]


def test_a_text_without_any_time_rule_match_is_answered_by_one_search(monkeypatch):
    """The characters every time expression needs one of, then the time rules joined into one pattern,
    say "none here" for most sentences; where they say so, no rule alone finds one either, and where they
    do not, each rule is asked as before."""
    from planparse.extraction import deadlines

    g = load_grammars(None)
    assert all(needed and joined for needed, joined in deadlines._any_time_rule(g).values())
    for cell in (False, True):
        for s in SENTENCES:
            needed, joined = deadlines._any_time_rule(g)[cell]
            each = any(r.compiled.search(s) for r in deadlines._time_rules(g, cell))
            assert (joined.search(s) is not None) == each, (cell, s)
            assert needed.search(s) is not None or not each, (cell, s)  # no character it needs: no rule matches
    with_search = {(c, s): deadlines._time_expressions(s, g, 2024, cell=c, windows=None) for c in (False, True) for s in SENTENCES}
    monkeypatch.setattr(deadlines, "_any_time_rule", lambda g: {False: (None, None), True: (None, None)})
    rule_by_rule = {(c, s): deadlines._time_expressions(s, g, 2024, cell=c, windows=None) for c in (False, True) for s in SENTENCES}
    assert with_search == rule_by_rule
    assert with_search[(False, "加强组织领导，压实各方责任。")] == []
    assert with_search[(True, "2024年")] and not with_search[(False, "长期坚持")]


def test_a_clauses_deadlines_are_read_sentence_by_sentence(monkeypatch):
    """deadlines_in reads the times of each sentence of a clause (the texts targets reads them in, so the
    second reader finds them read), with spans in the clause; a 完成时限 cell is read whole."""
    from planparse.extraction import deadlines

    g = load_grammars(None)
    clause = "加强组织领导。到2025年底前，完成改造任务！\n2027年6月30日前全面建成《2019-2020年行动方案》"
    deadlines._found_times(g).clear()  # what earlier tests read is not this test's
    asked: list[str] = []
    read = deadlines._time_expressions
    monkeypatch.setattr(deadlines, "_time_expressions", lambda text, *a, **kw: asked.append(text) or read(text, *a, **kw))
    found = deadlines.deadlines_in(clause, g, 2024, 100)
    assert [(d.text, d.date, clause[d.span[0] - 100:d.span[1] - 100]) for d in found] == [
        ("到2025年底前", "2025-12-31", "到2025年底前"), ("2027年6月30日前", "2027-06-30", "2027年6月30日前")]
    assert asked == ["加强组织领导。", "到2025年底前，完成改造任务！", clause.split("\n")[1]]
    asked.clear()
    deadlines.deadlines_in(clause, g, 2024, 100)
    assert asked == []  # read once
    cell = "2025年底前。2026年"
    assert [d.text for d in deadlines.deadlines_in(cell, g, 2024, 0, cell=True)] == ["2025年底前", "2026年"]
