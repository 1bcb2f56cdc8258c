"""How two targets' metrics are recognised as one (the pipeline keys every target by it; compare pairs by it): synonyms from `grammars/metrics.toml`, then
character bigrams and jieba words for the rest (no network, no model).

The grammar's rule model (`MetricRules`) is loaded with the other grammar files; this module only
applies it.
"""
from __future__ import annotations

from typing import Optional

import regex as re

from .grammar.check import bool_search, example_runner, fullmatch, substitute
from .models import Target
from .regions import leading_regions, regions_named
from .similarity import bigrams, clean, dice


_compiled: dict[int, tuple] = {}


def _synonym_pattern(rules) -> tuple[Optional[re.Pattern], dict[str, str]]:
    cached = _compiled.get(id(rules))
    if cached is not None and cached[0] is rules:  # the rules object itself, not a reused id
        return cached[1], cached[2]
    table: dict[str, str] = {}
    for syn in rules.synonyms:
        for alias in syn.aliases:
            table[clean(alias)] = clean(syn.canonical)
    # Longest alias first so that `农作物秸秆综合利用率` wins over a shorter alias inside it.
    alt = "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
    pattern = re.compile(alt) if table else None
    _compiled[id(rules)] = (rules, pattern, table)
    return pattern, table


def metric_key(metric: Optional[str], rules) -> str:
    """The metric as it is matched: noise removed, folded, every synonym replaced by its canonical name."""
    s = metric or ""
    for p in rules.noise:
        s = p.compiled.sub(p.replace, s)
    s = clean(s)
    pattern, table = _synonym_pattern(rules)
    for _ in range(3):  # a canonical name may hold another alias (细颗粒物平均浓度 → PM2.5平均浓度 → PM2.5浓度)
        if pattern is None:
            break
        s, before = pattern.sub(lambda m: table[m.group(0)], s), s
        if s == before:
            break
    return s


def key_metrics(doc, rules, words) -> None:
    """Set `metric_key` on every target of a Document: the key compare pairs by, so that a query across
    documents can group one metric written several ways (单位GDP二氧化碳排放 = 单位国内生产总值二氧化碳排放).
    A coordinated list's member gets its shared head first (铁路、水路货运量 → 铁路货运量)."""
    completed = coordinated_metrics(doc.targets, rules, words)
    for i, t in enumerate(doc.targets):
        t.metric_key = metric_key(completed.get(i, t.metric), rules) or None
    for c in doc.clauses:
        for t in c.qualitative_targets:
            t.metric_key = metric_key(t.metric, rules) or None


def scope_key(scope: Optional[str], rules) -> str:
    """'' for no scope or one that means the whole jurisdiction (全国, 全省, 各设区市): those are one scope."""
    if not scope or rules.whole_scope.compiled.fullmatch(scope.strip()):
        return ""
    return clean(scope)


def scopes_compatible(a: str, b: str) -> bool:
    return not a or not b or a in b or b in a


def coordinated_metrics(targets: list[Target], rules, words) -> dict[int, str]:
    """Metrics of targets split from one coordinated phrase, completed with the phrase's shared head.

    `铁路、水路货运量比2020年分别增长10%和12%` gives two targets whose metrics may be read as `铁路` and
    `水路货运量`; both measure a 货运量. When a metric stands in its own text right before a list
    separator, and the last target of the same text ends in a head word, that head is added.
    Returns {index into `targets`: completed metric} for the targets completed.
    """
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(targets):
        if t.metric and t.text:
            groups.setdefault((t.text, t.clause_id, t.task_seq), []).append(i)
    out: dict[int, str] = {}
    for (text, _, _), idx in groups.items():
        last = targets[idx[-1]].metric
        # The last conjunct is a region (`长三角地区、成渝地区新建码头岸电覆盖率`) or else its first word.
        tokens = words(last)
        lead = leading_regions(last, rules) or (tokens[0] if len(tokens) > 1 else "")
        head = last[len(lead) :]
        if not lead or not head:
            continue
        for i in idx[:-1]:
            m = targets[i].metric
            if m != last and not m.endswith(head) and any(m + sep in text for sep in rules.list_separators):
                out[i] = m + head
    return out


def metric_parts(metric: Optional[str], rules) -> list[str]:
    """The metrics a coordinated metric names (`氮氧化物和VOCs排放总量` → 氮氧化物, VOCs排放总量); [] for one."""
    if not metric:
        return []
    parts = [x for x in re.split("|".join(re.escape(s) for s in rules.list_separators), metric) if x]
    return parts if len(parts) > 1 else []


def metric_similarity(a: str, b: str, words) -> float:
    """1.0 for the same key; else the mean of a character-bigram and a word score (0..1).

    A key found whole inside the other (`pm2.5浓度` in `地级及以上城市pm2.5浓度`) counts as nearly the
    same metric with a narrower wording; words keep `水路货运量` apart from `铁路货运量`.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 3 and short in long_:
        return 0.9
    return (dice(bigrams(a), bigrams(b)) + dice(words(a), words(b))) / 2


def better_direction(metric: str, comparators: set, rules) -> Optional[str]:
    """'higher' or 'lower' is better for a level target; None when the two sides disagree.

    The documents' own bounds say it first (`不低于` → higher, `控制在…以内` → lower); else the metric's
    words (浓度 → lower); else the grammar's default.
    """
    bounds = {c for c in comparators if c in (">=", "<=")}
    if len(bounds) == 2:
        return None
    if bounds:
        return "higher" if bounds == {">="} else "lower"
    for rule in rules.polarity:
        if any(clean(w) in metric for w in rule.words):
            return rule.better
    return rules.default_better


@example_runner
def _metric_examples(g):
    """metrics.toml: a synonym's example gives the key a metric is matched by; a polarity's, which way
    is better for a metric (neither side stating a bound)."""
    rules = g.metrics
    for ex in rules.whole_scope.examples:
        yield "metrics.toml whole_scope", ex, fullmatch(rules.whole_scope)
    for name in ("level_unit", "level_metric"):
        for ex in getattr(rules, name).examples:
            yield f"metrics.toml {name}", ex, bool_search(getattr(rules, name))
    for i, p in enumerate(rules.noise):
        for ex in p.examples:
            yield f"metrics.toml noise[{i}]", ex, substitute(p)
    for i, syn in enumerate(rules.synonyms):
        for ex in syn.examples:
            yield f"metrics.toml synonyms[{i}]", ex, lambda s: metric_key(s, rules)
    for i, pol in enumerate(rules.polarity):
        for ex in pol.examples:
            yield f"metrics.toml polarity[{i}]", ex, lambda s: better_direction(metric_key(s, rules), set(), rules)
    for i, region in enumerate(rules.regions):
        for ex in region.examples:
            yield f"metrics.toml regions[{i}]", ex, lambda s: regions_named(s, rules)
    for ex in rules.inner_title.examples:
        yield "metrics.toml inner_title", ex, lambda s: (m.group("title") if (m := rules.inner_title.compiled.search(s)) else None)
