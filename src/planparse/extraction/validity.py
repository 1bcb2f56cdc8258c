"""The validity clause of a document (`本办法自2023年1月1日起施行，有效期至2027年12月31日`, `有效期5年`,
`自印发之日起施行`): meta.effective_from and meta.valid_until. Its time expressions are no task deadlines
and its numbers no targets: the spans it covers are returned so those readers skip them."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field


from ..grammar import Grammars, ValidityRule, any_of
from ..grammar.check import example_runner
from ..numerals import chinese_number


@dataclass
class Validity:
    effective_from: str | None = None
    valid_until: str | None = None
    spans: list[tuple[int, int]] = field(default_factory=list)


def _date(y: int, m: int, d: int) -> str | None:
    if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(y, m)[1]):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _years_after(start: str, n: int) -> str:
    """The last day of n years from `start` (2023-01-01, 5 → 2027-12-31)."""
    s = dt.date.fromisoformat(start)
    day = min(s.day, calendar.monthrange(s.year + n, s.month)[1])
    return (dt.date(s.year + n, s.month, day) - dt.timedelta(days=1)).isoformat()


def _resolve(rule: ValidityRule, groups: dict, issue_date: str | None, start: str | None) -> str | None:
    r = rule.resolve
    if r == "issue_date":
        return issue_date
    if r == "years_from_start":
        n = int(chinese_number(groups["n"], "smart"))
        return _years_after(start, n) if start and n > 0 else None
    y = int(groups["y"])
    if r == "year_end":
        return f"{y:04d}-12-31"
    m = int(groups["m"])
    if r == "month_end":
        return _date(y, m, calendar.monthrange(y, m)[1]) if 1 <= m <= 12 else None
    return _date(y, m, int(groups["d"]))


def _any_validity_rule(g: Grammars):
    return any_of(g.meta.validity)


def read_validity(text: str, g: Grammars, issue_date: str | None) -> Validity:
    """The effective date and the end of validity the text states (the last statement of each wins: an
    attached 办法's own clause comes after its covering notice's)."""
    out = Validity()
    anywhere = g.built(_any_validity_rule)
    if anywhere is not None and anywhere.search(text) is None:
        return out  # most documents state neither: one search of the text, not one per rule
    for wanted in ("effective_from", "valid_until"):
        found: list[tuple[int, str]] = []
        for rule in g.meta.validity:
            if rule.field != wanted:
                continue
            for m in rule.compiled.finditer(text):
                out.spans.append(m.span())
                value = _resolve(rule, {k: v for k, v in m.groupdict().items() if v}, issue_date, out.effective_from)
                if value is not None:
                    found.append((m.start(), value))
        if found:
            setattr(out, wanted, max(found)[1])
    out.spans.sort()
    return out


@example_runner
def _validity_examples(g: Grammars):
    for i, rule in enumerate(g.meta.validity):
        def reading(s, rule=rule):
            m = rule.compiled.search(s)
            if not m:
                return False
            if rule.resolve in ("issue_date", "years_from_start"):
                return rule.resolve + ("" if rule.resolve == "issue_date" else f" {int(chinese_number(m.group('n'), 'smart'))}")
            return _resolve(rule, {k: v for k, v in m.groupdict().items() if v}, None, None)
        for ex in rule.examples:
            yield f"meta.toml validity[{i}] ({rule.name})", ex, reading
