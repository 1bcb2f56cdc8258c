"""Where a document is from (meta.region, a GB/T 2260 division) and, where the issuer did not say it,
its level.

The issuer says it first (`中共江苏省委`, `南宁市住房和城乡建设局`), then the titles (`上海市碳普惠…`), the
文号's province abbreviation (`苏政发` → 江苏省), the 印发 line, and last the opening of the text. A
central document (issued by the Party centre, the State Council or a ministry, a 国发/中发 number, or
addressed to 各省、自治区、直辖市) has no region and the level `national`; so does a document that names
no place at all.
"""
from __future__ import annotations

import regex as re

from ..grammar import Grammars
from ..grammar.check import bool_search, example_runner
from ..grammar.schema import Example
from ..models import Meta, Region
from ..regions import Division, division_named_by, place_index, place_of


def _national_issuer(meta: Meta, g: Grammars) -> bool:
    """An issuer the levels rule calls national; one opening with a level prefix (`市委宣传部`) is local."""
    national = next((r for r in g.meta.levels if r.level == "national"), None)
    local = tuple(g.agencies.level_prefixes)
    return any(national is not None and not who.startswith(local) and re.search(national.pattern, who) for who in meta.issuer)


def is_national(meta: Meta, g: Grammars) -> bool:
    """Issued by a central body, with no place in its issuers' names."""
    marker = g.places.national_marker.compiled
    if any(place_of(who, g.places) for who in meta.issuer):
        return False
    if meta.issuer:
        return _national_issuer(meta, g) or any(marker.search(who) for who in meta.issuer)
    if meta.doc_number and g.places.national_doc_number.compiled.search(meta.doc_number):
        return True
    return any(marker.search(r) for r in meta.recipients)


def _abbreviated_province(doc_number: str | None, g: Grammars) -> Division | None:
    """`苏政发〔2024〕53号` → 江苏省: the province a 文号 opens with."""
    if not doc_number or g.places.national_doc_number.compiled.search(doc_number):
        return None
    return place_index(g.places).abbreviations.get(doc_number[:1])


def _opening_place(text: str | None, g: Grammars, context: list[Division]) -> Division | None:
    """The place a title opens with (`广东省碳普惠交易管理办法`); a place further in is what it is about."""
    return place_of(text, g.places, context) if place_index(g.places).opens_with_place(text or "") else None


def region_of(meta: Meta, text: str, g: Grammars) -> Division | None:
    rules = g.places
    index = place_index(rules)
    named = " ".join(x for x in (*meta.issuer, meta.notice_title or "", meta.title or "", meta.printed_by or "") if x)
    abbreviated = _abbreviated_province(meta.doc_number, g)
    context = [d for cands in index.named(named) for d in cands] + ([abbreviated] if abbreviated else [])
    for who in meta.issuer:
        if place := place_of(who, rules, context):
            return place
    for title in (meta.notice_title, meta.title):
        if place := _opening_place(title, g, context):
            return place
    if abbreviated:
        return abbreviated
    for name in (meta.printed_by, meta.notice_title, meta.title):
        if name and (place := place_of(name, rules, context)):
            return place
    return place_of(text[: rules.body_chars], rules, context) or _most_named_place(text, g)


def _most_named_place(text: str, g: Grammars) -> Division | None:
    """A document that speaks of `我省`/`全市` but names no place up front: the place its text names most at
    that level (the province of 我省, the city of 全市, a municipality for its 全市)."""
    rules = g.places
    marker = rules.local_marker.compiled.search(text[: rules.local_opening_chars])
    if not marker or len(rules.local_marker.compiled.findall(text)) <= len(rules.national_scope.compiled.findall(text)):
        return None
    rank = rules.level_words.get(marker.group("unit"))
    counts: dict[Division, int] = {}
    for cands in place_index(rules).named(text):
        if len(cands) != 1 or rank is None:
            continue  # a namesake: no vote
        d = division_named_by(rank, cands[0]) if cands[0].rank >= rank else None
        if d is not None:
            counts[d] = counts.get(d, 0) + 1
    return max(counts, key=lambda d: counts[d]) if counts else None


def place_document(meta: Meta, text: str, g: Grammars) -> None:
    """Set meta.region, and meta.level where the issuer's name did not give it."""
    if is_national(meta, g):
        meta.region, meta.level = None, "national"
        return
    place = region_of(meta, text, g)
    meta.region = Region(name=place.name, code=place.code) if place else None
    if place is not None and meta.level in (None, "national"):
        meta.level = place.level
    elif meta.level is None:
        # no place named: a central document, unless it speaks of its own province or city (我省, 全市)
        marker = g.places.local_marker.compiled.search(text[: g.places.local_opening_chars])
        rank = g.places.level_words.get(marker.group("unit")) if marker else None
        meta.level = ("provincial", "municipal", "district")[rank] if rank is not None else "national"


@example_runner
def _place_examples(g: Grammars):
    """places.toml: which 文号 and which names are central; every abbreviation names a province of the
    division list (the example expects the name back)."""
    for name in ("national_doc_number", "national_marker", "local_marker", "national_scope"):
        rule = getattr(g.places, name)
        for ex in rule.examples:
            yield f"places.toml {name}", ex, bool_search(rule)
    index = place_index(g.places)
    for abbr, name in g.places.province_abbreviations.items():
        yield (f"places.toml province_abbreviations[{abbr}]", Example(input=abbr, expect=name),
               lambda s: (d.name if (d := index.abbreviations.get(s)) else None))
