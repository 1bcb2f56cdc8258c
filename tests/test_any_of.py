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


def test_branches_of_the_outermost_alternation_only():
    from planparse.grammar.schema import top_level_branches

    assert top_level_branches(r"a[|\]]b|(c|d)|\|e|[]|]x|^y") == [r"a[|\]]b", "(c|d)", r"\|e", "[]|]x", "^y"]
    assert top_level_branches(r"^(?:的通知|的函)$") == [r"^(?:的通知|的函)$"]
    assert top_level_branches("a|") == ["a", ""]
    # a POSIX class inside a set is not followed: the pattern stays whole
    assert top_level_branches("[[:digit:]|]x|y") == ["[[:digit:]|]x|y"]


# Rule patterns as break_after's are: branches anchored at the start of the line, others tied to its end,
# in one pattern and apart, and a pattern whose only branch may match anywhere.
SEARCHED = [Pattern(pattern=p) for p in (r"(?:的通知|的函)$", r"^\p{Han}{1,4}〔\d{4}〕\d+号$|(?:指导|实施)意见$|^——.{2,20}上$",
                                         r"^专栏\s*\d", r"(?<=\p{Han})\?\p{Han}", r"^a|b^|c")]
SEARCHED_LINES = ["关于印发方案的通知", "通知的函件", "示府发〔2031〕8号", "前言示府发〔2031〕8号", "关于加快发展的指导意见",
                  "——在会议上", "说——在会议上", "专栏 3 重点工程", "见专栏3", "中?文", "?文", "abc", "xa", "xb^", "xc",
                  "", "a"]


def test_a_searched_rule_list_answers_as_its_patterns_do():
    from planparse.grammar.schema import RuleList

    rules = RuleList(SEARCHED)
    assert rules.joined is not None
    for line in SEARCHED_LINES:
        assert rules.search(line) == any(p.compiled.search(line) is not None for p in SEARCHED), line


def test_look_aheads_and_atomic_groups_join():
    """A look-ahead or an atomic group is local to its branch: such rules join (the validity rules have
    one), and the joined pattern answers as they do."""
    rules = RULES + [Pattern(pattern=p) for p in (r"本(?=办法)\p{Han}{2}自\p{Han}+起施行", r"(?>第\s*\d+)章", r"年(?!度)")]
    joined = any_of(rules)
    assert joined is not None
    for line in LINES + ["本办法自发布之日起施行", "本规定自发布之日起施行", "第 3 章", "第3节", "2025年", "年度计划"]:
        for method in ("match", "fullmatch", "search"):
            expected = any(getattr(r.compiled, method)(line) for r in rules)
            assert (getattr(joined, method)(line) is not None) == expected, (method, line)


# Rule patterns a line is matched whole against, with branches that only ask the line to hold something
# (`.*X.*`, as layout.toml's copyright line), one lazy, one with an escaped dot at its end (a run of dots,
# not "anything"), one whose hold is anchored, and a branch asked as written.
WHOLE = [Pattern(pattern=p) for p in (r".*(?:ICP备|版权所有\s*[:：©]).*", r"第\s*\d{1,4}\s*页|.*?公网安备.*",
                                      r"目录.*\.*", r".*^首页.*", r".*(?<=\p{Han})版权$.*", r".*+x.*")]
WHOLE_LINES = ["京ICP备05070218号", "ICP备", "版权所有：某某", "版权所有 x", "第 3 页", "第3页之后", "京公网安备1101", "目录……",
               "目录...", "目录.", "见目录...", "首页 > 通知", "回首页", "本站版权", "版权所有", "版权s", "", "x", "ax",
               "京ICP备\n05070218号", "第 3 页\n", "a\n版权所有：", "首页\n"]


def test_a_rule_list_matched_whole_answers_as_its_patterns_do():
    from planparse.grammar.schema import RuleList, _held_core

    assert [_held_core(b) for b in (".*X.*", ".*?X.*", ".*+X.*", r"目录.*\.*", r".*X\.*", r".*X\\.*", ".*", "X")] == \
        ["X", None, None, None, None, "X\\\\", None, None]
    rules = RuleList(WHOLE)
    assert rules.joined is not None
    for line in WHOLE_LINES:
        assert rules.fullmatch(line) == any(p.compiled.fullmatch(line) is not None for p in WHOLE), line
    assert rules._fullmatch.held is not None and rules._fullmatch.rest is not None  # asked in two parts


# Patterns that open at a sentence's start, as agencies.toml's subject rule does: found after each of the
# characters only, with what finditer gives (overlapping starts, a match that runs over the next mark, an
# empty match, a look-behind inside, a flag that makes `^` match after a line break: asked as written).
OPENING = [r"(?:^|(?<=[。；\n]))(?P<name>\p{Han}{0,4}?(?:局|委))(?:要|负责)", r"(?:^|(?<=[。]))[^。]*?。",
           r"(?:^|(?<=[。]))a*", r"(?:^|(?<=[。\n]))(?<=。)b", r"(?m)(?:^|(?<=[。]))c", r"(?:^|(?<=[\]x]))d"]
OPENING_TEXTS = ["市发改委要加强。市生态环境局负责；区科委负责\n县局要", "甲。乙。。丙", "aa。a。b", "。b。\nb", "c\nc。c", "]dxd d",
                 "", "。", "局要"]


def test_a_pattern_opening_at_a_sentence_start_finds_what_finditer_finds():
    from planparse.grammar.schema import _StartsAfter, compile_pattern, finder

    kinds = [type(finder(p)) is _StartsAfter for p in OPENING]
    assert kinds == [True, True, True, True, False, True]
    for pattern in OPENING:
        found, whole = finder(pattern), compile_pattern(pattern)
        for text in OPENING_TEXTS:
            assert [(m.span(), m.groups()) for m in found.finditer(text)] == \
                [(m.span(), m.groups()) for m in whole.finditer(text)], (pattern, text)
