"""Places: the regions that targets are set for (`grammars/metrics.toml` [[regions]]: 京津冀及周边地区,
长三角地区 and their provinces), named in a text or opening a metric, which target extraction and compare
read; and the administrative divisions of GB/T 2260 (the vendored list of `data/`), which say where a
document is from (meta.region)."""
from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import regex as re

from .grammar.programs import kept

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


def leading_regions(metric: str, rules) -> str:
    """The run of region names (and the separators between them) a metric opens with."""
    pattern, _ = _alias_pattern(rules)
    end = 0
    while pattern is not None and (m := pattern.match(metric, end)):
        end = m.end()
        sep = next((x for x in rules.list_separators if metric.startswith(x, end)), "")
        end += len(sep)
    return metric[:end]




# --- Administrative divisions (GB/T 2260): where a document is from ---------------------------------

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Division:
    """A province, prefecture-level or county-level division with its six-digit GB/T 2260 code."""

    code: str
    name: str

    @property
    def rank(self) -> int:
        """0: province (incl. the four municipalities), 1: prefecture level, 2: county level."""
        return 0 if self.code.endswith("0000") else (1 if self.code.endswith("00") else 2)

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    def contains(self, other: "Division") -> bool:
        return other.code.startswith(self.code[: 2 * (self.rank + 1)])

    @property
    def level(self) -> str:
        """The contract's level of a government of this division."""
        return ("provincial", "municipal", "district")[self.rank]

    @property
    def is_municipality(self) -> bool:
        """北京, 天津, 上海, 重庆: a province with no prefecture-level division under it."""
        return self.rank == 0 and self.code[:2] not in _provinces_with_prefectures()


@functools.lru_cache(maxsize=1)
def _provinces_with_prefectures() -> frozenset[str]:
    return frozenset(d.code[:2] for d in divisions().values() if d.rank == 1)


def division_named_by(rank: int, region: "Division") -> Optional["Division"]:
    """The division of a document of `region` that a jurisdiction word of this rank stands for (我省, 全市,
    市发改委): its province, its city (a municipality for 市 in its own documents), or its county."""
    table = divisions()
    province = table.get(region.province_code)
    if province is None:
        return None
    if rank == 0:
        return None if province.is_municipality else province
    if rank == 1:
        return province if province.is_municipality else (table.get(region.code[:4] + "00") if region.rank >= 1 else None)
    return region if region.rank == 2 else None


@functools.lru_cache(maxsize=1)
def divisions() -> dict[str, Division]:
    """code -> Division, from the vendored list (data/divisions.csv, see data/README.md)."""
    source = (_DATA / "divisions.csv").read_bytes()

    def parse() -> list[tuple[str, str]]:
        return [(r["code"], r["name"]) for r in csv.DictReader(io.StringIO(source.decode("utf-8")))]

    return {code: Division(code, name) for code, name in kept("divisions", source, parse)}


@functools.lru_cache(maxsize=1)
def _ethnic_names() -> tuple[str, ...]:
    names = [ln.strip() for ln in (_DATA / "nations.csv").read_text(encoding="utf-8").splitlines() if ln.strip()]
    # 新疆维吾尔自治区 writes 维吾尔 without 族
    return tuple(sorted({n for name in names for n in (name, name.removesuffix("族")) if len(n) >= 2}, key=len, reverse=True))


def short_form(name: str, endings: tuple[str, ...], autonomous: tuple[str, ...] = ()) -> str:
    """江苏省 → 江苏, 广西壮族自治区 → 广西, 恩施土家族苗族自治州 → 恩施: the name an issuer or title may use."""
    for e in sorted(endings, key=len, reverse=True):
        if name.endswith(e) and len(name) > len(e):
            stem = name[: -len(e)]
            if e in autonomous:
                # the ethnic names after a place's own name (内蒙古 holds 蒙古 at 1: that is its name)
                cut = min((i for i in (stem.find(n) for n in _ethnic_names()) if i >= 2), default=len(stem))
                stem = stem[:cut]
            return stem if len(stem) >= 2 else name
    return name


