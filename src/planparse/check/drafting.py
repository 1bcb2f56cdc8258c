"""Drafting errors a reader of the plan would trip over: 分别 lists that do not pair up, values that
cannot be, years outside the plan's period, a task without an owner among tasks that all have one,
and a task written twice. The words they read are in grammars/check.toml.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional

import regex as re

from ..grammar.check import bool_search, example_runner
from .agencies import owners, task_location
from .core import Context, Finding
from .front_matter import valid_iso
from .registry import Rule, checker

_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
_PARENTHETICAL = re.compile(r"[（(][^（）()]*[）)]")
_NOT_TEXT = re.compile(r"[\s\p{P}\p{S}]+")


@example_runner
def _check_examples(g):
    """check.toml: patterns say whether they match; `respectively`'s examples, (subjects, values)."""
    rules = g.check
    for name in ("dimensionless_metric", "share_metric", "growth_metric", "outlook", "plan_period", "standing_rules_title"):
        p = getattr(rules, name)
        for ex in p.examples:
            yield f"check.toml {name}", ex, bool_search(p)
    for ex in rules.respectively.examples:
        yield "check.toml respectively", ex, lambda s: list(rules.respectively.counts(s) or ())


def _body_part(clause_id: str) -> str:
    """Which part of the document a clause is in: the body, or one annex (A2.1 → A2)."""
    return clause_id.split(".")[0] if clause_id.startswith("A") else ""


@checker(
    Rule("PP018", "respectively-mismatch", "error",
         "A 分别 sentence whose subjects and values do not pair up: 工业、交通和建筑领域碳排放分别下降10%、12% "
         "names three subjects and two values. A range (10%—12%) is one value.",
         why="分别 pairs subjects and values one to one; a missing value leaves one subject without a target — usually an edit that dropped a number.",
         example="bad:  工业、交通和建筑领域碳排放分别下降10%、12%\nfine: 工业和交通领域碳排放分别下降10%、12% ; PM2.5和臭氧浓度分别下降10%—12%、5%"),
)
def check_respectively(ctx: Context) -> Iterable[Finding]:
    rule = ctx.g.check.respectively
    text = ctx.nt.text
    for m in rule.compiled.finditer(text):
        counts = rule.counts(m.group(0))
        if counts is None:
            continue
        subjects, values = counts
        if subjects >= 2 and values >= 2 and subjects != values:
            yield ctx.at(
                "PP018", m.start("subjects"),
                f"“{m.group(0).strip()}” names {subjects} subjects and {values} values for 分别: they must pair up",
            )


def _target_location(ctx: Context, t) -> dict:
    c = ctx.clauses_by_id.get(t.clause_id) if t.clause_id else None
    line = ctx.line_at(t.span[0]) if t.span else (c.line if c else None)
    page = ctx.page_at(t.span[0]) if t.span else (c.page if c else None)
    return {"clause_id": t.clause_id, "line": line, "page": page, "task_seq": t.task_seq}


@checker(
    Rule("PP019", "impossible-value", "error",
         "A share, rate or coverage stated as a level over 100%: 覆盖率达到120%. A growth rate (增长率, "
         "增速) or a change (提高20%) can exceed 100%, and is not reported.",
         why="No share, rate or coverage exceeds 100%: the number is a typo or names the wrong metric.",
         example="bad:  农村生活污水治理覆盖率达到120%\nfine: 覆盖率达到100% ; 研发经费投入年均增长率达到120%"),
)
def check_impossible_values(ctx: Context) -> Iterable[Finding]:
    rules = ctx.g.check
    for t in ctx.doc.targets:
        if t.qualitative or t.value is None or t.direction is not None or (t.unit or "") != "%":
            continue
        highest = max(t.value, t.value_max or 0)
        metric = t.metric or ""
        if highest <= 100 or not rules.share_metric.compiled.search(metric) or rules.growth_metric.compiled.search(metric):
            continue
        yield Finding(ctx.path, "PP019", f"“{t.text}”: {metric} is a share, which cannot be {highest:g}%",
                      **_target_location(ctx, t))


