"""Quantified targets: a number with a unit that a sentence sets as a goal, with its attributes.

The sentence (to `。`) is the unit of meaning: its time expression sets the target year; its
comma-clauses (split on `，；：`) each hold a subject, a predicate and the numbers they govern.
"""
from __future__ import annotations

import bisect
import functools

from dataclasses import dataclass

import regex as re

from ..grammar import Grammars, could_match, guarded, per_grammar_set, required_characters
from ..grammar.check import EXAMPLE_DOC_YEAR, example_runner
from ..models import Target
from ..regions import leading_regions
from ..words import cut, ends_with_verb, is_word, spanning_word, splits_a_word, starts_with_verb
from ..text import SENTENCE, SpanSet, split_top_level
from .deadlines import TimeExpr, Windows, find_time_expressions, is_past
from ..numerals import chinese_number

_CLAUSE_SEP = "，；：,;:"
_NUM = re.compile(r"(?<![\d.])(?P<v1>\d+(?:\.\d+)?)(?:\s*(?P<rsep>[-~～—–－〜至到])\s*(?P<v2>\d+(?:\.\d+)?))?")


@dataclass
class Candidate:
    start: int  # in the sentence
    end: int  # end of number + unit + qualifier
    value: float
    value_max: float | None
    unit: str | None
    unit_kind: str
    comparator: str | None
    direction: str | None = None
    doubling: bool = False
    counted: str | None = None  # the counted thing written after a count (`打造8个特色园区` → 特色园区)
    needs_goal_context: bool = False  # a count after a verb: a goal only with a comparator, range or year


def _words_alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or r"(?!)"


class _Compiled:
    """Regexes built once per grammar set from the word lists."""

    def __init__(self, g: Grammars):
        tr = g.targets
        self.clause_max_chars = tr.clause_max_chars
        self.cmp_after = [(re.compile(r"^\s*(?:" + _words_alt(w.words) + ")"), w.value) for w in tr.comparator_after]
        # One alternation, longest word first, so that 不高于 is never read as 高于.
        self.cmp_before_value = {word: w.value for w in tr.comparator_before for word in w.words}
        self.cmp_before_rx = re.compile("(?:" + _words_alt(list(self.cmp_before_value)) + ")")
        self.cmp_before = [(self.cmp_before_rx, None)]
        self.directions = [(re.compile("(?:" + _words_alt(w.words) + ")"), w.value) for w in tr.direction]
        self.level_suffix = re.compile(r"^\s*(?:" + _words_alt(tr.level_suffix) + ")")
        self.doubling = [(re.compile(_words_alt(w.words)), float(w.value)) for w in tr.doubling]
        self.aspiration = re.compile(_words_alt(tr.aspiration))
        self.opens_with_aspiration = re.compile(r"^\s*(?:" + self.aspiration.pattern + ")")
        self.distribute = re.compile(_words_alt(tr.distribute))
        self.joiner = re.compile(r"^\s*(?:" + _words_alt(tr.value_joiners) + r")\s*$")
        self.count_verbs = re.compile(_words_alt(tr.count_verbs))
        self.predicates = re.compile(
            _words_alt(tr.predicates + [w for c in tr.comparator_before for w in c.words] + [w for d in tr.direction for w in d.words])
        )
        self.subject_starters = re.compile(r"^\s*(?:" + _words_alt(tr.subject_starters) + ")")
        self.unit_after = re.compile(r"^\s*(?:" + g.units.regex.pattern + ")")
        self.unit_at = re.compile(r"(?:" + g.units.regex.pattern + ")")  # .match(s, pos): a unit right at pos
        self.han_after = re.compile(r"^\s*(?:的)?\p{Han}")
        self.bare_magnitude = re.compile(r"^\s*(?:" + _words_alt(g.units.magnitudes) + r")(?=\p{Han})")
        self.level_verb_end = re.compile(r"(?:" + _words_alt(tr.level_verbs) + r")\s*$")
        self.count_verb_end = re.compile(r"(?:" + _words_alt(tr.count_verbs) + r")\s*(?:" + _words_alt(
            [w for c in tr.comparator_before for w in c.words]) + r")?\s*$")
        self.metric_end = re.compile("(?:" + _words_alt(tr.metric_end_words) + ")")
        self.subject_split = re.compile(r"[、和及与]")
        # the characters a Chinese numeral or percentage holds one of (most sentences hold none)
        self.chinese_number_needed = required_characters([tr.chinese_number])
        self.chinese_percent_needed = required_characters([tr.chinese_percent]) if tr.chinese_percent else None
        # each qualitative goal rule with the characters every match of it holds one of (`达` of `…达标`)
        self.qualitative = guarded(tr.qualitative)


