"""Quantified targets: a number with a unit that a sentence sets as a goal, with its attributes.

The sentence (to `。`) is the unit of meaning: its time expression sets the target year; its
comma-clauses (split on `，；：`) each hold a subject, a predicate and the numbers they govern.
"""
from __future__ import annotations

import bisect
import functools

from dataclasses import dataclass

import cn2an
import regex as re

from ..grammar import Grammars
from ..grammar.check import EXAMPLE_DOC_YEAR, example_runner
from ..models import Target
from ..text import SpanSet
from .deadlines import TimeExpr, find_time_expressions

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
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


def _words_alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)) or r"(?!)"


class _Compiled:
    """Regexes built once per grammar set from the word lists."""

    def __init__(self, g: Grammars):
        tr = g.targets
        self.cmp_after = [(re.compile(r"^\s*(?:" + _words_alt(w.words) + ")"), w.value) for w in tr.comparator_after]
        # One alternation, longest word first, so that 不高于 is never read as 高于.
        self.cmp_before_value = {word: w.value for w in tr.comparator_before for word in w.words}
        self.cmp_before_rx = re.compile("(?:" + _words_alt(list(self.cmp_before_value)) + ")")
        self.cmp_before = [(self.cmp_before_rx, None)]
        self.directions = [(re.compile("(?:" + _words_alt(w.words) + ")"), w.value) for w in tr.direction]
        self.level_suffix = re.compile(r"^\s*(?:" + _words_alt(tr.level_suffix) + ")")
        self.doubling = [(re.compile(_words_alt(w.words)), float(w.value)) for w in tr.doubling]
        self.aspiration = re.compile(_words_alt(tr.aspiration))
        self.distribute = re.compile(_words_alt(tr.distribute))
        self.joiner = re.compile(r"^\s*(?:" + _words_alt(tr.value_joiners) + r")\s*$")
        self.count_verbs = re.compile(_words_alt(tr.count_verbs))
        self.predicates = re.compile(
            _words_alt(tr.predicates + [w for c in tr.comparator_before for w in c.words] + [w for d in tr.direction for w in d.words])
        )
        self.subject_starters = re.compile(r"^\s*(?:" + _words_alt(tr.subject_starters) + ")")
        self.unit_after = re.compile(r"^\s*(?:" + g.units.regex.pattern + ")")
        self.han_after = re.compile(r"^\s*(?:的)?\p{Han}")
        self.level_verb_end = re.compile(r"(?:" + _words_alt(tr.level_verbs) + r")\s*$")
        self.subject_split = re.compile(r"[、和及与]")


_CACHE: dict[int, _Compiled] = {}


def _compiled(g: Grammars) -> _Compiled:
    c = _CACHE.get(id(g))
    if c is None:
        c = _CACHE[id(g)] = _Compiled(g)
    return c


@functools.lru_cache(maxsize=16)
def _nesting(s: str) -> tuple[list[int], list[int]]:
    """Per offset of `s`: the bracket depth, and the 《 not yet closed by 》 — computed once per
    sentence, not once per number in it (a sentence of thousands of numbers was quadratic)."""
    depth, quotes = [0] * (len(s) + 1), [0] * (len(s) + 1)
    d = q = 0
    for i, ch in enumerate(s):
        if ch in "（(":
            d += 1
        elif ch in "）)" and d:
            d -= 1
        elif ch == "《":
            q += 1
        elif ch == "》":
            q -= 1
        depth[i + 1], quotes[i + 1] = d, q
    return depth, quotes


def _paren_depth(s: str, pos: int) -> int:
    return _nesting(s)[0][pos]


def _in_quotes(s: str, pos: int) -> bool:
    return _nesting(s)[1][pos] > 0


# How far back a clause (the text since the last comma) is read before a value: a predicate stands
# within a few dozen characters; a sentence of thousands without a comma is no prose to read.
_MAX_CLAUSE = 200
# The not_target_before patterns end at the value: a window of the text before it is enough.
_BEFORE_WINDOW = 64


def _clause_start(sentence: str, pos: int) -> int:
    lo = max(0, pos - _MAX_CLAUSE)
    return max([lo] + [sentence.rfind(sep, lo, pos) + 1 for sep in _CLAUSE_SEP])


