"""Document elements of GB/T 9704-2012: 发文字号, titles, issuer, dates, 主送, 抄送, 印发, 附件, citations.

Everything is read from what the file says; an element that is not there stays null/[].
"""
from __future__ import annotations

import regex as re

from ..grammar import Grammars
from ..grammar.check import example_runner
from ..models import CitedDocument, Meta
from ..normalise import NormalText, line_offsets, line_texts, visual_width
from ..segment import Segmentation
from ..text import split_top_level
from ..numerals import written_int
from .region import place_document

_BRACKETS = str.maketrans({"[": "〔", "［": "〔", "(": "〔", "（": "〔", "【": "〔", "]": "〕", "］": "〕", ")": "〕", "）": "〕", "】": "〕"})
_TERMINAL = ("。", "；", "！", "？", "，", "：", ":")


def normalise_doc_number(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    m = re.match(r"^(.*?)([\[［(（【〔])(\d{4})([\]］)）】〕])(\d+号)$", s)
    if not m:
        return s
    return f"{m.group(1)}〔{m.group(3)}〕{m.group(5)}"


def parse_date(s: str, g: Grammars, full: bool = False) -> str | None:
    pat = g.meta.date.compiled
    m = pat.fullmatch(s.strip()) if full else pat.search(s)
    if not m:
        return None
    try:
        y, mo, d = written_int(m.group("y")), written_int(m.group("m")), written_int(m.group("d"))
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
    body_start = seg.body_start if seg.clauses else len(nt.text) + 1  # no clause: all of it is front matter
    front = [(off, p) for off, p in paras if off < body_start][: mr.max_front_lines]
    front_texts = split_front_elements([p for _, p in front], g)
    raw_of = _RawLines(nt)
    meta = Meta()

    for p in front_texts:  # a 文号 broken over two lines is one front element already (split_front_elements)
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
        if about in cand or mr.issuing_verb.compiled.search(cand):
            # Keep only the lines from the one that holds the issuer's name before 关于 (or 印发).
            word = about if about in cand else mr.issuing_verb.compiled.search(cand).group(0)
            start = next((k for k in range(len(parts)) if word in "".join(parts[k:]) and word not in "".join(parts[k + 1:])), 0)
            meta.notice_title = "".join(parts[start:])
            notice_idx = i
            break

    # Issue date and issuer: the signature — a line that is only a date, with the organisation
    # line(s) above it — after the notice title, else at the end of the document.
    date_idx = None
    sig = _signature(front_texts, notice_idx, g)
    if sig:
        date_idx, meta.issue_date, meta.issuer = sig
    else:
        # Above the first annex (a notice signs below its 附件 list, above the annexes), else at the document's end.
        first_annex = seg.annexes[0].start if seg.annexes else len(nt.text)
        body = [p for off, p in paras if off < first_annex][-mr.signature_tail_lines:]
        for tail in (body, [p for _, p in paras[-mr.signature_tail_lines:]]):
            tail_sig = _signature(tail, None, g, last=True)
            if tail_sig:
                _, meta.issue_date, meta.issuer = tail_sig
                break
    if not meta.issuer and notice_idx is None:
        # `中共江苏省委 江苏省人民政府` above the title of a joint 意见: the bodies that issue it.
        for p in front_texts[:3]:
            names = split_organisations(p, raw_of.get(p, p), g)
            if len(names) >= 2 and all(_is_organisation_line(n, g) for n in names):
                meta.issuer = names
                break
    if meta.issuer:
        meta.issuer = [name for line in meta.issuer for name in split_organisations(line, raw_of.get(line, line), g)]

    # A speech (政府工作报告): its byline gives the date, the speaker's office the issuer.
    speech = _speech(front_texts, g)

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
    if speech:
        speech_idx, title, date, office = speech
        meta.title = title
        meta.issue_date = meta.issue_date or date
        # The government the speaker speaks for (我代表X人民政府) issues the report, not the speaker's office.
        delegate = next((m.group("org") for p in front_texts if (m := mr.speech_delegate.compiled.search(p))), None)
        if delegate and office:
            # `我代表市人民政府` spoken by `示范市市长`: the place is the speaker's.
            place = re.match(r"^\p{Han}+?(?:省|自治区|市|自治州|州|区|县|旗|盟)", office)
            if place and delegate[0] == place.group(0)[-1] and not delegate.startswith(place.group(0)):
                delegate = place.group(0) + delegate[1:]
        meta.issuer = meta.issuer or ([delegate] if delegate else [office] if office else [])
    else:
        meta.title = _undoubled(_plan_title(front_texts, meta, cited, g, date_idx, notice_idx))
    if not meta.issuer and meta.notice_title:
        meta.issuer = _issuer_in_notice_title(meta.notice_title, g)
    if meta.notice_title and not meta.title and not mr.issuing_verb.compiled.search(meta.notice_title):
        # A notice that issues or forwards nothing is the document itself: its heading is the title.
        meta.title, meta.notice_title = meta.notice_title, None
    if not meta.issue_date:
        # `（2021年11月30日）` under the title: the date the document was adopted or issued.
        for p in front_texts[:8]:
            m = mr.bracketed_date.compiled.match(p)
            if m:
                meta.issue_date = parse_date(m.group("date"), g)
                break
    _fill_from_header(meta, nt.header, g)
    meta.cited_documents = [c for c in cited if c.title != meta.title]
    meta.attachments = list(seg.attachment_list) or _front_attachments(front_texts, g) or [a.title for a in seg.annexes if a.title]
    meta.level = _level(meta, g)
    place_document(meta, nt.text, g)  # meta.region; the level where the issuer did not give it
    meta.doc_year = _doc_year(meta, g)
    return meta



def split_front_elements(lines: list[str], g: Grammars) -> list[str]:
    """Front paragraphs with glued elements taken apart: a notice title run into its 文号 or its
    主送 (`…的通知各区人民政府：`), and a 主送 line run into the first sentence of the body; a 文号
    broken across two lines (`苏政` / `发〔2024〕3号`, `苏政发〔2024〕` / `3号`) put together again."""
    out: list[str] = []
    for p in lines:
        out.extend(_split_glued_front(p, g))
    return _join_broken_doc_numbers(out, g)


def _join_broken_doc_numbers(lines: list[str], g: Grammars) -> list[str]:
    whole = g.meta.doc_number.compiled
    out: list[str] = []
    for p in lines:
        prev = out[-1] if out else ""
        if prev and len(prev + p) <= 40 and whole.fullmatch(prev + p) and not whole.fullmatch(prev) \
                and (not whole.fullmatch(p) or (_BROKEN_PREFIX.search(prev) and _STUB.match(p))):
            out[-1] = prev + p
        else:
            out.append(p)
    return out


# The second line of a 文号 broken after its first characters: one or two characters before the year (`发〔2024〕3号`).
_STUB = re.compile(r"^\p{Han}{1,2}\s*[〔\[［(（【]")
# A 文号 line that stops before its number (`苏政发〔2024〕`) or a short stem of one (`苏政`).
_BROKEN_PREFIX = re.compile(r"(?:[〔\[［(（【]\s*(?:19|20)\d{2}\s*[〕\]］)）】]|^\p{Han}{1,6})$")


def _split_glued_front(p: str, g: Grammars) -> list[str]:
    mr = g.meta
    if not mr.notice_title_end.compiled.search(p):
        for k in range(4, min(len(p), mr.title_max_chars)):
            if not mr.notice_title_end.compiled.search(p[:k]):
                continue
            rest = p[k:].strip()
            if _doc_number_prefix(rest, g) or _recipients_prefix(rest, g):
                return [p[:k]] + _split_glued_front(rest, g)
    n = _doc_number_prefix(p, g)
    if n and n < len(p):
        return [p[:n]] + _split_glued_front(p[n:].strip(), g)
    n = _recipients_prefix(p, g)
    if n and n < len(p):
        return [p[:n], p[n:].strip()]
    return [p]


def _doc_number_prefix(s: str, g: Grammars) -> int:
    """Length of a 发文字号 that opens `s` (0: none)."""
    for j in range(min(len(s), 40), 5, -1):
        if g.meta.doc_number.compiled.fullmatch(s[:j]):
            return j
    return 0


def _recipients_prefix(s: str, g: Grammars) -> int:
    """Length of a 主送 line (up to its colon) that opens `s` (0: none)."""
    for j, ch in enumerate(s[:200]):
        if ch in "：:":
            return j + 1 if g.meta.recipients_line.compiled.match(s[: j + 1]) else 0
        if ch in "。；":
            return 0
    return 0


class _RawLines:
    """Paragraph text -> its source line(s) before spaces were squeezed (a gap between two names survives
    there), looked up for the few lines asked about: a dict of every paragraph held the text twice over."""

    def __init__(self, nt: NormalText):
        self.nt = nt
        self._found: dict[str, str | None] = {}
        self._columns: tuple[list[str], list[int]] | None = None  # the lines' texts and offsets, once asked

    def get(self, paragraph: str, default: str) -> str:
        if paragraph not in self._found:
            self._found[paragraph] = self._find(paragraph)
        found = self._found[paragraph]
        return default if found is None else found

    def _find(self, paragraph: str) -> str | None:
        # the first paragraph, in the order of the source lines, whose text is this one
        text, lines = self.nt.text, self.nt.source_lines
        if self._columns is None:
            self._columns = (line_texts(lines), line_offsets(lines))
        texts, offsets = self._columns
        at = last = None
        for line, offset in zip(texts, offsets):
            if line and offset != last:
                last = offset
                end = text.find("\n", last)
                if text[last: end if end >= 0 else len(text)].strip() == paragraph:
                    at = last
                    break
        if at is None:
            return None
        return " ".join(lines[k].raw for k, (line, offset) in enumerate(zip(texts, offsets)) if line and offset == at)


def _is_organisation_line(p: str, g: Grammars) -> bool:
    return bool(g.meta.organisation_end.compiled.search(p)) and _is_title_like(p)


def _signature(lines: list[str], after: int | None, g: Grammars, last: bool = False) -> tuple[int, str, list[str]] | None:
    """(index of the date line, ISO date, organisation lines above it) of a signature block: a line
    that is only a date, after index `after`. `last`: the last such block, and only one that is signed."""
    order = range(len(lines) - 1, -1, -1) if last else range(len(lines))
    for i in order:
        if after is not None and i <= after:
            continue
        iso = parse_date(lines[i], g, full=True)
        if not iso:
            continue
        issuers: list[str] = []
        j = i - 1
        while j >= 0 and (after is None or j > after) and _is_organisation_line(lines[j], g):
            issuers.insert(0, lines[j])
            j -= 1
        if last and not issuers:
            continue
        return i, iso, issuers
    return None


def split_organisations(line: str, raw: str, g: Grammars) -> list[str]:
    """The bodies of one signature line: one, or several side by side (apart in the source, or glued)."""
    pieces = [x for x in re.split(r"\s+", raw.strip()) if x]
    if len(pieces) < 2 or not all(g.meta.organisation_end.compiled.search(x) for x in pieces):
        pieces = [line]
    out: list[str] = []
    for x in pieces:
        parts = [y for y in g.meta.organisation_boundary.compiled.split(x) if y]
        out.extend(parts if all(g.meta.organisation_end.compiled.search(y) for y in parts) else [x])
    return out


def _speech(front: list[str], g: Grammars) -> tuple[int, str | None, str | None, str | None] | None:
    """A speech (政府工作报告): (byline index, title, date, speaker's office) from its byline
    `——2031年1月5日在…会议上` and the speaker line `示范市市长 张某`."""
    mr = g.meta
    for i, p in enumerate(front):
        m = mr.speech_byline.compiled.match(p)
        if not m:
            continue
        title = next((front[j] for j in range(i - 1, -1, -1) if _is_title_like(front[j])), None)
        date = parse_date(p, g)
        office = None
        for q in front[max(0, i - 2): i + 3]:
            sm = mr.speaker.compiled.match(q)
            if sm:
                office = sm.group("office")
                break
        return i, title, date, office
    return None


def _issuer_in_notice_title(title: str, g: Grammars) -> list[str]:
    """`示范市人民政府关于印发…的通知` names its issuer before 关于 (or 印发)."""
    mr = g.meta
    cut = title.find(mr.notice_about)
    if cut <= 0:
        m = mr.issuing_verb.compiled.search(title)
        cut = m.start() if m else -1
    head = title[:cut].strip() if cut > 0 else ""
    if not head or not mr.organisation_end.compiled.search(head):
        return []
    return split_organisations(head, head, g)


_FILE_SUFFIX = re.compile(r"\.(?:pdf|docx?|wps|ofd|txt|html?|md)$", re.IGNORECASE)


def _fill_from_header(meta: Meta, header: dict[str, str], g: Grammars) -> None:
    """Front-matter / scrape-header fields, only for what the document itself did not say."""
    mr = g.meta

    def value(field: str) -> str | None:
        return next((header[label].strip() for label in mr.header_fields.get(field, []) if header.get(label, "").strip()), None)

    if not meta.title and (v := value("title")):
        v = _FILE_SUFFIX.sub("", v).strip()  # `文件名称：X.pdf` names the file: the title is X
        if _is_title_like(v):
            meta.title = v
    if not meta.doc_number and (v := value("doc_number")):
        m = mr.doc_number.compiled.fullmatch(v)
        if m:
            meta.doc_number = normalise_doc_number(m.group("number"))
    if not meta.issuer and (v := value("issuer")):
        names = _split_top_level(v, "、，,；; ")
        if names and all(mr.organisation_end.compiled.search(n) for n in names):
            meta.issuer = names
    if not meta.issue_date and (v := value("issue_date")):
        iso = re.fullmatch(r"((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})", v)
        meta.issue_date = f"{iso.group(1)}-{int(iso.group(2)):02d}-{int(iso.group(3)):02d}" if iso else parse_date(v, g, full=True)

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
    # The notice's own title names what it issues (`关于印发《X》的通知`): that outranks a 《…》 of its body.
    named = mr.issuing_verb_title.compiled.search(meta.notice_title or "")
    if named:
        issued = named.group("title")
    start = max([i for i in (date_idx, notice_idx) if i is not None], default=-1) + 1
    body_lines = front[start:]
    # The plan's own title line(s): a long title wraps over two or three lines.
    for i in range(len(body_lines)):
        for k in (1, 2, 3):
            if issued and "".join(body_lines[i:i + k]) == issued:
                return issued
    for k, p in enumerate(body_lines):
        if _is_title_like(p) and mr.plan_title.compiled.search(p) and not mr.notice_title_end.compiled.search(p) and not mr.cc_prefix.compiled.match(p) \
                and not mr.print_line.compiled.match(p) and not mr.deletion_note.compiled.match(p):
            # A title printed over two lines: its period or edition in brackets on the next line.
            nxt = body_lines[k + 1] if k + 1 < len(body_lines) else ""
            return p + nxt if mr.title_continuation.compiled.match(nxt) else p
    if issued:
        return issued
    if notice_idx is None:
        for p in front:
            if _is_title_like(p) and not mr.doc_number.compiled.fullmatch(p) and not parse_date(p, g) \
                    and not mr.cc_prefix.compiled.match(p) and not mr.organisation_end.compiled.search(p) \
                    and not mr.not_title.compiled.match(p):
                return p
    return None


def _undoubled(title: str | None) -> str | None:
    """`某市节能行动计划某市节能行动计划` (a heading printed twice, as a page header and as the title) → once."""
    if title and len(title) % 2 == 0 and len(title) >= 8 and title[: len(title) // 2] == title[len(title) // 2:]:
        return title[: len(title) // 2]
    return title


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


def _doc_year(meta: Meta, g: Grammars) -> int | None:
    for d in (meta.issue_date, meta.print_date):
        if d:
            return int(d[:4])
    for s in (meta.title, meta.notice_title, meta.doc_number):
        m = g.meta.document_year.compiled.search(s or "")
        if m:
            return int(m.group("y"))
    return None


@example_runner
def _meta_examples(g: Grammars):
    p = g.meta.doc_number
    for ex in p.examples:
        yield "meta.toml doc_number", ex, lambda s: (normalise_doc_number(m.group("number")) if (m := p.compiled.fullmatch(s)) else None)
    yield from (("meta.toml document_year", ex, lambda s: (int(m.group("y")) if (m := g.meta.document_year.compiled.search(s)) else None))
                for ex in g.meta.document_year.examples)
    for name in ("issuing_verb", "organisation_boundary", "speech_byline", "speaker", "speech_delegate", "title_continuation", "year_report_title", "not_title",
                 "issuing_verb_title",
                 "bracketed_date"):
        rule = getattr(g.meta, name)
        for ex in rule.examples:
            yield f"meta.toml {name}", ex, lambda s, rule=rule: bool(rule.compiled.search(s))