_compiled = per_grammar_set(_Compiled)


@functools.lru_cache(maxsize=16)
def _nesting(s: str) -> tuple[list[int], list[int]]:
    """Per offset of `s`: the bracket depth, and the 《 or “ not yet closed by 》 or ” — computed once per
    sentence, not once per number in it (a sentence of thousands of numbers was quadratic)."""
    depth, quotes = [0], [0]
    d = q = done = 0
    # only a bracket or a quote mark changes them: the runs between are filled a run at a time
    for m in _NESTING_MARK.finditer(s):
        i = m.start()
        if i > done:
            depth += [d] * (i - done)
            quotes += [q] * (i - done)
        ch = s[i]
        if ch in "（(":
            d += 1
        elif ch in "）)":
            d -= 1 if d else 0
        elif ch in "《“":
            q += 1
        elif q:  # 》 ”
            q -= 1
        depth.append(d)
        quotes.append(q)
        done = i + 1
    if len(s) > done:
        depth += [d] * (len(s) - done)
        quotes += [q] * (len(s) - done)
    return depth, quotes


_NESTING_MARK = re.compile("[（()）《“》”]")


def _paren_depth(s: str, pos: int) -> int:
    return _nesting(s)[0][pos]


def _in_quotes(s: str, pos: int) -> bool:
    """Inside 《title》 or “name” (`“四位一体”`, `“3+1”布局`): a name, not a quantity."""
    return _nesting(s)[1][pos] > 0


def _clause_start(sentence: str, pos: int, max_chars: int) -> int:
    """Where the clause (the text since the last comma) of the value at `pos` starts, at most max_chars
    (targets.toml clause_max_chars) back: a sentence of thousands without a comma is no prose to read."""
    lo = max(0, pos - max_chars)
    return max([lo] + [sentence.rfind(sep, lo, pos) + 1 for sep in _CLAUSE_SEP])


def _qualifier_after(tail: str, cc: _Compiled) -> tuple[str | None, str]:
    """(comparator, rest) for a qualifier right after a value: `以上` → >=, `以内` → <=, `左右` → ~."""
    for rx, val in cc.cmp_after:
        m = rx.match(tail)
        if m:
            return val, tail[m.end():]
    return None, tail