def _qualifier_after(tail: str, cc: _Compiled) -> tuple[str | None, str]:
    """(comparator, rest) for a qualifier right after a value: `以上` → >=, `以内` → <=, `左右` → ~."""
    for rx, val in cc.cmp_after:
        m = rx.match(tail)
        if m:
            return val, tail[m.end():]
    return None, tail


def find_candidates(sentence: str, g: Grammars, times: list[TimeExpr]) -> list[Candidate]:
    cc = _compiled(g)
    tr = g.targets
    out: list[Candidate] = []
    times_taken = SpanSet((t.start, t.end) for t in times)
    covered = times_taken.overlaps

    for m in _NUM.finditer(sentence):
        s, e = m.span()
        if covered(s, e) or _paren_depth(sentence, s) or _in_quotes(sentence, s):
            continue
        before = sentence[max(0, s - _BEFORE_WINDOW):s]
        if any(p.compiled.search(before) for p in tr.not_target_before):
            continue
        rest = sentence[e:]
        um = cc.unit_after.match(rest)
        unit, kind = None, "measure"
        if um:
            written = um.group(0).strip()
            u = g.units.lookup(written)
            unit, kind = (u.unit, u.kind) if u else (written, "measure")
            rest_after_unit = rest[um.end():]
        else:
            rest_after_unit = rest
        if any(p.compiled.match(rest_after_unit) for p in tr.not_target_after):
            # `35蒸吨/小时及以下燃煤锅炉` is a class of things, unless a level verb sets it (控制在…及以下).
            clause_before = sentence[_clause_start(sentence, s):s]
            if not re.search(r"(?:控制在|稳定在|保持在|达到|降至|降到)\s*$", clause_before):
                continue
        comparator, tail = _qualifier_after(rest_after_unit, cc)
        end = len(sentence) - len(tail)
        clause_before = sentence[_clause_start(sentence, s):s]
        if unit is None:
            # A bare ratio (`产能比控制在0.4左右`) needs a predicate before and a qualifier after.
            if comparator is None or not cc.predicates.search(clause_before) or m.group("v2"):
                continue
            unit = ""
        if cc.han_after.match(tail):
            # A quantity followed by a noun is a scope or a class (`15个重点行业`, `3吨以下叉车`)
            # unless a goal verb governs it (`培育3家以上…企业`, `压减50%的炼焦产能`).
            if kind != "percent" and not cc.count_verbs.search(clause_before) and not cc.level_verb_end.search(clause_before):
                continue
        elif not (cc.predicates.search(clause_before) or cc.count_verbs.search(clause_before) or comparator):
            if kind != "percent":
                continue
        v1 = float(m.group("v1"))
        v2 = float(m.group("v2")) if m.group("v2") else None
        if v2 is not None and v2 <= v1:
            continue
        out.append(Candidate(s, end, v1, v2, unit, kind, None if v2 is not None else comparator))

    for rx, val in cc.doubling:
        for m in rx.finditer(sentence):
            if _paren_depth(sentence, m.start()):
                continue
            out.append(Candidate(m.start(), m.end(), val, None, "倍", "ratio", "=", direction="increase", doubling=True))

    cm_rx = tr.chinese_number.compiled
    found = SpanSet((c.start, c.end) for c in out)
    for m in cm_rx.finditer(sentence):
        if covered(*m.span()) or _paren_depth(sentence, m.start()) or found.overlaps(*m.span()):
            continue
        try:
            n = float(cn2an.cn2an(m.group("num"), "smart"))
        except (ValueError, KeyError, TypeError):
            continue
        written = m.group("unit")
        if written == "成":
            n, written = n * 10, "%"
        clause_before = sentence[_clause_start(sentence, m.start()):m.start()]
        if not (cc.predicates.search(clause_before) or cc.count_verbs.search(clause_before)):
            continue
        u = g.units.lookup(written)
        comparator, tail = _qualifier_after(sentence[m.end():], cc)
        out.append(Candidate(m.start(), len(sentence) - len(tail), n, None, u.unit if u else written,
                             u.kind if u else "measure", comparator))
        found.add(out[-1].start, out[-1].end)
    if tr.chinese_percent is not None:
        for m in tr.chinese_percent.compiled.finditer(sentence):
            if covered(*m.span()) or _paren_depth(sentence, m.start()):
                continue
            try:
                n = float(cn2an.cn2an(m.group("num"), "smart"))
            except (ValueError, KeyError, TypeError):
                continue
            comparator, tail = _qualifier_after(sentence[m.end():], cc)
            out.append(Candidate(m.start(), len(sentence) - len(tail), n, None, "%", "percent", comparator))
    out.sort(key=lambda c: c.start)
    return out


