"""Agency rules: PP010 a task or annotation with no owner, PP014 one agency spelt two ways."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import regex as re

from .core import Context, Finding
from .registry import Rule, checker

# --- agencies: PP010 no owner, PP014 spelling --------------------------------------------------------


def owners(a) -> list[str]:
    own_impl = [n for n in a.implementers if n not in set(a.implementers_inherited)]
    return list(a.lead) + list(a.responsible) + own_impl


def task_location(ctx: Context, task) -> dict:
    loc: dict = {"task_seq": task.seq, "page": task.page, "clause_id": None, "line": None}
    probe = re.sub(r"\s+", "", task.content or "")[:12]
    if probe:
        off = ctx.nt.text.find(probe, ctx.body_end if ctx.body_end < len(ctx.nt.text) else 0)
        if off >= 0:
            loc["line"] = ctx.line_at(off)
            loc["page"] = loc["page"] or ctx.page_at(off)
    return loc


@checker(
    Rule("PP010", "agency-no-owner", "warning",
         "A task-table row, or a clause's agency annotation, names no lead (牵头) or responsible (负责, "
         "负责落实) agency — only supporting (配合) agencies, or none at all.",
         why="A task that names only supporting agencies has nobody accountable for it.",
         example="bad:  （市生态环境局配合）\nfine: （市发展改革委牵头，市生态环境局配合）"),
)
def check_agency_owner(ctx: Context) -> Iterable[Finding]:
    for c in ctx.doc.clauses:
        for a in c.agencies:
            if not owners(a) and a.support:
                yield ctx.at_clause(
                    "PP010", c.id,
                    f"agency annotation names only supporting agencies (配合: {'、'.join(a.support)}); "
                    f"no lead (牵头) or responsible (负责) agency",
                )
    for t in ctx.doc.tasks:
        a = t.agencies
        if a is not None and owners(a):
            continue
        loc = task_location(ctx, t)
        what = (t.content or t.category or "").strip()
        what = what[:24] + ("…" if len(what) > 24 else "")
        if a is not None and a.support:
            msg = f"task {t.seq} ({what}) names only supporting agencies (配合: {'、'.join(a.support)}); no lead or responsible agency"
        else:
            msg = f"task {t.seq} ({what}) names no lead (牵头) or responsible (负责) agency"
        yield Finding(ctx.path, "PP010", msg, line=loc["line"], page=loc["page"], task_seq=t.seq)


def _canonical(name: str, written: dict, index: dict, prefixes: list[str]) -> str:
    if name in written:
        return written[name]
    if name in index:
        return index[name]
    for p in prefixes:
        if name.startswith(p) and name[len(p):] in index:
            return p + index[name[len(p):]]
    return name


@checker(
    Rule("PP014", "agency-spelling", "warning",
         "One agency written two ways in one document (省发改委 and 省发展改革委): names whose canonical forms "
         "(agency lexicon) agree but whose spellings differ.",
         why="Two spellings of one agency make readers (and task trackers) think there are two.",
         example="bad:  市发改委 … 市发展改革委\nfine: 市发展改革委 throughout"),
)
def check_agency_spelling(ctx: Context) -> Iterable[Finding]:
    index = ctx.g.lexicon.index
    prefixes = sorted(ctx.g.agencies.level_prefixes, key=len, reverse=True)
    # canonical -> spelling -> [count, first location kwargs]
    seen: dict[str, dict[str, list]] = defaultdict(dict)

    def note(a, loc: dict) -> None:
        for role in ("lead", "support", "responsible", "implementers"):
            for n in getattr(a, role):
                if role == "implementers" and n in a.implementers_inherited:
                    continue
                canon = _canonical(n, a.canonical, index, prefixes)
                entry = seen[canon].setdefault(n, [0, loc])
                entry[0] += 1

    for c in ctx.doc.clauses:
        for a in c.agencies:
            note(a, {"clause_id": c.id, "line": c.line, "page": c.page})
    for t in ctx.doc.tasks:
        if t.agencies is not None:
            note(t.agencies, {k: v for k, v in task_location(ctx, t).items() if k != "clause_id"})
    for canon, spellings in seen.items():
        if len(spellings) < 2:
            continue
        ranked = sorted(spellings.items(), key=lambda kv: -kv[1][0])
        listing = " and ".join(f"{n} ({cnt}×)" for n, (cnt, _) in ranked)
        _, (_, loc) = ranked[1]
        yield Finding(ctx.path, "PP014", f"{listing} name the same agency ({canon}): write it one way", **loc)