def find_candidates(sentence: str, g: Grammars, times: list[TimeExpr], claimed: SpanSet | None = None) -> list[Candidate]:
    """Numbers of the sentence that may be goals; none inside a time expression or a span `claimed` by another
    reader (a policy instrument, a validity clause), in sentence offsets."""
    cc = _compiled(g)
    tr = g.targets
    out: list[Candidate] = []
    times_taken = SpanSet((t.start, t.end) for t in times)

    def covered(s: int, e: int) -> bool:
        return times_taken.overlaps(s, e) or (claimed is not None and claimed.overlaps(s, e))

    for m in _NUM.finditer(sentence):
        s, e = m.span()
        if covered(s, e) or _paren_depth(sentence, s) or _in_quotes(sentence, s):
            continue
        if _scope_or_condition(sentence, s, None, tr, cc):
            continue
        rest = sentence[e:]
        um = cc.unit_after.match(rest) or _bare_magnitude_count(sentence, s, rest, cc)
        unit, kind = None, "measure"
        if um:
            unit, kind = g.units.describe(um.group(0).strip())
            rest_after_unit = rest[um.end():]
            if _unit_splits_a_word(sentence[: e + um.end()], rest_after_unit, g):
                continue  # `6部门`: the measure word is the start of a word
        else:
            rest_after_unit = rest
        if _scope_or_condition(sentence, s, rest_after_unit, tr, cc):
            continue
        comparator, tail = _qualifier_after(rest_after_unit, cc)
        end = len(sentence) - len(tail)
        clause_before = sentence[_clause_start(sentence, s, cc.clause_max_chars):s]
        if unit is None:
            # A bare ratio (`产能比控制在0.4左右`) needs a predicate before and a qualifier after, or is
            # a range (`容积率控制在0.6—0.8`).
            if not cc.predicates.search(clause_before) or (comparator is None and not m.group("v2")):
                continue
            unit = ""
        goal = _governed(sentence, s, tail, kind, comparator, clause_before, out, cc, g)
        if goal is None:
            continue
        counted, needs_context = goal
        v1 = float(m.group("v1"))
        v2 = float(m.group("v2")) if m.group("v2") else None
        if v2 is not None and v2 <= v1:
            continue
        out.append(Candidate(s, end, v1, v2, unit, kind, None if v2 is not None else comparator,
                             counted=counted, needs_goal_context=needs_context))

    for rx, val in cc.doubling:
        for m in rx.finditer(sentence):
            if _paren_depth(sentence, m.start()):
                continue
            out.append(Candidate(m.start(), m.end(), val, None, "倍", "ratio", "=", direction="increase", doubling=True))

    found = SpanSet((c.start, c.end) for c in out)
    numerals = could_match(cc.chinese_number_needed, sentence)
    for m in tr.chinese_number.compiled.finditer(sentence) if numerals else ():
        # The shortest numeral before a unit (`一万辆` = 1 万辆, `百项` = 100 项); `一个`, `一批` are articles.
        if covered(*m.span()) or _paren_depth(sentence, m.start()) or _in_quotes(sentence, m.start()) or found.overlaps(*m.span()):
            continue
        written_num = m.group("num")
        if m.group("unit"):
            num_text, n_end, unit_written = written_num, m.end(), m.group("unit")
        else:
            um = None
            # From k = 0: a unit that starts with the magnitude (`亿元` in `超亿元`) is read whole, 1 亿元.
            for k in range(0, len(written_num) + 1):
                um = cc.unit_at.match(sentence, m.start() + k)
                if um and (k or um.group(0)[:1] in (tr.implied_one.before if tr.implied_one else [])):
                    break
                um = None
            if um is None:
                continue
            num_text, n_end, unit_written = written_num[:um.start() - m.start()], um.end(), um.group(0).strip()
        if num_text in tr.indefinite_numerals and unit_written in g.units.measure_words:
            continue
        if _unit_splits_a_word(sentence[:n_end], sentence[n_end:], g):
            continue
        io = tr.implied_one
        if not num_text and io:
            num_text = io.one
        try:
            n = float(chinese_number(io.one + num_text if io and num_text[:1] in io.before else num_text, "smart"))
        except (ValueError, KeyError, TypeError):
            continue
        if unit_written == "成":
            unit, kind = "%", "percent"
            n *= 10
        else:
            unit, kind = g.units.describe(unit_written)
        if _scope_or_condition(sentence, m.start(), None, tr, cc) or _scope_or_condition(sentence, m.start(), sentence[n_end:], tr, cc):
            continue  # `居前三位` is a rank, `三年` a span of time
        clause_before = sentence[_clause_start(sentence, m.start(), cc.clause_max_chars):m.start()]
        comparator, tail = _qualifier_after(sentence[n_end:], cc)
        goal = _governed(sentence, m.start(), tail, kind, comparator, clause_before, out, cc, g, bare_percent=False)
        if goal is None:
            continue
        counted, needs_context = goal
        out.append(Candidate(m.start(), len(sentence) - len(tail), n, None, unit, kind, comparator, counted=counted,
                             needs_goal_context=needs_context))
        found.add(out[-1].start, out[-1].end)
    if tr.chinese_percent is not None and could_match(cc.chinese_percent_needed, sentence):
        for m in tr.chinese_percent.compiled.finditer(sentence):
            if covered(*m.span()) or _paren_depth(sentence, m.start()):
                continue
            if _scope_or_condition(sentence, m.start(), None, tr, cc) or _scope_or_condition(sentence, m.start(), sentence[m.end():], tr, cc):
                continue  # `未达到百分之二十的，`: a condition of a rule
            try:
                n = float(chinese_number(m.group("num"), "smart"))
            except (ValueError, KeyError, TypeError):
                continue
            comparator, tail = _qualifier_after(sentence[m.end():], cc)
            out.append(Candidate(m.start(), len(sentence) - len(tail), n, None, "%", "percent", comparator))
    out.sort(key=lambda c: c.start)
    return out


def _bare_magnitude_count(sentence: str, s: int, rest: str, cc: _Compiled):
    """`促进12万城镇就业困难人员就业`: a magnitude straight before the counted noun, after a count verb, is
    the unit of a count (12 万)."""
    m = cc.bare_magnitude.match(rest)
    if m and cc.count_verb_end.search(sentence[_clause_start(sentence, s, cc.clause_max_chars):s]):
        return m
    return None