def _groups(sentence: str, cands: list[Candidate], cc: _Compiled) -> list[list[Candidate]]:
    """Values listed together (`26%、25%、22%`, `12%和10%左右`) share one predicate."""
    groups: list[list[Candidate]] = []
    for c in cands:
        if groups and cc.joiner.match(sentence[groups[-1][-1].end : c.start]) and not c.doubling:
            between = sentence[groups[-1][-1].end : c.start]
            if "，" not in between or cc.distribute.search(sentence[_clause_start(sentence, groups[-1][0].start): groups[-1][0].start]):
                groups[-1].append(c)
                continue
        groups.append([c])
    return groups


def _metric_and_scope(prefix: str, g: Grammars, cc: _Compiled) -> tuple[str | None, str | None]:
    s = prefix
    for p in g.targets.strip_from_metric:
        s = p.compiled.sub("", s).strip()
    base = g.targets.baseline.compiled.search(s)
    cut = len(s)
    if base:
        cut = min(cut, base.start())
    for rx in [cc.distribute] + [r for r, _ in cc.cmp_before] + [r for r, _ in cc.directions] + [re.compile(r"(?:达到|达|为|控制在|稳定在|提高到|提升至|保持在)")]:
        m = rx.search(s, 1) if s else None
        if m and m.start() < cut:
            cut = m.start()
    metric = s[:cut]
    for p in g.targets.strip_from_metric:
        metric = p.compiled.sub("", metric).strip()
    metric = metric.strip("，,、的 ")
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


def targets_in_sentence(sentence: str, g: Grammars, doc_year: int | None,
                        times: list[TimeExpr] | None = None) -> list[tuple[Target, int, int]]:
    """Targets of one sentence, each with its (start, end) in the sentence."""
    cc = _compiled(g)
    if times is None:
        times = find_time_expressions(sentence, g, doc_year)
    cands = find_candidates(sentence, g, times)
    if not cands:
        return []
    asp_positions = [m.start() for m in cc.aspiration.finditer(sentence)]
    # Target years by position, for a bisection per group (not a scan of every time expression).
    year_times = [t for t in times if t.sets_target_year and t.year is not None]
    year_starts = [t.start for t in year_times]
    sentence_aspirational = bool(re.match(r"^\s*(?:" + cc.aspiration.pattern + ")", sentence))
    out: list[tuple[Target, int, int]] = []
    for group in _groups(sentence, cands, cc):
        first, last = group[0], group[-1]
        cstart = _clause_start(sentence, first.start)
        prefix = sentence[cstart:first.start]
        # Attributes from the predicate before the first value.
        direction = None
        for rx, val in cc.directions:
            for dm in rx.finditer(prefix):
                if cc.level_suffix.match(prefix[dm.end():]):
                    continue  # 下降到35%: a level, not a change
                if direction is None or dm.start() > direction[1]:
                    direction = (val, dm.start())
        direction_val = direction[0] if direction else None
        comparator_before = None
        for bm in cc.cmp_before_rx.finditer(prefix):
            comparator_before = (cc.cmp_before_value[bm.group(0)], bm.start())
        bm = g.targets.baseline.compiled.search(prefix)
        baseline = int(bm.group("year")) if bm else None
        before = bisect.bisect_left(year_starts, first.start)
        year = year_times[before - 1].year if before else None
        aspirational = sentence_aspirational or (
            bisect.bisect_left(asp_positions, cstart) < bisect.bisect_left(asp_positions, first.start))
        if not aspirational and asp_positions and asp_positions[0] < cstart and cc.subject_starters.match(prefix):
            aspirational = True
        metric, scope = _metric_and_scope(prefix, g, cc)
        metrics = [metric] * len(group)
        if cc.distribute.search(prefix) and metric:
            subjects = [p for p in split_subjects(metric, cc) if p]
            if len(group) == 1 and len(subjects) > 1:
                group = [first] * len(subjects)  # `A和B分别下降10%`: one value, one target per subject
                metrics = subjects
            elif len(subjects) == len(group):
                metrics = subjects
        shared_cmp = last.comparator
        for c, metric in zip(group, metrics):
            comparator = c.comparator or (shared_cmp if c is not last else None)
            if c.value_max is not None:
                comparator = None
            elif comparator is None:
                comparator = comparator_before[0] if comparator_before else "="
            unit = c.unit if c.unit is not None else last.unit
            t = Target(
                metric=metric, scope=scope, value=c.value, value_max=c.value_max, unit=unit,
                comparator=comparator, direction=c.direction or direction_val,
                baseline_year=baseline, target_year=year, aspirational=aspirational,
                text=sentence[cstart:last.end].strip(),
            )
            out.append((t, cstart, last.end))
    _share_baselines(out, sentence, g)
    return out