def plan_period(ctx: Context) -> tuple[Optional[int], Optional[int]]:
    """(first year, last year) of the plan: from its title (（2022—2025年）), else (meta.doc_year, None)."""
    meta = ctx.doc.meta
    for title in (meta.title, meta.notice_title):
        m = ctx.g.check.plan_period.compiled.search(title or "")
        if m and int(m.group("start")) <= int(m.group("end")):
            return int(m.group("start")), int(m.group("end"))
    return meta.doc_year, None


def _sentence_around(text: str, start: int, end: int) -> str:
    a = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    b = _SENTENCE_END.search(text, end)
    return text[a: b.start() if b else len(text)]


@checker(
    Rule("PP020", "year-outside-plan", "warning",
         "A year that contradicts the plan's period (from its title, （2022—2025年）): a target year after the "
         "period's last year with no 展望/力争 (looking further ahead is fine), or a deadline before its first "
         "year (one also before the 成文日期 is PP013's). Without a period in the title, a deadline before the "
         "document's year when there is no 成文日期 for PP013 to compare with.",
         why="A plan for 2024—2025 cannot set binding 2027 targets or 2023 deadlines: a year left from another plan or a typo.",
         example="bad:  到2027年，… in 方案（2024—2025年）\nfine: 展望2027年，… ; 力争到2027年，…"),
)
def check_years(ctx: Context) -> Iterable[Finding]:
    start, end = plan_period(ctx)
    if start is None:
        return
    text = ctx.nt.text
    outlook = ctx.g.check.outlook.compiled
    period = f"{start}—{end}年" if end else f"{start}年"
    if end is not None:
        for t in ctx.doc.targets:
            if t.target_year is None or t.target_year <= end or t.aspirational or t.table_index is not None:
                continue
            context = _sentence_around(text, *t.span) if t.span else t.text
            c = ctx.clauses_by_id.get(t.clause_id) if t.clause_id else None
            if outlook.search(context) or (c is not None and outlook.search(c.heading or "")):
                continue
            yield Finding(ctx.path, "PP020", f"target “{t.text}” aims at {t.target_year}, after the plan's period "
                          f"{period}, and does not say it looks further ahead (展望/力争)", **_target_location(ctx, t))

    issued = valid_iso(ctx.doc.meta.issue_date) or valid_iso(ctx.doc.meta.print_date)
    if end is None and issued:
        return  # PP013 compares deadlines with the 成文日期

    def before_start(d) -> bool:
        when = valid_iso(d.date) if d is not None else None
        # A deadline before the 成文日期 too is PP013's: one defect, one finding.
        return d.kind == "date" and when is not None and when.year < start and not (issued and when < issued)

    for c in ctx.doc.clauses:
        for d in c.deadlines:
            when = valid_iso(d.date)
            if before_start(d):
                f = ctx.at_clause("PP020", c.id, f"deadline “{d.text}” ({when.year}) is before the plan's period {period}")
                if d.span:
                    f.line = ctx.line_at(d.span[0]) or f.line
                yield f
    for t in ctx.doc.tasks:
        d = t.deadline
        when = valid_iso(d.date) if d is not None else None
        if d is not None and when is not None and before_start(d):
            loc = task_location(ctx, t)
            yield Finding(ctx.path, "PP020", f"task {t.seq}: deadline “{d.text}” ({when.year}) is before the plan's "
                          f"period {period}", line=loc["line"], page=loc["page"], task_seq=t.seq)


def _owned(clause) -> bool:
    return any(owners(a) for a in clause.agencies)