def _scope_or_condition(sentence: str, s: int, after_unit: str | None, tr, cc: _Compiled) -> bool:
    """The number at `s` is a scope, a rank or a class boundary (`半径30公里`, `前三位`, `35蒸吨/小时及以下
    燃煤锅炉`), not a goal: judged on the text before it (after_unit None) or on the text after its unit."""
    if after_unit is None:
        before = sentence[max(0, s - tr.not_target_before_window):s]
        return any(p.compiled.search(before) for p in tr.not_target_before)
    if any(p.compiled.match(after_unit) for p in tr.not_target_after):
        # A class boundary, unless a level verb sets it (控制在…及以下).
        return not cc.level_verb_end.search(sentence[_clause_start(sentence, s, cc.clause_max_chars):s])
    return False


def _governed(sentence: str, s: int, tail: str, kind: str, comparator: str | None, clause_before: str,
              out: list[Candidate], cc: _Compiled, g: Grammars, *, bare_percent: bool = True) -> tuple[str | None, bool] | None:
    """(counted thing, needs a goal's context) when a predicate governs the quantity at `s`, else None.

    A quantity followed by a noun is a scope or a class (`15个重点行业`, `3吨以下叉车`, `超亿元企业`) unless
    a goal verb governs it (`培育3家以上…企业`, `压减50%的炼焦产能`): then the noun is the counted thing.
    A verb the grammar does not list (jieba's tags) makes it a goal only in a goal's context: a
    comparator, a range or a target year."""
    counted, needs_context = None, False
    if cc.han_after.match(tail):
        if kind in ("count", "measure"):
            counted = _counted_thing(tail, cc.clause_max_chars)
        listed = bool(out) and out[-1].start >= _clause_start(sentence, s, cc.clause_max_chars) and cc.joiner.match(sentence[out[-1].end:s][-1:] or " ")
        if listed and counted and out[-1].counted and "的" in counted and "的" not in out[-1].counted:
            head, _, rest = counted.rpartition("的")
            if len(rest) <= 4 and len(head) >= 2:
                # `50发火箭、600颗卫星的能力`: a short noun after 的 is what the verb makes of the list (能力),
                # not the counted thing; a long one is (`20家具有核心竞争力的专精特新企业`).
                counted = head
        # An amount (not a count) before a noun is the noun's attribute (`超亿元企业`) unless its verb stands
        # right before it: `培育年营收超亿元企业30家` counts 企业, it does not set 亿元.
        verb = cc.count_verbs.search(clause_before) if kind != "measure" else cc.count_verb_end.search(clause_before)
        if kind == "measure" and comparator and tail.lstrip().startswith("的") and not cc.level_verb_end.search(clause_before):
            return None  # `实施亿元以上的项目`: a class of projects, not an amount to reach
        if kind != "percent" and not verb and not cc.level_verb_end.search(clause_before):
            if listed and out[-1].counted:
                needs_context = out[-1].needs_goal_context  # `50发火箭、600颗卫星`: one verb for the list
            elif kind != "count" or not ends_with_verb(clause_before, g):
                return None
            else:
                needs_context = True
    elif cc.predicates.search(clause_before) or cc.count_verbs.search(clause_before) or (comparator and bare_percent):
        pass
    elif kind in ("count", "measure") and _verb_object(clause_before, g):
        # `引进海外高层次人才200名`, `整合退出地炼产能740万吨`: the amount closes a verb's object
        needs_context = True
    elif kind != "percent" or not bare_percent:
        # A numeral in characters is a goal's number only with a predicate (`三成` can be a word of its own).
        if kind != "count" or not ends_with_verb(clause_before, g):
            return None
    return counted, needs_context


def strip_from_metric(text: str, g: Grammars) -> str:
    """`text` without the words `strip_from_metric` takes off its ends, in whatever order they stand
    (`确保全年整合退出…`: the aspiration, then the time): the rules are applied until none takes more."""
    while True:
        before = text
        for p in g.targets.strip_from_metric:
            text = p.compiled.sub("", text).strip()
        if text == before:
            return text


def _verb_object(clause: str, g: Grammars) -> bool:
    """A comma-clause that opens with a verb, after its time, scope and aspiration words."""
    clause = strip_from_metric(clause, g)
    sm = g.targets.scope_pattern.compiled.match(clause)
    return starts_with_verb(clause[sm.end():] if sm else clause, g)


def _inside_word(text: str, a: int, b: int, g: Grammars) -> bool:
    """The match text[a:b] runs on into a longer word (jieba's segmentation): `增加` in `增加值`. Only its end
    is judged: jieba also glues a noun to the verb after it (`比例控制|在`), which leaves 控制在 a predicate."""
    return splits_a_word(text[:b], text[b:], g)


