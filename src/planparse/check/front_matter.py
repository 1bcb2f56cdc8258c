"""Front matter rules: PP007 发文字号 form, PP008 成文日期 missing, PP009 a date that is no date."""
from __future__ import annotations

import datetime as _dt
from typing import Iterable, Optional

import regex as re

from ..numerals import written_int
from .core import Context, Finding
from .references import ATTACHMENT_LABEL
from .fix import Edit
from .registry import Rule, checker

# --- 发文字号: PP007 --------------------------------------------------------------------------------

_OPEN, _CLOSE = "〔[［(（【﹝〖", "〕]］)）】﹞〗"
_DOCNUM_LINE = re.compile(
    rf"^\s*(?P<org>\p{{Han}}{{1,12}}?)\s*(?P<open>[{re.escape(_OPEN)}])\s*(?P<year>\d{{4}}|\d{{2}})\s*"
    rf"(?P<close>[{re.escape(_CLOSE)}])\s*(?P<di>第)?\s*(?P<seq>\d{{1,4}})\s*号\s*$"
)
_DOCNUM_TEXT = re.compile(
    rf"(?P<org>\p{{Han}}{{1,8}})(?P<open>[{re.escape(_OPEN[1:])}])\s*(?P<year>(?:19|20)\d{{2}})\s*"
    rf"(?P<close>[{re.escape(_CLOSE[1:])}])\s*(?P<di>第)?\s*(?P<seq>\d{{1,4}})\s*号"
)


def _front_lines(ctx: Context) -> list[tuple[Optional[int], int, str]]:
    """(page, line, text as written) of the raw source lines before the first clause."""
    first = None
    if ctx.doc.clauses and ctx.doc.clauses[0].line is not None:
        c0 = ctx.doc.clauses[0]
        first = (c0.page or 0, c0.line)
    out = []
    nonblank = 0
    for page in ctx.raw.pages:
        for i, line in enumerate(page.lines, 1):
            if first is not None and (page.number or 0, i) >= first:
                return out
            if line.strip():
                nonblank += 1
                if first is None and nonblank > ctx.g.meta.max_front_lines:
                    return out
            out.append((page.number, i, line))
    return out


@checker(
    Rule("PP007", "doc-number-format", "error",
         "发文字号 not in the form 苏政发〔2024〕53号: year in [ ] ( ) （ ） 【 】 ［ ］ ﹝ ﹞ instead of 〔〕, "
         "a two-digit year, 第 before the number, or a number padded with 0.",
         why="The 发文字号 form is fixed by GB/T 9704 (year in 〔〕, no 第, no leading 0); a wrong one is rejected in filing and cited wrongly by others.",
         example="bad:  临政发[2024]12号 , 临政发〔2024〕第12号\nfine: 临政发〔2024〕12号"),
)
def check_doc_number(ctx: Context) -> Iterable[Finding]:
    for page, lineno, line in _front_lines(ctx):
        m = _DOCNUM_LINE.match(line.strip())
        if not m or (len(m.group("year")) == 4 and not m.group("year").startswith(("19", "20"))):
            continue
        issues = []
        if (m.group("open"), m.group("close")) != ("〔", "〕"):
            issues.append(f"the year is in {m.group('open')} {m.group('close')}, not 〔 〕")
        if len(m.group("year")) == 2:
            issues.append("the year is abbreviated to two digits")
        if m.group("di"):
            issues.append("第 before the number")
        if m.group("seq").startswith("0"):
            issues.append("the number is padded with 0")
        if issues:
            written = re.sub(r"\s+", "", line.strip())
            year = m.group("year") if len(m.group("year")) == 4 else "20" + m.group("year")
            fixed = f"{m.group('org')}〔{year}〕{int(m.group('seq'))}号"
            f = Finding(ctx.path, "PP007", f"发文字号 {written}: {'; '.join(issues)} (write {fixed})",
                        line=lineno, page=page)
            f.fix = Edit(lineno, r"^\s*" + r"\s*".join(re.escape(ch) for ch in written) + r"\s*$", fixed, f"{written} → {fixed}")
            yield f
    # Document numbers cited in the text, with the wrong brackets: （国发[2023]24号）.
    front_end = ctx.body_start
    for m in _DOCNUM_TEXT.finditer(ctx.nt.text):
        para_start = ctx.nt.text.rfind("\n", 0, m.start()) + 1
        para_end = ctx.nt.text.find("\n", m.end())
        para = ctx.nt.text[para_start: para_end if para_end >= 0 else len(ctx.nt.text)]
        if m.start() < front_end and _DOCNUM_LINE.match(para.strip()):
            continue  # the document's own 发文字号 line: reported above from the raw line
        written = f"{m.group('org')[-4:]}{m.group('open')}{m.group('year')}{m.group('close')}{m.group('di') or ''}{m.group('seq')}号"
        f = ctx.at("PP007", m.start(), f"document number {written} in the text: the year belongs in 〔 〕")
        org = m.group("org")[-2:]
        pattern = (re.escape(org) + rf"\s*[{re.escape(_OPEN[1:])}]\s*{m.group('year')}\s*[{re.escape(_CLOSE[1:])}]"
                   rf"\s*(?P<di>第)?\s*{m.group('seq')}\s*号")
        # Only the brackets: 第 and a padded number are for the reader to judge in running text.
        f.fix = Edit(f.line, pattern, f"{org}〔{m.group('year')}〕\\g<di>{m.group('seq')}号", f"{written} → {written.replace(m.group('open'), '〔').replace(m.group('close'), '〕')}")
        yield f


