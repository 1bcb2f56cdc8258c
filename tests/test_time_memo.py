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
