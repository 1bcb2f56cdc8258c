"""Policy instruments (若干措施): subsidies, one-off awards, subsidy tiers, interest subsidies, tax rules and
co-funding ratios — what a document gives, at what rate or amount, up to what cap, to whom.

A comma-clause is an instrument when it names one (a kind word of measures.toml) and gives it: a grant word
(给予, 按照), a cap before a sum (最高3000万元), the kind word right before a sum (补贴500元), or a kind
word that gives by itself (减按). Its recipient is the text before the grant word, or the clause before it,
when that names one (`对…的企业`, `…的企业`, `符合条件的`). A clause that only adds a cap (`，最高3000万元`)
or the sums of a numberless grant (`给予后补助，支持金额不超过300万元`) belongs to the measure before it.

The span of a measure, its recipient's condition included, is claimed: the targets reader skips the numbers
in it (`对年营业收入首次超亿元的企业，给予50万元奖励` sets no target).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import regex as re

from ..grammar import Grammars, per_grammar_set
from ..grammar.check import example_runner
from ..models import Measure
from ..text import SENTENCE

_CLAUSE = re.compile(r"(?:[^，；：,;:]|(?<=\d)[:：∶](?=\d))+")  # a ratio's colon (1:1) splits no clause


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or r"(?!)"


class _Compiled:
    """Regexes built once per grammar set from the word lists."""

    def __init__(self, g: Grammars):
        mr = g.measures
        self.kind_of = {w: k.kind for k in reversed(mr.kinds) for w in k.words}  # the first kind listing a word wins
        self.gives = {w for k in mr.kinds if k.gives for w in k.words}
        self.kind = re.compile(_alt(list(self.kind_of)))
        self.grant = re.compile(_alt(mr.grant_words))
        self.cap_before = re.compile(r"(?:" + _alt(mr.cap_words) + r")\s*(?:" + _alt(list(self.kind_of)) + r")?\s*$")
        self.cap_after = re.compile(r"\s*(?:" + _alt(mr.cap_after) + ")")
        self.not_measure = re.compile(_alt(mr.not_measure))
        self.recipient_tail = re.compile(r"(?:" + _alt(mr.recipient_trailing_drop) + r")\s*$")


_compiled = per_grammar_set(_Compiled)


@dataclass
class _Clause:
    start: int  # in the sentence
    end: int
    text: str
    kind: str | None = None
    gives: bool = False  # an instrument clause
    grant_at: int | None = None  # where its grant (or kind) word starts, in the clause
    amount: tuple[float, float | None, str] | None = None
    cap: tuple[float, str] | None = None
    rate: tuple[float, str | None] | None = None
    ratio: str | None = None

    @property
    def numbers(self) -> bool:
        return bool(self.amount or self.cap or self.rate or self.ratio)


@dataclass
class _Draft:
    kind: str
    start: int
    end: int
    recipient: str | None
    clauses: list[_Clause] = field(default_factory=list)


def _read_clause(c: _Clause, g: Grammars, cc: _Compiled) -> None:
    """Kind, whether it gives, and its sums, rate and ratio (after the recipient prefix)."""
    mr = g.measures
    text = c.text
    gm = cc.grant.search(text)
    # The instrument is the one given (`对获得奖励的企业给予补助` → subsidy), else the first named.
    km = (cc.kind.search(text, gm.start()) if gm else None) or cc.kind.search(text)
    if km is None or cc.not_measure.search(text):
        return
    c.kind = cc.kind_of[km.group(0)]
    c.grant_at = min(gm.start(), km.start()) if gm else km.start()
    body_from = c.grant_at
    for am in mr.amount.compiled.finditer(text, body_from):
        unit = re.sub(r"\s+", "", am.group("unit"))
        v1, v2 = _range_start(am, unit, mr.magnitudes), am.group("v2")
        if cc.cap_before.search(text[max(0, am.start() - mr.before_window):am.start()]) or (
                v2 is None and cc.cap_after.match(text, am.end())):
            if c.cap is None:
                c.cap = (v1, unit)
        elif c.amount is None:
            c.amount = (v1, float(v2) if v2 else None, unit)
    rm = mr.rate.compiled.search(text, body_from)
    if rm:
        bm = mr.rate_basis.compiled.search(text[max(body_from, rm.start() - mr.before_window):rm.start()])
        basis = bm.group("basis").strip() if bm else ""
        c.rate = (float(rm.group("rate")), basis or None)
    xm = mr.ratio.compiled.search(text, body_from)
    if xm:
        c.ratio = f"{float(xm.group('a')):g}:{float(xm.group('b')):g}"
    after_kind = km.end() + len(text[km.end():]) - len(text[km.end():].lstrip())
    sum_after_kind = bool(mr.amount.compiled.match(text, after_kind))  # 补贴500元
    c.gives = bool(gm) or c.cap is not None or sum_after_kind or km.group(0) in cc.gives


def _range_start(am, unit: str, magnitudes: dict[str, float]) -> float:
    """The first sum of a range in the unit of the last (`5000元以上5万元` → 0.5 万元)."""
    v1, written = float(am.group("v1")), am.group("unit1") or ""
    if not am.group("v2") or not written:
        return v1
    factor = magnitudes.get(written[:1], 1.0) / magnitudes.get(unit[:1], 1.0)
    return round(v1 * factor, 6)


def _only_a_cap(c: _Clause, g: Grammars, cc: _Compiled) -> bool:
    """`，最高3000万元`: a clause with no instrument word whose only number is a cap."""
    if c.kind is not None or g.measures.rate.compiled.search(c.text):
        return False
    sums = list(g.measures.amount.compiled.finditer(c.text))
    if len(sums) != 1 or not cc.cap_before.search(c.text[max(0, sums[0].start() - g.measures.before_window):sums[0].start()]):
        return False
    c.cap = (float(sums[0].group("v1")), re.sub(r"\s+", "", sums[0].group("unit")))
    return True


def _recipient(text: str, g: Grammars) -> str | None:
    if len(text) > g.measures.recipient_max_chars:
        return None
    m = g.measures.recipient.compiled.match(_compiled(g).recipient_tail.sub("", text))
    return m.group("who").strip() if m else None


def _merge(d: _Draft, c: _Clause) -> None:
    d.clauses.append(c)
    d.end = c.end


def _measure(d: _Draft, sentence: str, offset: int, clause_id, task_seq) -> Measure | None:
    amount = next((c.amount for c in d.clauses if c.amount), None)
    cap = next((c.cap for c in d.clauses if c.cap), None)
    rate = next((c.rate for c in d.clauses if c.rate), None)
    ratio = next((c.ratio for c in d.clauses if c.ratio), None)
    if not (amount or cap or rate or ratio):
        return None
    unit = amount[2] if amount else (cap[1] if cap else None)
    text = sentence[d.start:d.end]
    return Measure(
        kind=d.kind, amount=amount[0] if amount else None, amount_max=amount[1] if amount else None,
        rate=rate[0] if rate else None, basis=rate[1] if rate else None, ratio=ratio,
        cap=cap[0] if cap else None, unit=unit, cap_unit=cap[1] if cap else None, recipient=d.recipient, text=text,
        span=(offset + d.start, offset + d.end), clause_id=clause_id, task_seq=task_seq,
    )


def measures_in_sentence(sentence: str, g: Grammars, offset: int = 0, *, clause_id=None, task_seq=None) -> list[Measure]:
    cc = _compiled(g)
    if cc.kind.search(sentence) is None:
        return []  # a measure starts at a clause that names an instrument (a word of the list): none here
    clauses: list[_Clause] = []
    for m in _CLAUSE.finditer(sentence):
        s, e = m.span()
        while e > s and sentence[e - 1] in "。！？!? \t":
            e -= 1
        while s < e and sentence[s] in " \t":
            s += 1
        if e > s:
            clauses.append(_Clause(s, e, sentence[s:e]))
    drafts: list[_Draft] = []
    last: _Draft | None = None  # the measure of the clause right before, if any
    for i, c in enumerate(clauses):
        _read_clause(c, g, cc)
        if c.kind is not None and c.gives:
            if last is not None and (not any(x.numbers for x in last.clauses)
                                     or (c.cap and not (c.amount or c.rate or c.ratio)
                                         and not any(x.cap for x in last.clauses))):
                _merge(last, c)  # `给予后补助，支持金额不超过300万元`; `…给予补助，每家最高补助100万元`
                continue
            start, recipient = c.start, None
            prefix = c.text[:c.grant_at]
            if prefix.strip() and (who := _recipient(prefix, g)):
                recipient = who
            elif i > 0 and not clauses[i - 1].gives and (who := _recipient(clauses[i - 1].text, g)):
                start, recipient = clauses[i - 1].start, who
            last = _Draft(kind=c.kind, start=start, end=c.end, recipient=recipient, clauses=[c])
            drafts.append(last)
        elif last is not None and not any(x.cap for x in last.clauses) and _only_a_cap(c, g, cc):
            _merge(last, c)  # `…按不超过总投入30%给予补助，最高3000万元`
        else:
            last = None
    out = []
    for d in drafts:
        meas = _measure(d, sentence, offset, clause_id, task_seq)
        if meas is not None:
            out.append(meas)
    return out


def measures_in(text: str, g: Grammars, offset: int, *, clause_id=None, task_seq=None) -> list[Measure]:
    """The policy instruments of a clause's (or a task cell's) text, sentence by sentence."""
    out: list[Measure] = []
    for m in SENTENCE.finditer(text):
        out += measures_in_sentence(m.group(0), g, offset + m.start(), clause_id=clause_id, task_seq=task_seq)
    return out


@example_runner
def _measure_examples(g: Grammars):
    mr = g.measures
    cc = _compiled(g)

    def sentence_measures(s):
        return [x.model_dump(exclude={"text", "span", "clause_id", "task_seq"}, exclude_none=True)
                for x in measures_in_sentence(s, g)]

    for ex in mr.examples:
        yield "measures.toml examples", ex, sentence_measures
    for i, k in enumerate(mr.kinds):
        for ex in k.examples:
            yield f"measures.toml kinds[{i}] ({k.kind})", ex, lambda s: (cc.kind_of[m.group(0)] if (m := cc.kind.search(s)) else None)
    for ex in mr.amount.examples:
        yield "measures.toml amount", ex, lambda s: (
            {"v1": float(m.group("v1")), "v2": float(m.group("v2")) if m.group("v2") else None, "unit": m.group("unit")}
            if (m := mr.amount.compiled.search(s)) else None)
    for ex in mr.rate.examples:
        yield "measures.toml rate", ex, lambda s: (float(m.group("rate")) if (m := mr.rate.compiled.search(s)) else None)
    for ex in mr.rate_basis.examples:
        yield "measures.toml rate_basis", ex, lambda s: (m.group("basis") if (m := mr.rate_basis.compiled.search(s)) else None)
    for ex in mr.ratio.examples:
        yield "measures.toml ratio", ex, lambda s: (f"{float(m.group('a')):g}:{float(m.group('b')):g}" if (m := mr.ratio.compiled.search(s)) else None)
    for ex in mr.recipient.examples:
        yield "measures.toml recipient", ex, lambda s: (_recipient(s, g) or False)
