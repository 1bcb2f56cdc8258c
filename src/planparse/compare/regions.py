"""Regions a plan sets targets for (`grammars/metrics.toml` [[regions]]): a national target for
`京津冀及周边地区` is no target of a Jiangsu plan, while the `长三角地区` value beside it is.
"""
from __future__ import annotations

from typing import Optional

import regex as re

from ..models import Document
from .models import TargetRef

_compiled: dict[int, tuple] = {}


def _alias_pattern(rules) -> tuple[Optional[re.Pattern], dict[str, str]]:
    cached = _compiled.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1], cached[2]
    # A province of a region is a place targets are set for too (`北京市控制在32微克/立方米以内`).
    table = {m: m for r in rules.regions for m in r.members}
    table.update({form: r.name for r in rules.regions for form in (r.name, *r.aliases)})
    pattern = re.compile("|".join(re.escape(f) for f in sorted(table, key=len, reverse=True))) if table else None
    _compiled[id(rules)] = (rules, pattern, table)
    return pattern, table


def regions_named(text: str, rules) -> list[str]:
    """The regions a text names, in order, each once."""
    pattern, table = _alias_pattern(rules)
    out: list[str] = []
    for m in pattern.finditer(text or "") if pattern is not None else ():
        if table[m.group(0)] not in out:
            out.append(table[m.group(0)])
    return out


def places_of(doc: Document, rules) -> set[str]:
    """The provinces (region members) a plan's own title, notice title and issuer name."""
    names = " ".join(x for x in (doc.meta.title, doc.meta.notice_title, *doc.meta.issuer) if x)
    members = {m for r in rules.regions for m in r.members}
    return {m for m in members if m in names}


def assign_regions(refs: list[TargetRef], rules, has_own_scope) -> None:
    """Set `regions` on the targets set for a named region.

    - one sentence, several targets (`京津冀及周边地区、汾渭平原PM2.5浓度分别下降20%、15%`) and as many
      regions named: taken in order;
    - a target alone in its sentence whose metric opens with regions and that has no other scope
      (`京津冀及周边地区大型规模化畜禽养殖场大气氨排放总量比2020年下降5%`): those regions.
    """
    groups: dict[tuple, list[TargetRef]] = {}
    for r in refs:
        groups.setdefault((r.text, r.clause_id, r.task_seq), []).append(r)
    for (text, _, _), members in groups.items():
        named = regions_named(text, rules)
        if not named:
            continue
        if len(members) > 1 and len(members) == len(named):
            for r, region in zip(members, named):
                r.regions = [region]
        elif len(members) == 1 and not has_own_scope(members[0]):
            members[0].regions = regions_named(leading_regions(members[0].metric or "", rules), rules)


def leading_regions(metric: str, rules) -> str:
    """The run of region names (and the separators between them) a metric opens with."""
    pattern, _ = _alias_pattern(rules)
    end = 0
    while pattern is not None and (m := pattern.match(metric, end)):
        end = m.end()
        sep = next((x for x in rules.list_separators if metric.startswith(x, end)), "")
        end += len(sep)
    return metric[:end]


def applies_to(ref: TargetRef, places: set[str], rules) -> bool:
    """A target set for regions applies to a child whose provinces are unknown or lie in one of them."""
    if not ref.regions or not places:
        return True
    members = {m for r in rules.regions if r.name in ref.regions for m in r.members} | set(ref.regions)
    return bool(places & members)
