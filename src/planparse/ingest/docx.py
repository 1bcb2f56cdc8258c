"""Word .docx (OOXML) reader: paragraphs and tables in reading order, with Word's automatic numbering.

The package is read directly (zipfile + lxml) rather than through python-docx's object model so
that numbering (numbering.xml + styles.xml), merged table cells, content controls and tracked
changes can be resolved exactly as Word displays them.

A paragraph whose `一、` / `（一）` / `1.` marker comes from Word's automatic numbering carries no
marker in its text: the displayed marker is computed here and prepended, because the clause
grammar recognises clauses by their markers.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import CorruptFileError, EncryptedError
from .base import RawDocument, RawPage, RawTable

_W_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOC_TYPES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument",
)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)

# CJK ideographs, CJK/full-width punctuation: text pieces meeting at these join without a space.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2014\u2026\u201c\u201d\u2018\u2019]")


def _joins_tight(left: str, right: str) -> bool:
    return bool(left and right and (_CJK.match(left[-1]) or _CJK.match(right[0])))


def join_pieces(pieces: list[str]) -> str:
    """Join text pieces (cell paragraphs, soft-broken lines) without newlines: "" around CJK, " " otherwise."""
    out = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if out and not _joins_tight(out, piece):
            out += " "
        out += piece
    return out


# ----------------------------------------------------------------------------------------------
# Number formats
# ----------------------------------------------------------------------------------------------

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL_SIMPLIFIED = "零壹贰叁肆伍陆柒捌玖"
_CN_LEGAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"


def chinese_counting(n: int, digits: str = _CN_DIGITS, units: tuple[str, str, str] = ("十", "百", "千")) -> str:
    """1->一, 10->十, 11->十一, 20->二十, 101->一百零一, 1000->一千 (Word's chineseCounting)."""
    if digits == _CN_DIGITS:
        digits = "零" + digits[1:]  # 零 inside a number (一百零一); a lone 0 is 〇
        if n == 0:
            return "〇"
    if n <= 0:
        return digits[0] if n == 0 else str(n)
    if n >= 10000:
        high, low = divmod(n, 10000)
        head = chinese_counting(high, digits, units) + "万"
        if low == 0:
            return head
        return head + (digits[0] if low < 1000 else "") + chinese_counting(low, digits, units)
    parts: list[str] = []
    place_units = ["", units[0], units[1], units[2]]
    s = str(n)
    zero_pending = False
    for i, ch in enumerate(s):
        d = int(ch)
        place = len(s) - 1 - i
        if d == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append(digits[0])
            zero_pending = False
        if not (d == 1 and place == 1 and not parts):  # 十一, not 一十一 (but 一百一十)
            parts.append(digits[d])
        parts.append(place_units[place])
    return "".join(parts)


def _letters(n: int, upper: bool) -> str:
    # Word: a..z, aa..zz, aaa.. (the letter repeated), not spreadsheet-style base 26.
    if n <= 0:
        return str(n)
    letter = chr(ord("a") + (n - 1) % 26)
    text = letter * ((n - 1) // 26 + 1)
    return text.upper() if upper else text


def _roman(n: int, upper: bool) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
            (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, sym in vals:
        while n >= v:
            out += sym
            n -= v
    return out.upper() if upper else out


def _enclosed(n: int, first: int, count: int) -> str:
    return chr(first + n - 1) if 1 <= n <= count else str(n)


def _circled(n: int) -> str:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)  # ①..⑳
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)  # ㉑..㉟
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)  # ㊱..㊿
    return str(n)


