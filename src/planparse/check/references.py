"""Reference rules: PP015 an attachment the document does not have, PP016 a citation without its
number, PP017 a number inside the title marks."""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable

import regex as re

from .core import Context, Finding
from .fix import Edit
from .registry import Rule, checker

# --- attachments: PP015 ------------------------------------------------------------------------------

_ATT_NUMBERED = re.compile(
    r"附\s*件\s*(?P<nums>\d{1,2}(?!\d)(?:\s*(?:、|，|,|和|及|与|至|到|-|—|–|~|～)\s*\d{1,2}(?!\d))*)"
)
_ATT_PLAIN = re.compile(r"(?:见|详见|参见|附后的?)附\s*件(?![\d\s]*\d)|[（(]附\s*件[）)]")
_RANGE_SEP = re.compile(r"至|到|-|—|–|~|～")
# The label of a document printed as another's attachment: `附件1`, or its notice's 文号 before it
# (`南住建函〔2025〕671号附件1`). Its own label, no reference (PP015), and no dateless notice (PP008).
ATTACHMENT_LABEL = re.compile(r"^(?:\p{Han}{1,12}\s*[〔\[［(（【﹝]\s*\d{4}\s*[〕\]］)）】﹞]\s*\d{1,4}\s*号)?\s*附\s*件\s*\d{0,2}$")


def _attachment_numbers(nums: str) -> list[int]:
    out: list[int] = []
    parts = re.split(r"\s*(、|，|,|和|及|与|至|到|-|—|–|~|～)\s*", nums)
    vals, seps = parts[0::2], parts[1::2]
    prev = None
    for i, v in enumerate(vals):
        n = int(v)
        if prev is not None and _RANGE_SEP.fullmatch(seps[i - 1]) and n > prev:
            out.extend(range(prev + 1, n + 1))
        else:
            out.append(n)
        prev = n
    return out


@checker(
    Rule("PP015", "attachment-missing", "error",
         "The text refers to an attachment (见附件2, （附件3）) that the document does not have. A line that is "
         "only 附件1 is the document's own label (it was printed as an attachment of a notice), no reference.",
         why="A reference to an attachment that is not there leaves the reader without the table or list the text relies on.",
         example="bad:  目标见附件2 in a document with only 附件1\nfine: 见附件1"),
)
def check_attachments(ctx: Context) -> Iterable[Finding]:
    labels = [a.label for a in ctx.doc.annexes]
    numbered = {int(x[2:]) for x in labels if x[2:].isdigit()}
    listed = len(ctx.doc.meta.attachments)
    have_nums = sorted(numbered | set(range(1, listed + 1)))
    if have_nums:
        have_text = "、".join(f"附件{i}" for i in have_nums)
    else:
        have_text = "one unnumbered 附件" if labels else "no attachments"
    body = ctx.nt.text[: ctx.body_end]
    reported: set = set()
    for m in _ATT_NUMBERED.finditer(body):
        para_start = body.rfind("\n", 0, m.start()) + 1
        para_end = body.find("\n", m.end())
        line = body[para_start: para_end if para_end >= 0 else len(body)].strip()
        if ATTACHMENT_LABEL.match(line):
            continue  # `附件1` (after its notice's 文号) alone on its line: this document's label as an attachment
        for n in _attachment_numbers(m.group("nums")):
            present = n in numbered or n <= listed or (n == 1 and "附件" in labels)
            if present or n in reported:
                continue
            reported.add(n)
            yield ctx.at("PP015", m.start(), f"the text refers to 附件{n} ({m.group(0).strip()}) but the document has {have_text}")
    if not labels and not listed:
        for m in _ATT_PLAIN.finditer(body):
            yield ctx.at("PP015", m.start(), f"the text refers to an attachment ({m.group(0)}) but the document has none")
            break


# --- citations: PP016 no number, PP017 number inside 《》 ---------------------------------------------

_INNER_NUMBER = re.compile(r"[（(]\s*(?P<num>[^（）()]*?号)\s*[）)]\s*$")


