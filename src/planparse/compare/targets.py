"""Targets: pair each child target with the parent target it implements and say whether the child
asks for the same, more (stricter) or less (looser), or something that cannot be set side by side.

Rules, in order (each a test in tests/test_compare.py and tests/test_archive_compare.py):
- a pair needs the same metric (synonyms resolved, else similar enough), the same unit, compatible
  scopes and the same target year (a target that states none may pair with one of any year, a same-year
  one first); a child's several regional targets may all pair with one parent target;
- a national plan against a region's (parent national, child with a region): an amount of the whole
  country (亿立方米, 万千瓦) is never judged against a region's: not comparable, with the region's share;
  a level (a rate, a share, a concentration) is above or below the national level, not stricter;
- a change (下降10%) and a level (达到55%), opposite directions, or changes from different baseline
  years are not comparable;
- a change: the larger change is stricter (a larger decrease, a larger increase);
- a level: the higher value is stricter when higher is better, the lower when lower is better;
- the same value: a firm bound (达, 以上) is stricter than 左右, a firm target stricter than 力争;
- the year: the same value a year later is looser, a year earlier stricter; value and year pulling
  opposite ways are not comparable.
"""
from __future__ import annotations

from typing import Optional

from ..models import Document, Target
from ..metrics import (better_direction, coordinated_metrics, metric_key, metric_parts, metric_similarity, scope_key,
                      scopes_compatible)
from .models import TargetComparison, TargetPair, TargetRef, Verdict
from .regions import applies_to, assign_regions, places_of
from ..similarity import clean

_EPS = 1e-9


def target_refs(doc: Document, rules, words) -> list[TargetRef]:
    """The document's targets as refs, the same target stated twice (clause and task row) kept once:
    a copy that gives no year is the same target as one that does."""
    completed = coordinated_metrics(doc.targets, rules, words)
    refs: list[TargetRef] = []
    years: dict[tuple, list[int]] = {}  # identity without the year -> positions in refs
    for i, t in enumerate(doc.targets):
        if t.value is None:
            continue
        key = metric_key(completed.get(i, t.metric), rules)
        ident = (key, scope_key(t.scope, rules), t.value, t.value_max, t.unit, t.comparator, t.direction, t.baseline_year)
        known = years.setdefault(ident, [])
        same = [k for k in known if refs[k].target_year in (t.target_year, None) or t.target_year is None]
        if same:
            if refs[same[0]].target_year is None and t.target_year is not None:
                refs[same[0]].target_year = t.target_year
            continue
        known.append(len(refs))
        refs.append(_ref(i, t, completed.get(i, t.metric), key))
    return refs


def _ref(index: int, t: Target, metric: Optional[str], key: str) -> TargetRef:
    # The metric as read for comparison (a coordinated list's shared head added); the rest as extracted.
    return TargetRef(**{**t.model_dump(), "metric": metric, "metric_key": key}, index=index)


def _cmp(a: float, b: float) -> int:
    return 0 if abs(a - b) <= _EPS * max(1.0, abs(a), abs(b)) else (1 if a > b else -1)


def _firmness(t: TargetRef) -> int:
    return 0 if t.comparator == "~" else 1


def classify(parent: TargetRef, child: TargetRef, rules) -> tuple[Verdict, str]:
    """Same, stricter, looser or not comparable: the child's target against the parent's."""
    if (parent.unit or "") != (child.unit or ""):
        return "not_comparable", f"units differ ({parent.unit} vs {child.unit})"
    if parent.direction != child.direction:
        return "not_comparable", "a change against a level, or opposite changes"
    if parent.direction and parent.baseline_year and child.baseline_year and parent.baseline_year != child.baseline_year:
        return "not_comparable", f"changes from different baseline years ({parent.baseline_year} vs {child.baseline_year})"

    if parent.direction:  # a change: the larger one asks for more
        value_sign = _cmp(child.value, parent.value)
        why_value = "a larger change" if value_sign > 0 else "a smaller change"
    else:
        better = better_direction(child.metric_key, {parent.comparator, child.comparator}, rules)
        if better is None:
            return "not_comparable", "an upper bound against a lower bound"
        pv = parent.value if better == "higher" else (parent.value_max if parent.value_max is not None else parent.value)
        cv = child.value if better == "higher" else (child.value_max if child.value_max is not None else child.value)
        value_sign = _cmp(cv, pv) * (1 if better == "higher" else -1)
        why_value = f"{'higher' if _cmp(cv, pv) > 0 else 'lower'} value, {better} is better"

    if value_sign == 0:
        value_sign = _firmness(child) - _firmness(parent)
        why_value = "a firm bound instead of 'about'" if value_sign > 0 else "'about' instead of a firm bound"
    if value_sign == 0:
        value_sign = int(parent.aspirational) - int(child.aspirational)
        why_value = "a firm target instead of an aspiration" if value_sign > 0 else "an aspiration instead of a firm target"

    year_sign = 0
    if parent.target_year and child.target_year:
        year_sign = _cmp(parent.target_year, child.target_year)  # earlier in the child: stricter
    why_year = f"{'an earlier' if year_sign > 0 else 'a later'} year ({child.target_year} vs {parent.target_year})"

    if value_sign == 0 and year_sign == 0:
        return "same", "same target"
    if year_sign == 0:
        return ("stricter" if value_sign > 0 else "looser"), why_value
    if value_sign == 0:
        return ("stricter" if year_sign > 0 else "looser"), f"same value, {why_year}"
    if value_sign == year_sign:
        return ("stricter" if value_sign > 0 else "looser"), f"{why_value} and {why_year}"
    return "not_comparable", f"{why_value} but {why_year}"