@checker(
    Rule("PP021", "task-owner-missing", "warning",
         "A task clause with no agency annotation (牵头/负责) among at least three sibling tasks that all name "
         "one: (一)…（市发展改革委牵头） (二)… (三)…（市生态环境局牵头） (四)…（市公安局负责）. Sections where no task names an agency "
         "(保障措施) are not reported.",
         why="When every task names who leads it, the one that does not has no owner: an annotation lost in editing.",
         example="bad:  (一)…（甲牵头） (二)… (三)…（乙牵头） (四)…（丙负责）\nfine: 保障措施 whose items name no agency at all"),
)
def check_task_owner(ctx: Context) -> Iterable[Finding]:
    parents = {c.parent_id for c in ctx.doc.clauses if c.parent_id}
    siblings: dict[Optional[str], list] = defaultdict(list)
    for c in ctx.doc.clauses:
        if c.id not in parents:
            siblings[(c.parent_id, c.level)].append(c)
    for group in siblings.values():
        owned = [c for c in group if _owned(c)]
        bare = [c for c in group if not c.agencies]
        # The others all name an owner, and there are enough of them to be a habit, not a coincidence.
        # (保障措施 often opens with 加强组织领导 and no annotation before annotated measures: three owned
        # tasks make the habit, not two.)
        if len(owned) >= 3 and len(bare) == 1 and len(owned) + len(bare) == len(group):
            c = bare[0]
            yield ctx.at_clause(
                "PP021", c.id,
                f"{c.marker_raw or c.marker}{c.heading or ''} names no lead (牵头) or responsible (负责) agency; "
                f"the other {len(owned)} tasks beside it all do",
            )


def _in_article(ctx: Context, clause) -> bool:
    while clause is not None:
        if clause.kind == "article":
            return True
        clause = ctx.clauses_by_id.get(clause.parent_id) if clause.parent_id else None
    return False


def _sentences(text: str) -> list[str]:
    """A clause's sentences, compared without agency annotations, spaces and punctuation."""
    return [_NOT_TEXT.sub("", s) for s in _SENTENCE_END.split(_PARENTHETICAL.sub("", text))]


@checker(
    Rule("PP022", "task-duplicated", "warning",
         "The same task written twice: two titled task clauses (（一）优化产业结构。…) of one part of the "
         "document (the body, or one annex) whose sentences are mostly the same (at least half of the shorter one's text, in sentences of "
         "some length), or two task-table rows that say the same. One sentence repeated inside longer, "
         "different tasks is not reported, nor an annex's task table repeating the body, nor articles "
         "(第十条) and their items, which repeat each other on purpose (a penalty article lists the prohibitions).",
         why="A task written twice is counted twice and assigned twice, often with different owners or deadlines.",
         example="bad:  （三）优化交通结构。2024年底前，基本淘汰… and （四）the same text\nfine: a penalty article repeating the prohibitions it punishes"),
)
def check_duplicates(ctx: Context) -> Iterable[Finding]:
    least = ctx.g.check.duplicate_min_chars
    holders: dict[tuple[str, str], list[str]] = defaultdict(list)
    sizes: dict[str, int] = {}
    for c in ctx.doc.clauses:
        # A task has a title (（一）优化产业结构。…). Articles and their items are law: a penalty article
        # repeats the list of prohibitions on purpose.
        if not c.heading or _in_article(ctx, c):
            continue
        own = c.text[len(c.heading):] if c.text.startswith(c.heading) else c.text
        sentences = _sentences(own)
        sizes[c.id] = sum(len(s) for s in sentences)
        for s in set(sentences):
            if len(s) >= least:
                holders[(_body_part(c.id), s)].append(c.id)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for (_, s), ids in holders.items():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                shared[(a, b)] += len(s)
    reported: set[str] = set()
    for (first, second), size in shared.items():
        if second in reported or size * 2 < min(sizes[first], sizes[second]):
            continue
        reported.add(second)
        c, o = ctx.clauses_by_id[second], ctx.clauses_by_id[first]
        yield ctx.at_clause(
            "PP022", c.id,
            f"{c.marker_raw or c.marker}{c.heading or ''} repeats {o.marker_raw or o.marker}{o.heading or ''}"
            f"{' (line ' + str(o.line) + ')' if o.line else ''}: {size} characters of it are the same",
        )
    rows: dict[str, int] = {}
    for t in ctx.doc.tasks:
        content = _NOT_TEXT.sub("", t.content or "")
        if len(content) < least:
            continue
        if content in rows:
            loc = task_location(ctx, t)
            yield Finding(ctx.path, "PP022", f"task {t.seq} repeats task {rows[content]}: “{(t.content or '')[:30]}”",
                          line=loc["line"], page=loc["page"], task_seq=t.seq)
        else:
            rows[content] = t.seq