# --- dates: PP008 missing, PP009 invalid -------------------------------------------------------------

_DATE_LINE = re.compile(
    r"^\s*[（(]?\s*(?P<y>\d{4}|[〇零一二三四五六七八九○Ｏ]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[）)]?\s*(?P<printed>印\s*发)?\s*$"
)


def valid_iso(s: Optional[str]) -> Optional[_dt.date]:
    if not s:
        return None
    try:
        return _dt.date.fromisoformat(s)
    except ValueError:
        return None


@checker(
    Rule("PP008", "issue-date-missing", "error",
         "A notice (it has a notice title or a 发文字号) without a 成文日期.",
         why="A notice without a 成文日期 has no date from which it takes effect or its deadlines run.",
         example="bad:  a 通知 with 发文字号 and no date line under the signature\nfine: a bare plan or attachment, which carries no date of its own"),
    Rule("PP009", "issue-date-invalid", "error",
         "A date line (成文日期 or 印发日期) that is not a calendar date: 2024年2月30日, 2024年13月1日.",
         why="An impossible date on the signature line is a typo a reader cannot resolve.",
         example="bad:  2024年2月30日\nfine: 2024年2月29日"),
)
def check_dates(ctx: Context) -> Iterable[Finding]:
    meta = ctx.doc.meta
    invalid: list[Finding] = []
    for off, para in ctx.nt.paragraphs:
        m = _DATE_LINE.match(para)
        if not m:
            continue
        try:
            y, mo, d = written_int(m.group("y")), written_int(m.group("m")), written_int(m.group("d"))
            _dt.date(y, mo, d)
        except (ValueError, KeyError, TypeError):
            what = "印发日期" if m.group("printed") else "date"
            f = ctx.at("PP009", off, f"{what} {para.strip()} is not a calendar date")
            f.key = para.strip()
            invalid.append(f)
    yield from invalid
    for field_name, label in (("issue_date", "成文日期"), ("print_date", "印发日期")):
        value = getattr(meta, field_name)
        if value and valid_iso(value) is None and not invalid:
            yield Finding(ctx.path, "PP009", f"{label} {value} is not a calendar date")
    # An attachment printed on its own (`南住建函〔2025〕671号附件1` over its first page) carries no date of its own.
    attachment = any(ATTACHMENT_LABEL.match(text.strip()) for _, _, text in _front_lines(ctx)[:5])
    if (meta.notice_title or meta.doc_number) and not meta.issue_date and not invalid and not attachment:
        line = page = None
        for pg, lineno, text in _front_lines(ctx):
            if _DOCNUM_LINE.match(text.strip()) or (meta.notice_title and text.strip() and text.strip() in meta.notice_title):
                line, page = lineno, pg
                break
        what = f"《{meta.notice_title}》" if meta.notice_title else f"the notice {meta.doc_number}"
        yield Finding(ctx.path, "PP008", f"{what} has no 成文日期 (a date line under the issuer's signature)",
                      line=line, page=page)