def format_number(n: int, fmt: str) -> str:
    """A counter value in a w:numFmt format."""
    if fmt in ("decimal", "decimalHalfWidth", "ordinal", "cardinalText", "ordinalText", ""):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}" if 0 <= n < 10 else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return chinese_counting(n)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(c)] for c in str(n)) if n >= 0 else str(n)
    if fmt == "chineseLegalSimplified":
        return chinese_counting(n, _CN_LEGAL_SIMPLIFIED, ("拾", "佰", "仟"))
    if fmt in ("ideographLegalTraditional", "japaneseLegal"):
        return chinese_counting(n, _CN_LEGAL_TRADITIONAL, ("拾", "佰", "仟"))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n >= 1 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n >= 1 else str(n)
    if fmt == "ideographZodiacTraditional":
        # 甲子, 乙丑, ... (sexagenary cycle)
        return _TIANGAN[(n - 1) % 10] + _DIZHI[(n - 1) % 12] if n >= 1 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _circled(n)
    if fmt == "decimalEnclosedFullstop":
        return _enclosed(n, 0x2488, 20)  # ⒈
    if fmt == "decimalEnclosedParen":
        return _enclosed(n, 0x2474, 20)  # ⑴
    if fmt == "ideographEnclosedCircle":
        return _enclosed(n, 0x3280, 10)  # ㊀
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate({ord(c): 0xFF10 + int(c) for c in "0123456789"})
    if fmt == "lowerLetter":
        return _letters(n, False)
    if fmt == "upperLetter":
        return _letters(n, True)
    if fmt == "lowerRoman":
        return _roman(n, False)
    if fmt == "upperRoman":
        return _roman(n, True)
    if fmt == "hex":
        return format(n, "X")
    if fmt == "chicago":
        marks = "*†‡§"
        return marks[(n - 1) % 4] * ((n - 1) // 4 + 1) if n >= 1 else str(n)
    return str(n)


# ----------------------------------------------------------------------------------------------
# Numbering definitions and state
# ----------------------------------------------------------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; None means no w:lvlText element
    restart: int | None = None  # w:lvlRestart (1-based level that restarts this one; 0 = never)
    is_legal: bool = False
    suffix: str = "tab"
    pstyle: str | None = None


@dataclass
class _Num:
    abstract_id: str
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, _Level] = field(default_factory=dict)