def _after_leading_times(sentence: str, start: int, end: int, times: list[TimeExpr]) -> str:
    """sentence[start:end] without the time expressions it opens with (`3年内新增…企业` → `新增…企业`):
    a time is when, never what."""
    for t in times:
        if start <= t.start < end and not sentence[start:t.start].strip(" ，,、"):
            start = min(t.end, end)
    return sentence[start:end]


def _unit_splits_a_word(upto_unit: str, after: str, g: Grammars) -> bool:
    """A one-character measure word that jieba reads as the start of a longer word (`部` in `部门`); not
    when the rest of that word is a noun of its own (`颗卫星` is 颗 + 卫星)."""
    if not upto_unit or not after or upto_unit[-1] not in g.units.measure_words:
        return False
    word = spanning_word(upto_unit[-1:], after, g)
    return word is not None and not (len(word) >= 3 and is_word(word[1:], g))


def _counted_thing(tail: str, max_chars: int) -> str | None:
    """The noun phrase after a count, to the end of its comma-clause (outside brackets: `县（市、区）`): what
    is counted."""
    parts = split_top_level(tail[:max_chars], "，,；;。：:、")
    return (parts[0].removeprefix("的") if parts else "") or None


def _groups(sentence: str, cands: list[Candidate], cc: _Compiled) -> list[list[Candidate]]:
    """Values listed together (`26%、25%、22%`, `12%和10%左右`) share one predicate."""
    groups: list[list[Candidate]] = []
    for c in cands:
        if groups and cc.joiner.match(sentence[groups[-1][-1].end : c.start]) and not c.doubling:
            between = sentence[groups[-1][-1].end : c.start]
            if "，" not in between or cc.distribute.search(sentence[_clause_start(sentence, groups[-1][0].start, cc.clause_max_chars): groups[-1][0].start]):
                groups[-1].append(c)
                continue
        groups.append([c])
    return groups


def _metric_and_scope(prefix: str, g: Grammars, cc: _Compiled) -> tuple[str | None, str | None]:
    s = strip_from_metric(prefix, g)
    base = g.targets.baseline.compiled.search(s)
    cut = len(s)
    if base:
        cut = min(cut, base.start())
    for rx in [cc.distribute] + [r for r, _ in cc.cmp_before] + [r for r, _ in cc.directions] + [cc.metric_end]:
        m = rx.search(s, 1) if s else None
        # A one-character comparator (超) only right before the number (超标天数 stays); a predicate inside
        # a word is part of the metric (`增加值` is no 增加).
        while m and ((len(m.group(0)) == 1 and s[m.end():].strip()) or _inside_word(s, m.start(), m.end(), g)):
            m = rx.search(s, m.end())
        if m and m.start() < cut:
            cut = m.start()
    metric = strip_from_metric(s[:cut], g)
    metric = metric.strip("，,、的 ")
    if any(metric.endswith(w) for w in g.targets.rate_words):
        # `增加值年均增长8%` measures a rate: the metric is 增加值年均增长率 (conventions), not `…年均`.
        dm = next((m for rx, _ in cc.directions if (m := rx.match(s, cut))), None)
        if dm:
            metric += dm.group(0) + g.targets.rate_suffix
    scope = None
    sm = g.targets.scope_pattern.compiled.match(metric)
    if sm and sm.end() < len(metric):
        scope = sm.group(0)
        metric = metric[sm.end():].strip("的 ")
    return (metric or None), scope


def _share_baselines(found: list[tuple[Target, int, int]], sentence: str, g: Grammars) -> None:
    """`A比2020年减少10%，B减少12%`: a change amount with no baseline of its own, listed after one
    that has a baseline in the same sentence, is measured against the same year (年均 rates are not)."""
    base = None
    for t, a, b in found:
        if t.baseline_year is not None:
            base = t.baseline_year
        elif t.direction and base is not None and not any(w in sentence[a:b] for w in g.targets.rate_words):
            t.baseline_year = base


def split_subjects(metric: str, cc: _Compiled) -> list[str]:
    """`水路、铁路货运量` → [水路货运量?, 铁路货运量]: the parts of a coordinated subject, outside brackets."""
    parts, depth, cur = [], 0, ""
    for ch in metric:
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and cc.subject_split.match(ch):
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts]