@checker(
    Rule("PP016", "citation-no-number", "warning",
         "A document is cited by title without its number (《…》) before a later citation of the same title "
         "gives the number: the number belongs with the first citation.",
         why="The first citation of a document should let the reader find it: the number belongs there.",
         example="bad:  《…方案》 … later 《…方案》（苏政发〔2024〕53号）\nfine: the number at the first citation, the title alone later"),
    Rule("PP017", "citation-number-inside", "warning",
         "A document number written inside the title marks: 《…的通知（国发〔2023〕24号）》 instead of "
         "《…的通知》（国发〔2023〕24号）.",
         why="The number is not part of the title: inside 《》 it misquotes the title.",
         example="bad:  《…的通知（国发〔2023〕24号）》\nfine: 《…的通知》（国发〔2023〕24号）"),
)
def check_citations(ctx: Context) -> Iterable[Finding]:
    text = ctx.nt.text
    num_pat = ctx.g.meta.citation_number.compiled
    occurrences: dict[str, list[tuple[int, bool]]] = defaultdict(list)
    for m in ctx.g.meta.citation.compiled.finditer(text):
        title = re.sub(r"\s+", "", m.group("title"))
        inner = _INNER_NUMBER.search(title)
        if inner and num_pat.match(inner.group(0)):
            key = title[: inner.start()]
            occurrences[key].append((m.start(), True))
            f = ctx.at(
                "PP017", m.start(),
                f"the number {inner.group('num')} is inside the title marks: write 《{key}》（{inner.group('num')}）",
            )
            num = r"\s*".join(re.escape(ch) for ch in inner.group("num"))
            title_pattern = r"\s*".join(re.escape(ch) for ch in key)
            f.fix = Edit(f.line, rf"(《\s*{title_pattern})\s*([（(]\s*{num}\s*[）)])\s*》", r"\1》\2",
                         f"《{key}（{inner.group('num')}）》 → 《{key}》（{inner.group('num')}）")
            yield f
            continue
        after = text[m.end(): m.end() + 40]
        numbered = after[:1] in "（(" and bool(num_pat.match(after))
        occurrences[title].append((m.start(), numbered))
    with_number = {c.title.replace("\n", "") for c in ctx.doc.meta.cited_documents if c.doc_number}
    for title, occ in occurrences.items():
        first_numbered = next((off for off, numbered in occ if numbered), None)
        if first_numbered is None and title not in with_number:
            continue
        for off, numbered in occ:
            if numbered or (first_numbered is not None and off > first_numbered):
                break
            where = f"line {ctx.line_at(first_numbered)}" if first_numbered is not None else "elsewhere"
            yield ctx.at(
                "PP016", off,
                f"《{title}》 is cited without its number, which the citation at {where} gives: "
                f"give the number at the first citation",
            )


# --- cited title against its 文号: PP023 --------------------------------------------------------------


def _central_documents(g):
    from ..compare.resolve import CitationResolver

    return CitationResolver([], g.citations, g.metrics, g.places)


@checker(
    Rule("PP023", "citation-title-mismatch", "warning",
         "A cited document's title does not match its 文号: the number is one of the central documents "
         "planparse knows (grammars/citations.toml documents) and the title cited with it is not that "
         "document's title, nor an abridged form of it; the same against the 文号 of the other documents "
         "checked in the same run. 《国务院关于印发〈空气质量改善行动计划〉的通知》"
         "（国发〔2023〕24号） names the plan without 持续.",
         why="A misquoted title or a wrong number sends the reader to another document, or to none; in a "
             "plan that implements the cited one, it is the first thing a reviewer checks.",
         example="bad:  《国务院关于印发〈空气质量改善行动计划〉的通知》（国发〔2023〕24号）\n"
                 "fine: 《空气质量持续改善行动计划》（国发〔2023〕24号） — the plan's own title, abridged"),
)
def check_cited_titles(ctx: Context) -> Iterable[Finding]:
    from ..compare.resolve import number_key

    if not ctx.g.citations.documents:
        return
    resolver = ctx.g.built(_central_documents)
    reported: set[tuple[str, str]] = set()
    for cited in ctx.doc.meta.cited_documents:
        if not cited.doc_number or not cited.title:
            continue
        known = [d for d in resolver.by_number.get(number_key(cited.doc_number), []) if d.titles]
        if not known or (cited.title, cited.doc_number) in reported:
            continue
        document = known[0]
        # 1: the same title; 0.95: an abridged one (the plan's own title inside the notice's).
        if resolver.title_score(resolver.title_keys([cited.title]), resolver.title_keys(document.titles)) >= 0.95:
            continue
        reported.add((cited.title, cited.doc_number))
        yield cited_title_finding(ctx, cited, document.titles[0])


def citation_offset(ctx: Context, cited) -> int:
    """Where a citation is in the text: its title, else its number; -1 when neither is found."""
    text = ctx.nt.text
    probe = re.sub(r"\s+", "", cited.title or "")[:12]
    offset = text.find(probe) if probe else -1
    return offset if offset >= 0 or not cited.doc_number else text.find(cited.doc_number)


def cited_title_message(cited, title: str, where: str = "") -> str:
    return (f"《{cited.title}》 is cited with {cited.doc_number}, which is 《{title}》{where}: "
            f"the title or the number is wrong")


def cited_title_finding(ctx: Context, cited, title: str, where: str = "") -> Finding:
    """PP023 for `cited`, whose number belongs to the document titled `title` (`where`: which file)."""
    message = cited_title_message(cited, title, where)
    offset = citation_offset(ctx, cited)
    return ctx.at("PP023", offset, message) if offset >= 0 else Finding(ctx.path, "PP023", message)


def central_number(ctx: Context, number: str) -> bool:
    """Whether `number` is one of the central documents (PP023 compares those file by file)."""
    from ..compare.resolve import number_key

    return bool(ctx.g.citations.documents) and bool(ctx.g.built(_central_documents).by_number.get(number_key(number)))
