"""Regions a plan sets targets for (`grammars/metrics.toml` [[regions]]): a national target for
`京津冀及周边地区` is no target of a Jiangsu plan, while the `长三角地区` value beside it is.
"""
from __future__ import annotations

from ..models import Document
from ..regions import leading_regions, regions_named
from .models import TargetRef


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


def applies_to(ref: TargetRef, places: set[str], rules) -> bool:
    """A target set for regions applies to a child whose provinces are unknown or lie in one of them."""
    if not ref.regions or not places:
        return True
    members = {m for r in rules.regions if r.name in ref.regions for m in r.members} | set(ref.regions)
    return bool(places & members)