def with_shared_head(subjects: list[str], g: Grammars) -> list[str]:
    """`铁路、水路货运量分别增长…` measures 铁路货运量 and 水路货运量: the last subject's head (what follows its
    leading region names, else its first word) completes the earlier ones that lack it."""
    last = subjects[-1]
    words = cut(last, g)
    lead = leading_regions(last, g.metrics) or (words[0] if len(words) > 1 else "")
    head = last[len(lead):]
    if not lead or not head:
        return subjects
    return [s if s == last or s.endswith(head) else s + head for s in subjects[:-1]] + [last]


def targets_in_sentence(sentence: str, g: Grammars, doc_year: int | None,
                        times: list[TimeExpr] | None = None, tentative: set[int] | None = None,
                        claimed: SpanSet | None = None) -> list[tuple[Target, int, int]]:
    """Targets of one sentence, each with its (start, end) in the sentence. Counts that are goals only in a
    goal's context (a comparator, a range or a target year, see Candidate) are added to `tentative` by id
    when it is given, and dropped here when it is not."""
    cc = _compiled(g)
    if times is None:
        times = find_time_expressions(sentence, g, doc_year)
    cands = find_candidates(sentence, g, times, claimed)
    if not cands:
        return []
    asp_positions = [m.start() for m in cc.aspiration.finditer(sentence)]
    # Target years by position, for a bisection per group (not a scan of every time expression).
    year_times = [t for t in times if t.sets_target_year and t.year is not None]
    year_starts = [t.start for t in year_times]
    sentence_aspirational = cc.opens_with_aspiration.match(sentence) is not None
    out: list[tuple[Target, int, int]] = []
    prev_last: Candidate | None = None
    list_heads: list[tuple[int, str]] = []  # (index in out, own words) of counts listed with their own verbs
    for group in _groups(sentence, cands, cc):
        first, last = group[0], group[-1]
        cstart = _clause_start(sentence, first.start, cc.clause_max_chars)
        prefix = sentence[cstart:first.start]
        # `新开工300个、完工200个`: a count listed after another with words of its own has its own verb.
        own_words = None
        if prev_last is not None and prev_last.end >= cstart and len(group) == 1:
            between = sentence[prev_last.end:first.start]
            if between[:1] in ("、", "和", "及", "与") and "，" not in between and len(between) <= 12:
                own_words = between.lstrip("".join(g.targets.value_joiners)).strip()
        prev_last = last
        # Attributes from the predicate before the first value.
        direction = None
        for rx, val in cc.directions:
            for dm in rx.finditer(prefix):
                if cc.level_suffix.match(prefix[dm.end():]):
                    continue  # 下降到35%: a level, not a change
                if _inside_word(prefix, dm.start(), dm.end(), g):
                    continue  # 工业增加值年均增长: the noun 增加值 states no change
                if direction is None or dm.start() > direction[1]:
                    direction = (val, dm.start())
        direction_val = direction[0] if direction else None
        comparator_before = None
        for bm in cc.cmp_before_rx.finditer(prefix):
            if len(bm.group(0)) == 1 and prefix[bm.end():].strip():
                continue  # a one-character comparator (超, <) only right before its number: not 超低排放…80%
            comparator_before = (cc.cmp_before_value[bm.group(0)], bm.start())
        bm = g.targets.baseline.compiled.search(prefix)
        baseline = int(bm.group("year")) if bm else None
        before = bisect.bisect_left(year_starts, first.start)
        year = year_times[before - 1].year if before else None
        aspirational = sentence_aspirational or (
            bisect.bisect_left(asp_positions, cstart) < bisect.bisect_left(asp_positions, first.start))
        if not aspirational and asp_positions and asp_positions[0] < cstart and cc.subject_starters.match(prefix):
            aspirational = True
        metric, scope = _metric_and_scope(own_words if own_words else _after_leading_times(sentence, cstart, first.start, times), g, cc)
        metrics = [metric] * len(group)
        years_each = None
        if cc.distribute.search(prefix) and len(group) > 1:
            years_each = _years_of_period(times, first.start, len(group))
        if cc.distribute.search(prefix) and metric and years_each is None:
            subjects = [p for p in split_subjects(metric, cc) if p]
            if len(group) == 1 and len(subjects) > 1:
                group = [first] * len(subjects)  # `A和B分别下降10%`: one value, one target per subject
                metrics = with_shared_head(subjects, g)
            elif len(subjects) == len(group):
                metrics = with_shared_head(subjects, g)
        shared_cmp = last.comparator
        for k, (c, metric) in enumerate(zip(group, metrics)):
            comparator = c.comparator or (shared_cmp if c is not last else None)
            if c.value_max is not None:
                comparator = None
            elif comparator is None:
                comparator = comparator_before[0] if comparator_before else "="
            unit = c.unit if c.unit is not None else last.unit
            if own_words and c.counted:
                metric = own_words + c.counted  # 完工 + 重大项目
            elif c.counted and len(metrics) == len(set(metrics)) <= 1:
                metric = c.counted  # the counted thing, never the verb before it
            elif not metric and cc.han_after.match(sentence[c.end:]):
                metric = _counted_thing(sentence[c.end:], cc.clause_max_chars)  # `60%的城市社区达到创建要求`: the share of what follows
            t = Target(
                metric=metric, scope=scope, value=c.value, value_max=c.value_max, unit=unit,
                comparator=comparator, direction=c.direction or direction_val,
                baseline_year=baseline, target_year=years_each[k] if years_each else year, aspirational=aspirational,
                text=sentence[cstart:last.end].strip(),
            )
            if c.needs_goal_context and comparator in (None, "=") and c.value_max is None:
                if tentative is None:
                    if year is None:
                        continue
                else:
                    tentative.add(id(t))
            out.append((t, cstart, last.end))
            if own_words:
                list_heads.append((len(out) - 1, own_words))
    _complete_listed_counts(out, list_heads, cands)
    _share_baselines(out, sentence, g)
    return out


