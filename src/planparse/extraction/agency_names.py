"""Agencies an analyst can count across documents: who leads under a document's own rule, and canonical
names that keep their place.

- A document that says `列首位的为牵头单位` (agencies.toml `first_listed_lead`) makes the first body of each
  list the lead: a list without a lead of its own gets its first name as lead.
- A canonical name with a bare level prefix (`市发展和改革委员会`) takes the name of the document's own
  division at that level (`天津市发展和改革委员会`): the 发改委 of three cities stay three.
"""
from __future__ import annotations

from typing import Iterable, Optional

from ..grammar import Grammars
from ..grammar.check import bool_search, example_runner
from ..models import Agencies, AgencyMention, Meta
from ..regions import Division, division_named_by, divisions, place_index


def apply_first_listed_lead(entries: Iterable[Agencies]) -> None:
    """The first of each list of responsible (or implementing) bodies leads, where no lead is named; the
    others of a 责任单位 list support it (conventions, "Additions")."""
    for ag in entries:
        if ag.lead:
            continue
        for role in ("responsible", "implementers"):
            names = [n for n in getattr(ag, role) if n not in ag.implementers_inherited]
            if names:
                ag.lead.append(names[0])
                getattr(ag, role).remove(names[0])
                if role == "responsible":
                    ag.support.extend(n for n in ag.responsible if n not in ag.support)
                    ag.responsible.clear()
                break


def placed(name: str, region: Optional[Division], g: Grammars) -> str:
    """`市发展和改革委员会` → `天津市发展和改革委员会` in a 天津 document; any other name as it is."""
    if region is None or not name or name[:1] not in g.agencies.level_prefixes or name.startswith(tuple(g.agencies.not_level_prefix)):
        return name
    if place_index(g.places).named(name[1:]):
        return name  # 省人民银行济南分行: a body of a place of its own, not of the prefix's
    rank = g.places.level_words.get(name[0])
    place = division_named_by(rank, region) if rank is not None else None
    # 市 of a 州 (not a city) or 区 of an autonomous region's own document: no division of that kind here
    return place.name + name[1:] if place is not None and place.name.endswith(name[0]) else name


def place_canonical_names(entries: Iterable[Agencies], mentions: Iterable[AgencyMention], meta: Meta, g: Grammars) -> None:
    region = divisions().get(meta.region.code) if meta.region else None
    if region is None:
        return
    for ag in entries:
        for role in ("lead", "support", "responsible", "implementers"):
            for n in getattr(ag, role):
                full = placed(ag.canonical.get(n) or n, region, g)
                if full != n:
                    ag.canonical[n] = full
    for m in mentions:
        full = placed(m.canonical or m.name, region, g)
        if full != m.name:
            m.canonical = full


@example_runner
def _first_listed_examples(g: Grammars):
    rule = g.agencies.first_listed_lead
    for ex in rule.examples:
        yield "agencies.toml first_listed_lead", ex, bool_search(rule)