class PlaceIndex:
    """Every division's names (full, and short for provinces and prefectures) as one pattern."""

    def __init__(self, rules):
        endings, autonomous = tuple(rules.short_form_endings), tuple(rules.autonomous_endings)

        def names() -> tuple[dict[str, list[str]], dict[str, list[int]]]:
            codes: dict[str, list[str]] = {}
            for d in divisions().values():
                forms = {d.name}
                if d.rank < 2:
                    forms.add(short_form(d.name, endings, autonomous))
                elif len(d.name) - 1 < rules.min_county_stem:
                    continue  # 城区, 矿区: words as much as places
                for f in sorted(forms):
                    if d.code not in codes.setdefault(f, []):
                        codes[f].append(d.code)
            # Names by their first character: a scan looks a name up only where one can start (a regular
            # expression of 3,000 alternatives tried each at every character: seconds on a long text).
            lengths: dict[str, list[int]] = {}
            for name in codes:
                lengths.setdefault(name[0], []).append(len(name))
            return codes, {ch: sorted(set(ns), reverse=True) for ch, ns in lengths.items()}

        # built from the two data files and three rules: kept for the next process (~8 ms of a start-up)
        made_from = repr((endings, autonomous, rules.min_county_stem)).encode("utf-8")
        for source in ("divisions.csv", "nations.csv"):
            made_from += b"\x00" + (_DATA / source).read_bytes()
        codes, self.lengths = kept("place-index", made_from, names)
        table = divisions()
        self.table: dict[str, list[Division]] = {name: [table[c] for c in cs] for name, cs in codes.items()}
        self.abbreviations: dict[str, Division] = {}
        by_name = {d.name: d for d in divisions().values() if d.rank == 0}
        for abbr, name in rules.province_abbreviations.items():
            if name in by_name:
                self.abbreviations[abbr] = by_name[name]

    def finditer(self, text: str):
        """(start, end, name) of each place name in `text`, left to right, the longest at each start."""
        i, n = 0, len(text or "")
        while i < n:
            for length in self.lengths.get(text[i], ()):
                if text[i : i + length] in self.table:
                    yield i, i + length, text[i : i + length]
                    i += length
                    break
            else:
                i += 1

    def named(self, text: str) -> list[list[Division]]:
        """The places a text names, in order: each the divisions its name may be (one, or several
        for a name several divisions share: 鼓楼区)."""
        return [self.table[name] for _, _, name in self.finditer(text or "")]

    def opens_with_place(self, text: str) -> bool:
        return any((text or "")[:length] in self.table for length in self.lengths.get((text or " ")[0], ()))


_place_indexes: dict[int, tuple] = {}


def place_index(rules) -> PlaceIndex:
    cached = _place_indexes.get(id(rules))
    if cached is not None and cached[0] is rules:
        return cached[1]
    index = PlaceIndex(rules)
    _place_indexes[id(rules)] = (rules, index)
    return index


def resolve_place(candidates: list[Division], context: list[Division]) -> Optional[Division]:
    """The division a name means: the only one, else the one inside a place named nearby (the
    document's province or city), else a province or prefecture over its namesakes below it."""
    if len(candidates) == 1:
        return candidates[0]
    for around in sorted(set(context), key=lambda x: -x.rank):  # the narrowest place named nearby first
        inside = [c for c in candidates if around.contains(c) and around != c]
        if len(inside) == 1:
            return inside[0]
    top = min(c.rank for c in candidates)
    highest = [c for c in candidates if c.rank == top]
    return highest[0] if len(highest) == 1 else None


def place_of(text: str, rules, context: list[Division] = ()) -> Optional[Division]:
    """The place a name (an issuer, a title) is of: its first place, narrowed by the places right after
    it that lie inside it (江苏省南京市 → 南京市)."""
    index = place_index(rules)
    matches = list(index.finditer(text or ""))
    if not matches:
        return None
    flat = [c for _, _, name in matches for c in index.table[name]]
    place = resolve_place(index.table[matches[0][2]], [*context, *flat])
    end = matches[0][1]
    for start, stop, name in matches[1:]:
        if start != end:
            break  # only a run of names written together (江苏省南京市鼓楼区) narrows the place
        nxt = resolve_place(index.table[name], [*context, *flat])
        if place is not None and nxt is not None and place.contains(nxt) and nxt != place:
            place = nxt
        end = stop
    return place