def _complete_listed_counts(out: list[tuple[Target, int, int]], list_heads: list[tuple[int, str]],
                            cands: list[Candidate]) -> None:
    """`新开工300个、完工200个重大项目`: the counted thing named after the last count is what every count of
    the list counts (新开工重大项目, 完工重大项目)."""
    for k, words in list_heads:
        t = out[k][0]
        counted = t.metric[len(words):] if t.metric and t.metric.startswith(words) else None
        if not counted or k == 0:
            continue
        j = k - 1
        while j >= 0:
            earlier = out[j][0]
            if earlier.metric and not earlier.metric.endswith(counted) and earlier.unit == t.unit:
                earlier.metric += counted
            if not any(k2 == j for k2, _ in list_heads):
                break
            j -= 1


def _years_of_period(times: list[TimeExpr], before: int, n: int) -> list[int] | None:
    """`2022至2025年…分别达到80%、90%、95%、100%`: one year of the period for each of `n` values, when the
    last period before them spans exactly n years."""
    periods = [t for t in times if t.start < before and t.kind == "period" and t.period_start and t.year]
    if not periods:
        return None
    first_year, last_year = int(periods[-1].period_start[:4]), periods[-1].year
    return list(range(first_year, last_year + 1)) if last_year - first_year + 1 == n else None


def _opens_with_time(sentence: str, times: list[TimeExpr], g: Grammars) -> bool:
    if not times or not times[0].is_deadline:
        return False
    lead = sentence[: times[0].start]
    for w in g.targets.aspiration:
        lead = lead.replace(w, "")
    return not lead.strip(" 　，,")


@dataclass
class GoalYear:
    """The year a goal section gives its goals (`一、主要目标` … `到2025年，…`): set by a time expression
    in the section, kept for its later paragraphs, `——` lines and sub-clauses until another one."""

    year: int | None = None