def _scopes_fit(parent: TargetRef, child: TargetRef, rules) -> bool:
    """Compatible scopes: the same, one inside the other, or one named in the other's sentence
    (`沿海主要港口` inside `重点区域和粤港澳大湾区沿海主要港口…比例力争达到80%`)."""
    ps, cs = scope_key(parent.scope, rules), scope_key(child.scope, rules)
    if scopes_compatible(ps, cs):
        return True
    return (cs in clean(parent.text)) or (ps in clean(child.text))


def _preference(parent: TargetRef, child: TargetRef, score: float) -> tuple:
    """Which parent target a child target implements when several share its metric: the best metric
    score, then the same year, then the same kind of target (change or level, same baseline), then the
    nearest value."""
    same_kind = parent.direction == child.direction and parent.baseline_year == child.baseline_year
    same_year = parent.target_year == child.target_year
    gap = abs((child.value or 0) - (parent.value or 0)) / max(1.0, abs(parent.value or 0))
    return (round(score, 6), same_year, same_kind, -gap)


def is_level(t: TargetRef, rules) -> bool:
    """A rate, share, concentration or intensity (its unit is a percent or a per-unit, or its metric says
    so), not an amount that adds up over places."""
    return bool(rules.level_unit.compiled.search(t.unit or "") or rules.level_metric.compiled.search(t.metric_key or ""))


def national_against_region(parent: TargetRef, child: TargetRef, rules) -> tuple[Verdict, str, Optional[float]]:
    """A national target against a region's (same metric and unit)."""
    if not is_level(parent, rules):
        share = round(100 * child.value / parent.value, 2) if parent.value and child.value is not None else None
        said = f"; the region's is {share:g}% of the nation's" if share is not None else ""
        return "not_comparable", f"a national amount against a region's{said}", share
    if parent.direction or child.direction:
        return classify(parent, child, rules) + (None,)
    side = _cmp(child.value, parent.value)
    if side == 0:
        return "same", "the national level", None
    word = "above" if side > 0 else "below"
    return f"{word}_national", f"{word} the national level ({child.value:g} vs {parent.value:g}{parent.unit or ''})", None


def compare_targets(parent_doc: Document, child_doc: Document, rules, words) -> TargetComparison:
    national_parent = parent_doc.meta.region is None and parent_doc.meta.level == "national" and child_doc.meta.region is not None
    parents = target_refs(parent_doc, rules, words)
    children = target_refs(child_doc, rules, words)
    assign_regions(parents, rules, lambda r: scope_key(r.scope, rules) != "")
    places = places_of(child_doc, rules)
    other_regions = [p for p in parents if not applies_to(p, places, rules)]
    pairs: list[TargetPair] = []
    used: set[int] = set()
    added: list[TargetRef] = []
    for c in children:
        # A child metric that coordinates several (`氮氧化物和VOCs排放总量`) is also tried part by part.
        variants = [c.metric_key] + [metric_key(part, rules) for part in metric_parts(c.metric, rules)]
        candidates: list[tuple[tuple, int, float, int]] = []
        for pi, p in enumerate(parents):
            if p in other_regions or (p.unit or "") != (c.unit or "") or not _scopes_fit(p, c, rules):
                continue
            if p.target_year and c.target_year and p.target_year != c.target_year:  # a 2025 target never answers a 2030 one
                continue
            score, vi = max((metric_similarity(p.metric_key, v, words), -k) for k, v in enumerate(variants))
            if score >= rules.match_threshold:
                candidates.append((_preference(p, c, score), pi, score, -vi))
        if not candidates:
            added.append(c)
            continue
        candidates.sort(key=lambda x: x[0], reverse=True)
        chosen = [candidates[0]]
        # Each other part of a coordinated child metric may pair with a parent target of its own.
        # Parents of one metric (a target split by region) are alternatives: only the preferred one.
        keys, parts_used = {parents[candidates[0][1]].metric_key}, {candidates[0][3]}
        for cand in candidates[1:]:
            key = parents[cand[1]].metric_key
            if cand[3] > 0 and cand[3] not in parts_used and key not in keys:
                keys.add(key)
                parts_used.add(cand[3])
                chosen.append(cand)
        for _, pi, score, _ in chosen:
            used.add(pi)
            share = None
            if national_parent:
                verdict, reason, share = national_against_region(parents[pi], c, rules)
            else:
                verdict, reason = classify(parents[pi], c, rules)
            pairs.append(TargetPair(parent=parents[pi], child=c, score=round(score, 3), verdict=verdict, reason=reason,
                                    region_share=share))
    dropped = [p for pi, p in enumerate(parents) if pi not in used and p not in other_regions]
    counts = {v: sum(1 for p in pairs if p.verdict == v) for v in ("same", "stricter", "looser", "not_comparable")}
    counts.update({v: n for v in ("above_national", "below_national") if (n := sum(1 for p in pairs if p.verdict == v))})
    return TargetComparison(pairs=pairs, dropped=dropped, added=added, counts=counts, other_regions=other_regions,
                            child_places=sorted(places))
