"""Document elements of GB/T 9704-2012: 发文字号, titles, issuer, dates, 主送, 抄送, 印发, 附件, citations.

Everything is read from what the file says; an element that is not there stays null/[].
"""
from __future__ import annotations

import cn2an
import regex as re

from ..grammar import Grammars
from ..grammar.check import example_runner
from ..models import CitedDocument, Meta
from ..normalise import NormalText, visual_width
from ..segment import Segmentation
from ..text import split_top_level

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔", "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕"})
_TERMINAL = ("。", "；", "！", "？", "，", "：", ":")


def normalise_doc_number(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    m = re.match(r"^(.*?)([\[［(（【〔])(\d{4})([\]］)）】〕])(\d+号)$", s)
    if not m:
        return s
    return f"{m.group(1)}〔{m.group(3)}〕{m.group(5)}"


def _num(s: str) -> int:
    s = s.strip()
    if s.isdigit():
        return int(s)
    s = s.replace("○", "〇").replace("Ｏ", "〇").replace("零", "〇")
    if len(s) == 4 and all(ch in "〇一二三四五六七八九" for ch in s):
        return int("".join(str("〇一二三四五六七八九".index(ch)) for ch in s))
    return int(cn2an.cn2an(s, "smart"))


def parse_date(s: str, g: Grammars, full: bool = False) -> str | None:
    pat = g.meta.date.compiled
    m = pat.fullmatch(s.strip()) if full else pat.search(s)
    if not m:
        return None
    try:
        y, mo, d = _num(m.group("y")), _num(m.group("m")), _num(m.group("d"))
    except (ValueError, KeyError):
        return None
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _split_top_level(s: str, seps: str) -> list[str]:
    return [x.strip(" 。.;；") for x in split_top_level(s, seps) if x.strip(" 。.;；")]


def _is_title_like(p: str) -> bool:
    return bool(p) and not p.endswith(_TERMINAL) and "\t" not in p and visual_width(p) <= 60 and "。" not in p


def extract_meta(nt: NormalText, seg: Segmentation, g: Grammars) -> Meta:
    mr = g.meta
    paras = [(off, p.strip()) for off, p in nt.paragraphs if p.strip()]
    front = [(off, p) for off, p in paras if off < seg.body_start][: mr.max_front_lines]
    front_texts = [p for _, p in front]
    meta = Meta()

    for p in front_texts:
        m = mr.doc_number.compiled.fullmatch(p)
        if m:
            meta.doc_number = normalise_doc_number(m.group("number"))
            break

    # Notice title: up to three consecutive short lines ending in 通知 (titles wrap over lines).
    notice_idx = None
    for i, p in enumerate(front_texts):
        if not mr.notice_title_end.compiled.search(p) or p.endswith(_TERMINAL):
            continue
        parts = [p]
        j = i - 1
        while j >= 0 and len(parts) < 3 and _is_title_like(front_texts[j]) and not mr.doc_number.compiled.fullmatch(front_texts[j]) \
                and not mr.notice_title_end.compiled.search(front_texts[j]) and not parse_date(front_texts[j], g):
            parts.insert(0, front_texts[j])
            j -= 1
        cand = "".join(parts)
        about = mr.notice_about
        if about in cand:
            # Keep only the lines from the one that holds the issuer's name before 关于.
            start = next((k for k in range(len(parts)) if about in "".join(parts[k:]) and about not in "".join(parts[k + 1:])), 0)
            meta.notice_title = "".join(parts[start:])
            notice_idx = i
            break

    # Issue date and issuer: a line that is only a date, with the organisation line(s) above it.
    date_idx = None
    for i, p in enumerate(front_texts):
        if notice_idx is not None and i <= notice_idx:
            continue
        iso = parse_date(p, g, full=True)
        if iso:
            meta.issue_date = iso
            date_idx = i
            issuers = []
            j = i - 1
            while j >= 0 and mr.organisation_end.compiled.search(front_texts[j]) and _is_title_like(front_texts[j]) \
                    and (notice_idx is None or j > notice_idx):
                issuers.insert(0, front_texts[j])
                j -= 1
            meta.issuer = issuers
            break

    # 主送机关: a line ending with a colon between the notice title and the body.
    for i, p in enumerate(front_texts):
        if notice_idx is not None and i <= notice_idx:
            continue
        m = mr.recipients_line.compiled.match(p)
        if m and visual_width(p) <= 200:
            meta.recipients = _split_top_level(m.group("names"), "，,；;")
            break

    # 版记: 抄送 and 印发 lines, at the top (some extractions put them first) or at the end.
    edge = paras[: mr.max_front_lines] + paras[-mr.max_front_lines :]
    edge_texts = [p for _, p in edge]
    for i, p in enumerate(edge_texts):
        m = mr.cc_prefix.compiled.match(p)
        if m and not meta.cc:
            meta.cc = _split_top_level(p[m.end():], "，,；;")
        m = mr.print_line.compiled.match(p)
        if m and not meta.print_date:
            meta.print_date = parse_date(m.group("date"), g)
            org = m.group("org").strip()
            if not org and i > 0 and mr.organisation_end.compiled.search(edge_texts[i - 1]):
                org = edge_texts[i - 1]
            meta.printed_by = org or None

    cited = extract_citations(nt.text, g)
    meta.title = _plan_title(front_texts, meta, cited, g, date_idx, notice_idx)
    meta.cited_documents = [c for c in cited if c.title != meta.title]
    meta.attachments = list(seg.attachment_list) or _front_attachments(front_texts, g) or [a.title for a in seg.annexes if a.title]
    meta.level = _level(meta, g)
    meta.doc_year = _doc_year(meta)
    return meta


def _front_attachments(front: list[str], g: Grammars) -> list[str]:
    """`附件：1.X` / `附件：X` in a notice, with the numbered lines that follow it."""
    out: list[str] = []
    for i, p in enumerate(front):
        m = g.numbering.annex_start.compiled.match(p)
        if not m or not m.group("rest").strip():
            continue
        items = [m.group("rest").strip()] + [q for q in front[i + 1:i + 10]]
        for item in items:
            im = re.match(r"^(\d{1,2})\s*[、.．:：]\s*(.+)$", item)
            if im:
                out.append(im.group(2).strip())
            elif not out:
                out.append(item)
                break
            else:
                break
        break
    return out


def _plan_title(front: list[str], meta: Meta, cited: list[CitedDocument], g: Grammars, date_idx, notice_idx) -> str | None:
    mr = g.meta
    # The plan a notice issues is named in its body: 现将《X》印发给你们.
    issued = None
    for p in front:
        m = mr.issued_plan.compiled.search(p)
        if m:
            issued = m.group("title")
            break
    start = max([i for i in (date_idx, notice_idx) if i is not None], default=-1) + 1
    body_lines = front[start:]
    for p in body_lines:
        if issued and p == issued:
            return p
    for p in body_lines:
        if _is_title_like(p) and mr.plan_title.compiled.search(p) and mr.notice_about not in p and not mr.cc_prefix.compiled.match(p) \
                and not mr.print_line.compiled.match(p) and not mr.deletion_note.compiled.match(p):
            return p
    if issued:
        return issued
    if notice_idx is None:
        for p in front:
            if _is_title_like(p) and not mr.doc_number.compiled.fullmatch(p) and not parse_date(p, g) \
                    and not mr.cc_prefix.compiled.match(p) and not mr.organisation_end.compiled.search(p):
                return p
    return None


def extract_citations(text: str, g: Grammars) -> list[CitedDocument]:
    out: dict[str, CitedDocument] = {}
    for m in g.meta.citation.compiled.finditer(text):
        title = m.group("title").strip()
        number = None
        inner = re.search(r"[（(]\s*([^（）()]*?号)\s*[）)]\s*$", title)
        if inner and g.meta.citation_number.compiled.match(inner.group(0)):
            number = normalise_doc_number(g.meta.citation_number.compiled.match(inner.group(0)).group("num"))
            title = title[: inner.start()].strip()
        else:
            after = g.meta.citation_number.compiled.match(text[m.end(): m.end() + 30])
            if after and text[m.end(): m.end() + 1] in "（(":
                number = normalise_doc_number(after.group("num"))
        title = title.replace("\n", "")
        if title in out:
            if number and not out[title].doc_number:
                out[title].doc_number = number
            continue
        out[title] = CitedDocument(title=title, doc_number=number)
    return list(out.values())


def _level(meta: Meta, g: Grammars) -> str | None:
    for who in list(meta.issuer) + [meta.printed_by or ""]:
        if not who:
            continue
        for rule in g.meta.levels:
            if re.search(rule.pattern, who):
                return rule.level
    return None


def _doc_year(meta: Meta) -> int | None:
    for d in (meta.issue_date, meta.print_date):
        if d:
            return int(d[:4])
    for s in (meta.title, meta.notice_title, meta.doc_number):
        m = re.search(r"((?:19|20)\d{2})", s or "")
        if m:
            return int(m.group(1))
    return None


@example_runner
def _meta_examples(g: Grammars):
    p = g.meta.doc_number
    for ex in p.examples:
        yield "meta.toml doc_number", ex, lambda s: (normalise_doc_number(m.group("number")) if (m := p.compiled.fullmatch(s)) else None)