def _opens_with_time(sentence: str, times: list[TimeExpr], g: Grammars) -> bool:
    if not times or not times[0].is_deadline:
        return False
    lead = sentence[: times[0].start]
    for w in g.targets.aspiration:
        lead = lead.replace(w, "")
    return not lead.strip(" 　，,")


def targets_in(text: str, g: Grammars, doc_year: int | None, offset: int, *, clause_id=None, task_seq=None) -> list[Target]:
    """Targets of a text, sentence by sentence.

    A list of goals may run on into the next sentence of the same paragraph (`到2025年，…下降10%。
    京津冀…分别下降20%、15%`): a sentence with no time expression of its own that follows a sentence
    opening with one and stating targets keeps that target year, and its change amounts that name
    no baseline keep the baseline year — when its first comma-clause already states a goal.
    """
    out = []
    carry: tuple[int | None, int | None] | None = None
    prev_end = -1
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        if "\n" in text[prev_end + 1 : m.start()] or prev_end < 0:
            carry = None  # a new paragraph
        prev_end = m.end() - 1
        times = find_time_expressions(sentence, g, doc_year)
        found = targets_in_sentence(sentence, g, doc_year, times)
        has_time = bool(times)
        # Only a sentence that is itself a list of goals continues the list (its first clause states one).
        if found and carry and not has_time and found[0][1] == 0:
            for t, _, _ in found:
                if t.target_year is None:
                    t.target_year = carry[0]
                if t.direction and t.baseline_year is None:
                    t.baseline_year = carry[1]
        if found and _opens_with_time(sentence, times, g):
            years = [t.target_year for t, _, _ in found if t.target_year]
            bases = [t.baseline_year for t, _, _ in found if t.baseline_year]
            carry = (years[-1] if years else None, bases[-1] if bases else None)
        elif has_time or not found:
            carry = None
        for t, a, b in found:
            t.span = (offset + m.start() + a, offset + m.start() + b)
            t.clause_id = clause_id
            t.task_seq = task_seq
            out.append(t)
    return out


def qualitative_targets_in(text: str, g: Grammars, doc_year: int | None, offset: int, *, clause_id=None) -> list[Target]:
    """Goals without a number (`PM2.5浓度总体达标`): value null, `qualitative` true, kept apart from targets."""
    out = []
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        times = [t for t in find_time_expressions(sentence, g, doc_year) if t.sets_target_year and t.year]
        for rule in g.targets.qualitative:
            for q in rule.compiled.finditer(sentence):
                cstart = _clause_start(sentence, q.start())
                metric = q.group("metric") if "metric" in q.groupdict() else None
                metric = metric[max(0, metric.rfind("，") + 1):] if metric else None
                for p in g.targets.strip_from_metric:
                    metric = p.compiled.sub("", metric).strip() if metric else metric
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

    def cn(s):
        m = tr.chinese_number.compiled.search(s)
        if not m:
            return None
        n = cn2an.cn2an(m.group("num"), "smart")
        return n * 10 if m.group("unit") == "成" else n

    for ex in tr.chinese_number.examples:
        yield "targets.toml chinese_number", ex, cn
    if tr.chinese_percent is not None:
        cp_rule = tr.chinese_percent
        for ex in cp_rule.examples:
            yield "targets.toml chinese_percent", ex, lambda s: (cn2an.cn2an(m.group("num"), "smart") if (m := cp_rule.compiled.search(s)) else None)
