"""A rule list asked "does any of these match" as one pattern (grammar.any_of) answers as the list does,
and is not built from patterns whose meaning would change inside an alternation."""
import pytest

from planparse.grammar import Pattern, any_of

RULES = [Pattern(pattern=p) for p in (r"^[一二三四五六七八九十]{1,3}、", r"^[（(]\d{1,3}[）)]", r"第\s*\d{1,4}\s*页",
                                      r"[—–\-]\s*\d{1,4}\s*[—–\-]", r"(?<=\p{Han})附件\d?$", r"(?i:page)\s*\d+")]
LINES = ["一、总体要求", "（3）加强监管", "(12) 强化", "第 3 页", "— 11 —", "- 3 -", "详见附件2", "附件2", "PAGE 4",
         "Page4 of 9", "十一、保障", "二十一二、", "正文第3页之后", "", "3、不是", "见第 12 页。"]


@pytest.mark.parametrize("method", ["match", "fullmatch", "search"])
def test_one_pattern_answers_as_the_list_does(method):
    joined = any_of(RULES)
    assert joined is not None
    for line in LINES:
        expected = any(getattr(r.compiled, method)(line) for r in RULES)
        assert (getattr(joined, method)(line) is not None) == expected, (method, line)


@pytest.mark.parametrize("pattern", [r"(?i)page\s*\d+", r"(\d)\s*\1", r"(?P<n>\d)(?P=n)", r"(a(?R)?b)", r"(?x) a b"])
def test_a_pattern_that_would_change_meaning_in_an_alternation_is_not_joined(pattern):
    assert any_of(RULES + [Pattern(pattern=pattern)]) is None


def test_no_rules_no_pattern():
    assert any_of([]) is None