def targets_in(text: str, g: Grammars, doc_year: int | None, offset: int, *, clause_id=None, task_seq=None,
               goal: GoalYear | None = None, windows: Windows | None = None,
               claimed: SpanSet | None = None) -> list[Target]:
    """Targets of a text, sentence by sentence.

    The year of a goal: its sentence's own time expression; else that of a paragraph that opens with one
    (`到2025年，…。…培育5家企业。`); else, inside a goal section (`goal`), the last time expression of the
    section before it. A list of goals may run on into the next sentence of the same
    paragraph (`到2025年，…下降10%。京津冀…分别下降20%、15%`): its change amounts that name no baseline keep
    the baseline year of the sentence that opened the list. Numbers inside `claimed` spans (offsets in the
    full text: policy instruments, a validity clause) are no targets.
    """
    out = []
    carry: tuple[int | None, int | None] | None = None
    paragraph_year: int | None = None
    prev_end = -1
    for m in SENTENCE.finditer(text):
        sentence = m.group(0)
        first_of_paragraph = "\n" in text[prev_end + 1 : m.start()] or prev_end < 0
        # A parenthesis right after a sentence's end (`。（市科委牵头）`) annotates and closes a task: what
        # follows is another task, even where a PDF's lines ran two paragraphs together.
        if first_of_paragraph or sentence.lstrip()[:1] in "（(":
            carry = None
            paragraph_year = None
        prev_end = m.end() - 1
        times = find_time_expressions(sentence, g, doc_year, windows=windows)
        tentative: set[int] = set()
        here = claimed.within(offset + m.start(), offset + m.end()) if claimed is not None else None
        found = targets_in_sentence(sentence, g, doc_year, times, tentative, here)
        has_time = bool(times)
        year_times = [t.year for t in times if t.sets_target_year and t.year is not None]
        # Only a sentence that is itself a list of goals continues the list (its first clause states one).
        if found and carry and not has_time and found[0][1] == 0:
            for t, _, _ in found:
                if t.direction and t.baseline_year is None:
                    t.baseline_year = carry[1]
        if not year_times:
            inherited = paragraph_year if paragraph_year is not None else (goal.year if goal else None)
            for t, _, _ in found:
                if t.target_year is None:
                    t.target_year = inherited
        opens_with_time = _opens_with_time(sentence, times, g)
        if opens_with_time and first_of_paragraph and year_times:
            paragraph_year = year_times[0]  # `到2025年，…` opening a paragraph governs all of it
        if opens_with_time:
            if found:
                years = [t.target_year for t, _, _ in found if t.target_year]
                bases = [t.baseline_year for t, _, _ in found if t.baseline_year]
                carry = (years[-1] if years else None, bases[-1] if bases else None)
        elif has_time or not found:
            carry = None
        if goal is not None and year_times:
            goal.year = year_times[-1]
        for t, a, b in found:
            if id(t) in tentative and t.target_year is None:
                continue  # a count after a verb, with nothing that makes it a goal
            if any(is_past(x, doc_year, g) for x in times if x.year == t.target_year) and not any(
                    x.year == t.target_year and not is_past(x, doc_year, g) for x in times):
                continue  # `2020年达到7.8%` in a plan of 2023: an actual figure, not a goal
            t.span = (offset + m.start() + a, offset + m.start() + b)
            t.clause_id = clause_id
            t.task_seq = task_seq
            out.append(t)
    return out


def qualitative_targets_in(text: str, g: Grammars, doc_year: int | None, offset: int, *, clause_id=None,
                           windows: Windows | None = None) -> list[Target]:
    """Goals without a number (`PM2.5浓度总体达标`): value null, `qualitative` true, kept apart from targets."""
    out = []
    rules = _compiled(g).qualitative
    for m in SENTENCE.finditer(text):
        sentence = m.group(0)
        times = [t for t in find_time_expressions(sentence, g, doc_year, windows=windows) if t.sets_target_year and t.year]
        for needed, rule in rules:
            if not could_match(needed, sentence):
                continue  # not one character that every match of the rule holds (`达` of `…达标`)
            for q in rule.finditer(sentence):
                cstart = _clause_start(sentence, q.start(), g.targets.clause_max_chars)
                metric = q.group("metric") if "metric" in q.groupdict() else None
                metric = metric[max(0, metric.rfind("，") + 1):] if metric else None
                metric = strip_from_metric(metric, g) if metric else metric
                scope = None
                sm = g.targets.scope_pattern.compiled.match(metric or "")
                if sm and sm.end() < len(metric):
                    scope, metric = sm.group(0), metric[sm.end():]
                year = next((t.year for t in reversed(times) if t.start < q.start()), None)
                out.append(Target(metric=metric or None, scope=scope, target_year=year, qualitative=True,
                                  aspirational=any(w in sentence[cstart:q.end()] for w in g.targets.aspiration),
                                  text=sentence[cstart:q.end()].strip(), clause_id=clause_id,
                                  span=(offset + m.start() + cstart, offset + m.start() + q.end())))
    return out


@example_runner
def _target_examples(g: Grammars):
    tr = g.targets

    def sentence_targets(s):
        return [t.model_dump(exclude={"text", "span", "clause_id", "task_seq", "table_index"})
                for t, _, _ in targets_in_sentence(s, g, EXAMPLE_DOC_YEAR)]

    for ex in tr.examples:
        yield "targets.toml examples", ex, sentence_targets

    for ex in tr.chinese_number.examples:
        yield "targets.toml chinese_number", ex, lambda s: [c.value for c in find_candidates(s, g, [])]
    if tr.chinese_percent is not None:
        cp_rule = tr.chinese_percent
        for ex in cp_rule.examples:
            yield "targets.toml chinese_percent", ex, lambda s: (chinese_number(m.group("num"), "smart") if (m := cp_rule.compiled.search(s)) else None)