class _Numbering:
    """numbering.xml + the styles that carry numPr, with Word's counters."""

    def __init__(self, w: str, numbering_root, styles_root):
        self.w = w
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.abstract_style_link: dict[str, str] = {}
        self.nums: dict[str, _Num] = {}
        # style id -> (numId, ilvl or None), basedOn, and default paragraph style id
        self.style_numpr: dict[str, tuple[str | None, int | None]] = {}
        self.style_based_on: dict[str, str] = {}
        self.default_pstyle: str | None = None
        # counters per abstractNum id: level -> current value
        self.counters: dict[str, dict[int, int]] = {}
        self.applied_overrides: set[tuple[str, int]] = set()
        if styles_root is not None:
            self._read_styles(styles_root)
        if numbering_root is not None:
            self._read_numbering(numbering_root)

    def _q(self, tag: str) -> str:
        return f"{{{self.w}}}{tag}"

    def _val(self, el, tag: str) -> str | None:
        child = el.find(self._q(tag)) if el is not None else None
        if child is None:
            return None
        return child.get(self._q("val"))

    def _read_styles(self, root) -> None:
        for st in root.iter(self._q("style")):
            sid = st.get(self._q("styleId"))
            if not sid:
                continue
            based = self._val(st, "basedOn")
            if based:
                self.style_based_on[sid] = based
            if st.get(self._q("type")) == "paragraph" and st.get(self._q("default")) in ("1", "true", "on"):
                self.default_pstyle = sid
            ppr = st.find(self._q("pPr"))
            numpr = ppr.find(self._q("numPr")) if ppr is not None else None
            if numpr is not None:
                num_id = self._val(numpr, "numId")
                ilvl = self._val(numpr, "ilvl")
                self.style_numpr[sid] = (num_id, _int(ilvl))

    def _read_level(self, lvl, base: _Level | None = None) -> _Level:
        level = _Level(**vars(base)) if base else _Level()
        v = self._val(lvl, "start")
        if v is not None and _int(v) is not None:
            level.start = _int(v)  # type: ignore[assignment]
        v = self._val(lvl, "numFmt")
        if v is not None:
            level.fmt = v
        t = lvl.find(self._q("lvlText"))
        if t is not None:
            level.text = t.get(self._q("val")) or ""
        v = self._val(lvl, "lvlRestart")
        if v is not None:
            level.restart = _int(v)
        legal = lvl.find(self._q("isLgl"))
        if legal is not None:
            level.is_legal = legal.get(self._q("val"), "1") not in ("0", "false", "off")
        v = self._val(lvl, "suff")
        if v is not None:
            level.suffix = v
        v = self._val(lvl, "pStyle")
        if v is not None:
            level.pstyle = v
        return level

    def _read_numbering(self, root) -> None:
        for an in root.iter(self._q("abstractNum")):
            aid = an.get(self._q("abstractNumId"))
            if aid is None:
                continue
            levels: dict[int, _Level] = {}
            for lvl in an.findall(self._q("lvl")):
                il = _int(lvl.get(self._q("ilvl")))
                if il is not None:
                    levels[il] = self._read_level(lvl)
            self.abstracts[aid] = levels
            link = self._val(an, "numStyleLink")
            if link:
                self.abstract_style_link[aid] = link
        for num in root.iter(self._q("num")):
            nid = num.get(self._q("numId"))
            aid = self._val(num, "abstractNumId")
            if nid is None or aid is None:
                continue
            n = _Num(abstract_id=aid)
            for ov in num.findall(self._q("lvlOverride")):
                il = _int(ov.get(self._q("ilvl")))
                if il is None:
                    continue
                so = self._val(ov, "startOverride")
                if so is not None and _int(so) is not None:
                    n.start_overrides[il] = _int(so)  # type: ignore[assignment]
                lvl = ov.find(self._q("lvl"))
                if lvl is not None:
                    n.level_overrides[il] = self._read_level(lvl)
            self.nums[nid] = n

    # -- resolution -------------------------------------------------------------------------

    def _resolve_abstract(self, num: _Num) -> str:
        """Follow w:numStyleLink (an abstractNum that only points at a numbering style)."""
        aid = num.abstract_id
        for _ in range(5):
            link = self.abstract_style_link.get(aid)
            if not link or self.abstracts.get(aid):
                break
            style_num = self.style_numpr.get(link, (None, None))[0]
            target = self.nums.get(style_num or "")
            if target is None or target.abstract_id == aid:
                break
            aid = target.abstract_id
        return aid

    def _level_def(self, num: _Num, aid: str, ilvl: int) -> _Level | None:
        if ilvl in num.level_overrides:
            return num.level_overrides[ilvl]
        return self.abstracts.get(aid, {}).get(ilvl)

    def style_chain_numpr(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """(numId, ilvl, style that carried it) from a paragraph style and its basedOn chain."""
        seen: set[str] = set()
        sid = style_id
        while sid and sid not in seen:
            seen.add(sid)
            if sid in self.style_numpr:
                num_id, ilvl = self.style_numpr[sid]
                return num_id, ilvl, sid
            sid = self.style_based_on.get(sid)
        return None, None, None

    def marker(self, num_id: str, ilvl: int | None, style_id: str | None) -> str | None:
        """Advance the counters for one numbered paragraph and return its displayed marker."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        aid = self._resolve_abstract(num)
        if ilvl is None:
            ilvl = 0
            # A style-linked list: the level is the one whose w:pStyle names the paragraph's style.
            if style_id:
                for il, lv in self.abstracts.get(aid, {}).items():
                    if lv.pstyle == style_id:
                        ilvl = il
                        break
        ilvl = max(0, min(ilvl, 8))
        level = self._level_def(num, aid, ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(aid, {})
        key = (num_id, ilvl)
        if ilvl in num.start_overrides and key not in self.applied_overrides:
            # A w:num with a startOverride restarts the list the first time it is used.
            self.applied_overrides.add(key)
            counters[ilvl] = num.start_overrides[ilvl]
            for il in list(counters):
                if il > ilvl:
                    del counters[il]
        elif ilvl in counters:
            counters[ilvl] += 1
        else:
            counters[ilvl] = self._start(num, aid, ilvl)
        # Deeper levels restart when a higher level is used (unless lvlRestart says otherwise).
        for il in list(counters):
            if il <= ilvl:
                continue
            lv = self._level_def(num, aid, il)
            restart = lv.restart if lv is not None and lv.restart is not None else il
            if restart != 0 and ilvl < restart:
                del counters[il]
        if level.fmt in ("none", "bullet") or level.text is None:
            return None

        def sub(m: re.Match) -> str:
            ref = int(m.group(1)) - 1
            ref_level = level if ref == ilvl else self._level_def(num, aid, ref)
            value = counters.get(ref)
            if value is None:
                value = self._start(num, aid, ref)
            fmt = ref_level.fmt if ref_level is not None else "decimal"
            if level.is_legal and fmt not in ("decimalZero",):
                fmt = "decimal"
            if fmt in ("none", "bullet"):
                return ""
            return format_number(value, fmt)

        text = re.sub(r"%([1-9])", sub, level.text)
        if level.suffix != "nothing" and text and (text[-1].isalnum()):
            text += " "  # 第一章 总则 / 第1条 ...: Word's tab or space after the number
        return text

    def _start(self, num: _Num, aid: str, ilvl: int) -> int:
        if ilvl in num.start_overrides:
            return num.start_overrides[ilvl]
        lv = self._level_def(num, aid, ilvl)
        return lv.start if lv is not None else 1


def _int(v: str | None) -> int | None:
    if v is None:
        return None
    try:
        return int(v)
    except ValueError:
        return None


# ----------------------------------------------------------------------------------------------
# Package access
# ----------------------------------------------------------------------------------------------


def _fail(path: Path, message: str) -> CorruptFileError:
    return CorruptFileError(message, path=str(path))


def _ole_error(path: Path, data: bytes):
    # An OLE compound file: Word's encrypted .docx wrapper (EncryptionInfo + EncryptedPackage
    # streams) or a legacy binary .doc (WordDocument stream) that was given a .docx name.
    if "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data:
        return EncryptedError("password-protected (encrypted) Word document: remove the password and save again",
                              path=str(path))
    return _fail(path, "legacy Word .doc (OLE compound file), not .docx: open it in Word and save as .docx")


class _Package:
    def __init__(self, path: Path, data: bytes):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
            raise _fail(path, f"not a valid .docx (damaged or truncated zip archive: {e})") from None
        self.names = set(self.zip.namelist())

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        try:
            return self.zip.read(name)
        # RuntimeError also covers zipfile's error for an unsupported compression method.
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as e:
            raise _fail(self.path, f"damaged .docx: cannot read part {name} ({e})") from None

    def xml(self, name: str):
        raw = self.read(name)
        if raw is None:
            return None
        try:
            return etree.fromstring(raw, _PARSER)
        except etree.XMLSyntaxError as e:
            raise _fail(self.path, f"damaged .docx: invalid XML in {name} ({e})") from None

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(type, absolute target part name, target mode) for a part's relationships."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out = []
        if root is None:
            return out
        for rel in root.iter(f"{{{_REL_NS}}}Relationship"):
            target = rel.get("Target") or ""
            mode = rel.get("TargetMode") or ""
            if mode != "External":
                target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
            out.append((rel.get("Type") or "", target, mode))
        return out


def _main_part(pkg: _Package) -> str:
    for typ, target, _ in pkg.rels(""):
        if typ in _OFFICE_DOC_TYPES and target in pkg.names:
            return target
    if "word/document.xml" in pkg.names:
        return "word/document.xml"
    raise _fail(pkg.path, "not a Word document: the .docx has no main document part (word/document.xml)")


# ----------------------------------------------------------------------------------------------
# Document walk
# ----------------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, w: str, numbering: _Numbering):
        self.w = w
        self.num = numbering
        self.lines: list[str] = []
        self.paragraph_numbers: list[int] = []  # the body paragraph of each line
        self.tables: list[RawTable] = []
        q = self._q
        self.T_P, self.T_TBL, self.T_R, self.T_T = q("p"), q("tbl"), q("r"), q("t")
        self.T_TC, self.T_TR = q("tc"), q("tr")
        self.T_SDT, self.T_SDTCONTENT, self.T_CUSTOMXML = q("sdt"), q("sdtContent"), q("customXml")
        self.T_INS, self.T_DEL, self.T_MOVETO, self.T_MOVEFROM = q("ins"), q("del"), q("moveTo"), q("moveFrom")
        self.T_PPR, self.T_RPR = q("pPr"), q("rPr")
        self.T_TXBX = q("txbxContent")
        self.MC_FALLBACK = f"{{{_MC}}}Fallback"

    def _q(self, tag: str) -> str:
        return f"{{{self.w}}}{tag}"

    # -- block level ----------------------------------------------------------------------

    def body_blocks(self, container):
        """Yield w:p and w:tbl children in order, looking through content controls and wrappers."""
        for child in container:
            tag = child.tag
            if tag == self.T_P or tag == self.T_TBL:
                yield child
            elif tag in (self.T_SDT,):
                content = child.find(self.T_SDTCONTENT)
                if content is not None:
                    yield from self.body_blocks(content)
            elif tag in (self.T_CUSTOMXML, self.T_INS, self.T_MOVETO, self.T_SDTCONTENT):
                yield from self.body_blocks(child)
            elif tag == f"{{{_MC}}}AlternateContent":
                choice = child.find(f"{{{_MC}}}Choice")
                if choice is not None:
                    yield from self.body_blocks(choice)

    def read_body(self, body) -> None:
        paragraph = -1
        for block in self.body_blocks(body):
            if block.tag == self.T_P:
                paragraph += 1
                text, boxes = self.paragraph(block)
                if text:
                    self.lines.append(text)
                for box_line in boxes:
                    self.lines.append(box_line)
                # a text box's lines are placed by the paragraph they are anchored in
                self.paragraph_numbers.extend([paragraph] * (len(self.lines) - len(self.paragraph_numbers)))
            else:
                rows = self.table(block)
                if rows:
                    self.tables.append(RawTable(rows=rows, page=None, line_index=len(self.lines)))

    # -- paragraphs ------------------------------------------------------------------------

    def paragraph(self, p) -> tuple[str, list[str]]:
        """(text with its numbering marker, lines of text boxes anchored in the paragraph)."""
        boxes: list[str] = []
        pieces: list[str] = []
        self._runs(p, pieces, boxes)
        text = _clean("".join(pieces))
        marker = self._marker(p)
        if marker is None or not text:
            return text, boxes
        return marker + text, boxes

    def _runs(self, el, pieces: list[str], boxes: list[str]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (self.T_PPR, self.T_RPR, self.T_DEL, self.T_MOVEFROM, self.MC_FALLBACK):
                continue
            if tag == self.T_TXBX:
                for block in self.body_blocks(child):
                    if block.tag == self.T_P:
                        text, inner = self.paragraph(block)
                        if text:
                            boxes.append(text)
                        boxes.extend(inner)
                    else:
                        flat = self._flatten_table(block)
                        if flat:
                            boxes.append(flat)
                continue
            if tag == self.T_R:
                if self._hidden(child):
                    continue
                for part in child:
                    ptag = part.tag
                    if ptag == self.T_T:
                        pieces.append(part.text or "")
                    elif ptag == self._q("tab") or ptag == self._q("ptab"):
                        pieces.append(" ")
                    elif ptag in (self._q("br"), self._q("cr")):
                        pieces.append("\n")  # soft line break: joined later without a newline
                    elif ptag == self._q("noBreakHyphen"):
                        pieces.append("-")
                    elif ptag == self._q("sym"):
                        ch = part.get(self._q("char"))
                        if ch:
                            try:
                                code = int(ch, 16)
                                if code >= 0xF000:
                                    code -= 0xF000
                                if code >= 0x20:
                                    pieces.append(chr(code))
                            except ValueError:
                                pass
                    elif isinstance(ptag, str) and ptag != self.T_RPR:
                        # drawings / alternate content may hold text boxes
                        self._runs(part, [], boxes)
                continue
            # hyperlinks, smart tags, fields, insertions, content controls, bookmarks: look inside
            self._runs(child, pieces, boxes)

    def _hidden(self, run) -> bool:
        rpr = run.find(self.T_RPR)
        if rpr is None:
            return False
        vanish = rpr.find(self._q("vanish"))
        return vanish is not None and vanish.get(self._q("val"), "1") not in ("0", "false", "off")

    def _marker(self, p) -> str | None:
        ppr = p.find(self.T_PPR)
        style_id = None
        num_id = ilvl = None
        direct = False
        if ppr is not None:
            ps = ppr.find(self._q("pStyle"))
            if ps is not None:
                style_id = ps.get(self._q("val"))
            numpr = ppr.find(self._q("numPr"))
            if numpr is not None:
                nid = numpr.find(self._q("numId"))
                il = numpr.find(self._q("ilvl"))
                if nid is not None:
                    num_id = nid.get(self._q("val"))
                    direct = True
                if il is not None:
                    ilvl = _int(il.get(self._q("val")))
            # A deleted numbering change (w:pPrChange) is ignored: the current pPr is what shows.
        if style_id is None:
            style_id = self.num.default_pstyle
        link_style = None
        if not direct:
            s_num, s_ilvl, link_style = self.num.style_chain_numpr(style_id)
            if s_num is not None:
                num_id = s_num
                if ilvl is None:
                    ilvl = s_ilvl
        elif ilvl is None:
            s_num, s_ilvl, link_style = self.num.style_chain_numpr(style_id)
            if s_ilvl is not None:
                ilvl = s_ilvl
        if num_id is None or num_id == "0":
            return None
        return self.num.marker(num_id, ilvl, link_style or style_id)

    # -- tables ----------------------------------------------------------------------------

    def _cell_text(self, tc) -> str:
        pieces: list[str] = []
        for block in self.body_blocks(tc):
            if block.tag == self.T_P:
                text, boxes = self.paragraph(block)
                pieces.append(text)
                pieces.extend(boxes)
            else:
                pieces.append(self._flatten_table(block))
        return join_pieces(pieces)

    def _flatten_table(self, tbl) -> str:
        pieces: list[str] = []
        for tr in self._rows(tbl):
            for tc in self._cells(tr):
                pieces.append(self._cell_text(tc))
        return join_pieces(pieces)

    def _rows(self, tbl):
        for row in self._children(tbl, self.T_TR):
            yield row

    def _cells(self, tr):
        yield from self._children(tr, self.T_TC)

    def _children(self, el, tag):
        for child in el:
            if child.tag == tag:
                yield child
            elif child.tag in (self.T_SDT, self.T_CUSTOMXML, self.T_INS, self.T_SDTCONTENT, self.T_MOVETO):
                inner = child.find(self.T_SDTCONTENT) if child.tag == self.T_SDT else child
                if inner is not None:
                    yield from self._children(inner, tag)

    def table(self, tbl) -> list[list[str | None]]:
        grid = tbl.find(self._q("tblGrid"))
        grid_cols = len(grid.findall(self._q("gridCol"))) if grid is not None else 0
        rows: list[list[str | None]] = []
        for tr in self._rows(tbl):
            row: list[str | None] = []
            trpr = tr.find(self._q("trPr"))
            before = _int(self._val(trpr, "gridBefore")) or 0 if trpr is not None else 0
            row.extend([None] * before)
            for tc in self._cells(tr):
                tcpr = tc.find(self._q("tcPr"))
                span = 1
                vmerge_continue = False
                hmerge_continue = False
                if tcpr is not None:
                    span = max(1, _int(self._val(tcpr, "gridSpan")) or 1)
                    vm = tcpr.find(self._q("vMerge"))
                    if vm is not None and vm.get(self._q("val")) != "restart":
                        vmerge_continue = True
                    hm = tcpr.find(self._q("hMerge"))
                    if hm is not None and hm.get(self._q("val")) != "restart":
                        hmerge_continue = True
                if vmerge_continue or hmerge_continue:
                    row.append(None)
                else:
                    row.append(self._cell_text(tc))
                row.extend([None] * (span - 1))
            rows.append(row)
        if not rows:
            return []
        width = max([grid_cols] + [len(r) for r in rows])
        for r in rows:
            r.extend([None] * (width - len(r)))
        if not any(c for r in rows for c in r):
            return []
        return rows

    def _val(self, el, tag: str) -> str | None:
        child = el.find(self._q(tag))
        return None if child is None else child.get(self._q("val"))


def _clean(text: str) -> str:
    """One paragraph's text: soft breaks joined, whitespace runs collapsed, edges stripped."""
    if "\n" in text:
        text = join_pieces(text.split("\n"))
    text = re.sub(r"[ \t\r\f\v\xa0]+", " ", text)
    return text.strip(" \t\u3000\xa0")


def read_docx(path: Path, data: bytes) -> RawDocument:
    path = Path(path)
    if data.startswith(_OLE_MAGIC):
        raise _ole_error(path, data)
    if not data.startswith(b"PK"):
        raise _fail(path, "not a .docx file (no zip signature)")
    pkg = _Package(path, data)
    main = _main_part(pkg)
    root = pkg.xml(main)
    if root is None:
        raise _fail(path, f"damaged .docx: missing {main}")
    w = etree.QName(root).namespace or _W_TRANSITIONAL
    if w not in (_W_TRANSITIONAL, _W_STRICT):
        raise _fail(path, "not a Word document: unexpected main part content")
    body = root.find(f"{{{w}}}body")
    if body is None:
        raise _fail(path, "damaged .docx: the document has no body")
    numbering_root = styles_root = None
    for typ, target, mode in pkg.rels(main):
        if mode == "External":
            continue
        if typ.endswith("/numbering"):
            numbering_root = pkg.xml(target)
        elif typ.endswith("/styles"):
            styles_root = pkg.xml(target)
    reader = _Reader(w, _Numbering(w, numbering_root, styles_root))
    reader.read_body(body)
    return RawDocument(
        path=str(path),
        format="docx",
        sha256="",
        pages=[RawPage(number=None, lines=reader.lines, tables=reader.tables, paragraph_numbers=reader.paragraph_numbers)],
        page_count=None,
        lines_are_paragraphs=True,
    )
