"""Regions that targets are set for (`grammars/metrics.toml` [[regions]]: 京津冀及周边地区, 长三角地区 and their
provinces): named in a text, or opening a metric. Target extraction and compare both read them."""
from __future__ import annotations

from typing import Optional

import regex as re

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


