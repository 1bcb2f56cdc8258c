"""Goal rules: PP011 a target without a year, PP012 without a unit, PP013 a deadline before the
issue date."""
from __future__ import annotations

from typing import Iterable, Optional

import regex as re

from .agencies import task_location
from .core import Context, Finding
from .front_matter import valid_iso
from .registry import Rule, checker

# --- targets: PP011 no year, PP012 no unit; deadlines: PP013 ----------------------------------------

_YEAR = re.compile(r"(?:19|20)\d{2}")
_GOALS = re.compile(r"目标")


def _dated(deadlines) -> bool:
    return any(d is not None and d.kind in ("date", "period", "recurring") for d in deadlines)


def _clause_implies_year(ctx: Context, cid: Optional[str]) -> bool:
    while cid:
        c = ctx.clauses_by_id.get(cid)
        if c is None:
            return False
        if _dated(c.deadlines):
            return True
        cid = c.parent_id
    return False


def _time_expressions(ctx: Context, text: str) -> list:
    from ..extraction.deadlines import deadlines_in

    try:
        return deadlines_in(text, ctx.g, ctx.doc.meta.doc_year, 0)
    except Exception:  # the deadline grammar is not this rule's business: no expression found
        return []


@checker(
    Rule("PP011", "target-no-year", "info",
         "A quantified target with no target year, where none is implied: by a dated or recurring deadline "
         "in its clause, a parent clause, its task row or its own text (每年), by a year in the plan's "
         "title, or by the plan's first section or targets section (主要目标：到2025年…). Not in documents of "
         "standing rules (…办法, …细则, …条例), whose numbers are rules, not goals.",
         why="A target without a year cannot be assessed: by when?",
         example="bad:  PM2.5浓度下降10%. in a plan with no year anywhere\nfine: the same under 主要目标：到2025年，…"),
    Rule("PP012", "target-no-unit", "warning",
         "A quantified target whose number has no unit (80 instead of 80%), except dimensionless ratios and indices "
         "(PUE 1.3, …比 0.4, 系数, 指数: grammars/check.toml dimensionless_metric).",
         why="80 without a unit may be a percent, a count or a concentration: the target cannot be assessed. Ratios and indices have no unit.",
         example="bad:  非化石能源消费比重达到20左右\nfine: 数据中心PUE降至1.3以下 ; 炼焦产能与长流程炼钢产能比控制在0.4左右"),
)
def check_targets(ctx: Context) -> Iterable[Finding]:
    meta = ctx.doc.meta
    # A year for the whole plan: in its title (江苏省2020年…工作计划), or in its targets section
    # (（三）目标指标。到2025年，…): later targets without a year of their own aim at that horizon.
    # The first section of a plan (总体要求 / 主要目标) states its horizon too: `主要目标是：到2025年，…`.
    first = ctx.doc.clauses[0].id.split(".")[0] if ctx.doc.clauses else None
    horizon = bool(_YEAR.search((meta.title or "") + (meta.notice_title or ""))) or any(
        (_GOALS.search(c.heading or "") or c.id.split(".")[0] == first) and _dated(c.deadlines)
        for c in ctx.doc.clauses
    )
    # 办法/细则/条例: numbers that are rules (公示期不少于7个工作日), not goals for a year.
    standing_rules = bool(ctx.g.check.standing_rules_title.compiled.search((meta.title or "").strip()))
    tasks = {t.seq: t for t in ctx.doc.tasks}
    for t in ctx.doc.targets:
        if t.qualitative or t.value is None or t.table_index is not None:
            continue  # table cells take their unit and year from the table's header and title
        task = tasks.get(t.task_seq) if t.task_seq is not None else None
        if task is not None:
            loc = task_location(ctx, task)
        else:
            c = ctx.clauses_by_id.get(t.clause_id) if t.clause_id else None
            line = ctx.line_at(t.span[0]) if t.span else (c.line if c else None)
            loc = {"clause_id": t.clause_id, "line": line, "page": c.page if c else None, "task_seq": None}
        text = t.text or (t.metric or "")
        if t.target_year is None and not horizon and not standing_rules:
            implied = _clause_implies_year(ctx, t.clause_id if task is None else task.clause_id)
            if task is not None and _dated([task.deadline]):
                implied = True
            if not implied and _dated(_time_expressions(ctx, text)):
                implied = True  # `每年建设绿色工厂10家`: the target recurs every year
            if not implied:
                yield Finding(ctx.path, "PP011", f"target “{text}” has no target year (到20XX年) and none is implied", **loc)
        if not t.unit and not ctx.g.check.dimensionless_metric.compiled.search(t.metric or ""):
            yield Finding(ctx.path, "PP012", f"target “{text}” gives {t.value:g} without a unit", **loc)


@checker(
    Rule("PP013", "deadline-before-issue", "error",
         "A deadline that falls before the document's 成文日期 (or its 印发日期 when there is no 成文日期).",
         why="A deadline already past when the document is signed is a year left over from an earlier draft.",
         example="bad:  2023年底前 in a notice dated 2024年3月15日\nfine: 2024年底前"),
)
def check_deadlines(ctx: Context) -> Iterable[Finding]:
    meta = ctx.doc.meta
    ref, label = valid_iso(meta.issue_date), "成文日期"
    if ref is None:
        ref, label = valid_iso(meta.print_date), "印发日期"
    if ref is None:
        return
    for c in ctx.doc.clauses:
        for d in c.deadlines:
            when = valid_iso(d.date)
            # A period (`2019-2020年秋冬季`) names a campaign that may be under way or just ended: only a
            # time limit (a date) can be missed.
            if d.kind == "date" and when is not None and when < ref:
                f = ctx.at_clause("PP013", c.id, f"deadline “{d.text}” ({d.date}) is before the {label} {ref.isoformat()}")
                if d.span:
                    f.line = ctx.line_at(d.span[0]) or f.line
                yield f
    for t in ctx.doc.tasks:
        d = t.deadline
        when = valid_iso(d.date) if d else None
        if d is not None and d.kind == "date" and when is not None and when < ref:
            loc = task_location(ctx, t)
            yield Finding(ctx.path, "PP013", f"task {t.seq}: deadline “{d.text}” ({d.date}) is before the {label} {ref.isoformat()}", **loc)
