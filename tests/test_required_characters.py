"""grammar.required_characters: a text without any of the characters it names matches none of the rules.

The time rules are searched in every sentence; the characters one of which every time expression holds
(`年`, `月`, `尽` …) rule most sentences out with one search of a character class. A wrong set would lose
time expressions, so the property is tested on generated patterns and texts, and on the bundled rules.
"""
from __future__ import annotations

import regex
from hypothesis import given, settings, strategies as st

from planparse.extraction.deadlines import _any_time_rule, _time_rules
from planparse.grammar import load_grammars, required_characters


class _P:
    def __init__(self, pattern: str):
        self.pattern = pattern


def required(*patterns: str):
    found = required_characters([_P(p) for p in patterns])
    return None if found is None else found.pattern


def test_what_every_match_holds():
    assert required(r"到(?:19|20)\d{2}年", "尽快|尽早") == "[到尽]"
    assert required(r"(?<![\d年])(?P<n>\d{1,2})\s*(?:年|个年度)(?:内|以内)(?!容)") == "[个年]"
    assert required("x(?=年)") == "[x]"  # what a look-ahead asks for is not in the match
    assert required(r"[\p{Han}A-Z]{2}达标") == "[达]"  # a Unicode property needs no particular character


def test_not_told():
    assert required(r"\d+") is None  # no particular character
    assert required("年", "a*") is None  # one rule that can match nothing holds the set up
    assert required("(?i)abc") is None  # case folded
    assert required(r"\X年") is None  # regex's own syntax
    assert required(r"\p{Han}") is None
    assert required("[[:alpha:]]x") is None  # a POSIX class: the standard library's parser reads a set and `]`
    assert required("(?:abc){e<=1}x") is None  # fuzzy matching
    assert required("[^年]") is None


_ALPHABET = "年月尽快到至2025ab（）x \n"
_atoms = st.sampled_from(["年", "月", "尽", "快", "到", "a", "b", "x", r"\d", r"\s", ".", "[年月]", "[ab]", "[^a]",
                          r"\d{2}", "（", "^", "$", "(?<=到)", "(?<!a)", "(?=年)", "(?!b)", r"\p{Han}", r"[\p{Han}a]",
                          r"\P{Han}"])


def _patterns():
    def extend(inner):
        return st.one_of(
            st.tuples(inner, inner).map("".join),
            st.tuples(inner, inner).map(lambda p: f"(?:{p[0]}|{p[1]})"),
            st.tuples(inner, st.sampled_from(["?", "*", "+", "{1,2}", "{0,3}", "+?"])).map(lambda p: f"(?:{p[0]}){p[1]}"),
            inner.map(lambda p: f"(?P<g>{p})"),
        )
    return st.recursive(_atoms, extend, max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(st.lists(_patterns(), min_size=1, max_size=3), st.lists(st.text(alphabet=_ALPHABET, max_size=12), max_size=8))
def test_a_text_without_them_matches_none(patterns, texts):
    found = required_characters([_P(p) for p in patterns])
    if found is None:
        return
    compiled = [regex.compile(p) for p in patterns]
    for text in texts:
        if found.search(text) is None:
            assert not any(p.search(text) for p in compiled), (patterns, text)


def test_the_time_rules_of_the_examples():
    """Every example of the bundled time rules (those that match and those that must not): where the
    set rules a text out, no time rule matches it."""
    g = load_grammars(None)
    for cell in (False, True):
        needed, _ = _any_time_rule(g)[cell]
        assert needed is not None  # the bundled rules are all told
        rules = _time_rules(g, cell)
        texts = [ex.input for rule in rules for ex in rule.examples]
        assert texts
        for text in texts:
            if needed.search(text) is None:
                assert not any(rule.compiled.search(text) for rule in rules), text
