"""HTML reader for government web pages: the article body as paragraphs, its tables, no site chrome.

Steps: decode (BOM, <meta charset>, charset detection; GB2312/GBK read as GB18030), parse with
BeautifulSoup+lxml, drop non-content elements (scripts, forms, navigation, headers/footers,
share bars, breadcrumbs), find the article container (well-known ids/classes of Chinese
government CMSs, else the block with the most CJK text and the fewest links), then walk it:
every block element / <br> run is one line, inline elements never break lines, <table>s become
RawTables with rowspan/colspan expanded (layout tables are descended into instead).
"""
from __future__ import annotations

import codecs
import re
import warnings
from pathlib import Path

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag
from bs4.element import CData, Declaration, ProcessingInstruction

from ..errors import CorruptFileError, EmptyFileError
from ..grammar import load_grammars
from ..grammar.schema import layout_rules
from .base import RawDocument, RawPage, RawTable
from .txt import BOMS, decode_text

# ----------------------------------------------------------------------------------------------
# Decoding
# ----------------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "cp936", "x-gbk", "gb_2312-80", "csgb2312", "euc-cn", "x-euc-cn", "ms936",
              "windows-936", "chinese", "gb18030", "iso-ir-58"}


def _normalise_encoding(name: str) -> str | None:
    name = name.strip().lower()
    if name in _GB_FAMILY or name.replace("_", "-") in _GB_FAMILY:
        return "gb18030"  # superset: never loses characters GBK pages really use
    if name in ("big5", "big5-hkscs", "x-x-big5", "cp950"):
        return "big5hkscs"
    if name in ("utf8", "unicode-1-1-utf-8", "unicode"):
        return "utf-8"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes) -> tuple[str, str]:
    """(text, encoding): BOM, then the declared charset, then strict UTF-8, then detection."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace"), enc
    # Valid UTF-8 with non-ASCII text is UTF-8 whatever the page claims (a page re-saved as
    # UTF-8 keeps its old gb2312 meta; real GBK text is practically never valid UTF-8).
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    head = data[:8192]
    declared = None
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if m:
        declared = _normalise_encoding(m.group(1).decode("ascii", "ignore"))
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    try:
        return decode_text(data)
    except CorruptFileError:
        if declared:
            return data.decode(declared, errors="replace"), declared
        raise


# ----------------------------------------------------------------------------------------------
# Character classes and chrome patterns
# ----------------------------------------------------------------------------------------------

_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_OR_PUNCT = r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026]"
_WRAP_BETWEEN_CJK = re.compile(rf"(?<={_CJK_OR_PUNCT})[ \t\r\n\f]*\n[ \t\r\n\f]*(?={_CJK_OR_PUNCT})")
_ASCII_WS = re.compile(r"[ \t\r\n\f]+")
_NBSP_RUN = re.compile(r"\xa0+")
_EDGE = " \t\r\n\f\xa0\u3000\u2002\u2003\u2009\u200b\ufeff"
_MARKER_SPACE = re.compile(
    r"^((?:[一二三四五六七八九十百]{1,4}、)|(?:[（(][一二三四五六七八九十百\d]{1,4}[）)])|(?:\d{1,3}[、.．]))[ \xa0\u3000]+"
    r"(?=[\u3400-\u9fff])"
)

_BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "dir", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hgroup", "hr", "html", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption", "legend", "listing", "xmp",
    "plaintext", "option",
}
_DROP_TAGS = {
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed", "applet",
    "form", "input", "select", "button", "textarea", "nav", "header", "footer", "aside", "svg", "canvas",
    "audio", "video", "map", "head", "link", "meta", "base", "dialog", "menu",
}

# Well-known article containers of Chinese government CMSs (TRS WCM, UCAP, Hanweb, ...), best first.
_CONTAINER_NAMES = [
    "ucap-content", "trs_editor", "trs_ueditor", "zoom", "fontzoom", "article-content", "article_content",
    "articlecontent", "pages_content", "pages-content", "zwnr", "zw", "news_content", "news-content",
    "newscontent", "art_con", "art-con", "artcon", "article-body", "article_body", "detail-content",
    "detail_content", "detailcontent", "xxgk_content", "view", "content_text", "contenttext", "text",
    "conter", "con", "detail", "article", "content", "main-content", "maincontent", "main_content", "main",
]
_CONTAINER_RANK = {name: i for i, name in enumerate(_CONTAINER_NAMES)}

# ids/classes of site chrome: removed when they hold little text.
_CHROME_NAME = re.compile(
    r"(^|[-_\s])(nav|navbar|menu|breadcrumbs?|crumbs?|position|location|dqwz|weizhi|share|bdshare|"
    r"bdsharebuttonbox|social|footer|foot|copyright|banquan|header|head|topbar|top|sidebar|side|"
    r"related|xglj|links?|friendlink|yqlj|print|dayin|fontsize|zihao|toolbar|tools?|search|login|"
    r"pagination|pager|prev|next|ewm|qrcode|erweima|gotop|backtop|comment|skip)([-_\s]|$)",
    re.I,
)

_CHROME_TOKEN = re.compile(
    r"[【\[［]\s*(?:字号|字体)[:：]?\s*[大中小\s]+[】\]］]"
    r"|(?:字号|字体)[:：]\s*(?:[【\[［]?\s*[大中小]\s*[】\]］]?\s*){2,3}"
    r"|[【\[［]\s*(?:打印(?:本页|此页|文章|正文)?|关闭(?:本页|窗口|此页)?|收藏(?:本页)?|返回(?:顶部)?|"
    r"纠错|我要纠错|分享|加入收藏|保存|下载|大|中|小|默认|TOP)\s*[】\]］]"
)
def _cjk_count(text: str) -> int:
    return len(_CJK_CHAR.findall(text))


def _clean_line(raw: str) -> str:
    """Source line wraps between CJK removed, whitespace collapsed, indentation stripped."""
    text = _WRAP_BETWEEN_CJK.sub("", raw)
    text = _ASCII_WS.sub(" ", text)
    text = _NBSP_RUN.sub(" ", text)
    text = text.replace("\u200b", "").replace("\ufeff", "")
    text = text.strip(_EDGE)
    text = _MARKER_SPACE.sub(r"\1", text)
    return text


def _is_chrome_line(line: str) -> bool:
    """A line of the page, not of the article: layout.toml `web_chrome` (the bundled rules; normalise
    applies them again with the user's grammars), on a short line."""
    compact = line.strip()
    if not compact:
        return True
    g = load_grammars(None)
    return len(compact) <= g.layout.web_chrome_max_chars and g.built(layout_rules)["web_chrome"].fullmatch(compact)


def _strip_chrome_tokens(line: str) -> str:
    return _CHROME_TOKEN.sub("", line).strip(_EDGE) if ("字" in line or "【" in line or "[" in line or "［" in line) else line


# ----------------------------------------------------------------------------------------------
# Tree helpers
# ----------------------------------------------------------------------------------------------


def _names(tag: Tag) -> list[str]:
    out: list[str] = []
    ident = tag.get("id")
    if isinstance(ident, str) and ident:
        out.append(ident.lower())
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    out.extend(c.lower() for c in classes if c)
    return out


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden"):
        return True
    if (tag.get("aria-hidden") or "").lower() == "true" and tag.name not in ("body", "html"):
        return True
    style = tag.get("style")
    if isinstance(style, str) and re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", style, re.I):
        return True
    return tag.name == "input" and (tag.get("type") or "").lower() == "hidden"


def _text_stats(tag: Tag) -> tuple[int, int]:
    """(CJK characters, CJK characters inside links)."""
    total = link = 0
    for s in tag.find_all(string=True):
        if isinstance(s, (Comment, Doctype, Declaration, ProcessingInstruction, CData)):
            continue
        n = _cjk_count(str(s))
        if not n:
            continue
        total += n
        if s.find_parent("a") is not None:
            link += n
    return total, link


class _Extractor:
    """Walks an element tree, producing lines and tables."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.tables: list[RawTable] = []
        self._buf: list[str] = []

    # -- line buffer -----------------------------------------------------------------------

    def flush(self) -> None:
        if not self._buf:
            return
        text = _clean_line("".join(self._buf))
        self._buf = []
        if text:
            self.lines.append(text)

    def walk(self, node) -> None:
        if isinstance(node, (Comment, Doctype, Declaration, ProcessingInstruction, CData)):
            return
        if isinstance(node, NavigableString):
            self._buf.append(str(node))
            return
        if not isinstance(node, Tag):
            return
        name = node.name
        if name == "br":
            self.flush()
            return
        if name == "hr":
            self.flush()
            return
        if name == "table":
            self.flush()
            self.table(node)
            return
        if name in ("pre", "xmp", "listing", "plaintext"):
            self.flush()
            for part in node.get_text().split("\n"):
                self._buf.append(part)
                self.flush()
            return
        block = name in _BLOCK_TAGS
        if block:
            self.flush()
        for child in node.children:
            self.walk(child)
        if block:
            self.flush()

    # -- tables ----------------------------------------------------------------------------

    def table(self, table: Tag) -> None:
        rows = _table_rows(table)
        if _is_layout_table(table, rows):
            for tr in rows:
                for cell in _row_cells(tr):
                    total, link = _text_stats(cell)
                    if link and total - link < 20 and link >= 0.5 * total:
                        continue  # a menu column of the page grid
                    self.walk_children_as_block(cell)
            return
        caption = table.find("caption")
        if caption is not None and _owner_table(caption) is table:
            self.walk_children_as_block(caption)
        grid = _expand(rows)
        if grid:
            self.tables.append(RawTable(rows=grid, page=None, line_index=len(self.lines)))

    def walk_children_as_block(self, tag: Tag) -> None:
        self.flush()
        for child in tag.children:
            self.walk(child)
        self.flush()


def _owner_table(tag: Tag) -> Tag | None:
    return tag.find_parent("table")


def _table_rows(table: Tag) -> list[Tag]:
    """The table's own <tr>s (through thead/tbody/tfoot), not those of nested tables."""
    rows: list[Tag] = []
    for tr in table.find_all("tr"):
        if _owner_table(tr) is table:
            rows.append(tr)
    return rows


def _row_cells(tr: Tag) -> list[Tag]:
    return [c for c in tr.find_all(["td", "th"]) if c.find_parent("tr") is tr]


def _cell_text(cell: Tag) -> str:
    """A cell's text on one line: its blocks joined without newlines ("" around CJK, else " ")."""
    sub = _Extractor()
    sub.walk_children_as_block(cell)
    # nested tables: flatten their text into the cell in order
    pieces = list(sub.lines)
    for t in reversed(sub.tables):
        flat = [c for row in t.rows for c in row if c]
        idx = t.line_index if t.line_index is not None else len(pieces)
        pieces[idx:idx] = flat
    out = ""
    for piece in pieces:
        if out and not (re.match(_CJK_OR_PUNCT, out[-1]) or re.match(_CJK_OR_PUNCT, piece[0])):
            out += " "
        out += piece
    return out


def _span(cell: Tag, attr: str, limit: int) -> int:
    raw = cell.get(attr)
    if not isinstance(raw, str):
        return 1
    m = re.match(r"\s*(\d+)", raw)
    if not m:
        return 1
    n = int(m.group(1))
    if n == 0 and attr == "rowspan":
        return limit  # rowspan=0: to the end of the table
    return max(1, min(n, limit))


def _expand(rows: list[Tag]) -> list[list[str | None]]:
    """Rows of cells with rowspan/colspan expanded: covered positions are None, rows equal length."""
    grid: list[list[str | None]] = []
    pending: dict[tuple[int, int], bool] = {}  # (row, col) covered by a span from above/left
    for r, tr in enumerate(rows):
        row: list[str | None] = []
        c = 0
        for cell in _row_cells(tr):
            while pending.pop((r, c), False):
                row.append(None)
                c += 1
            colspan = _span(cell, "colspan", 1000)
            rowspan = _span(cell, "rowspan", len(rows) - r)
            row.append(_cell_text(cell))
            for dc in range(1, colspan):
                row.append(None)
            for dr in range(rowspan):
                for dc in range(colspan):
                    if dr == 0:
                        continue
                    pending[(r + dr, c + dc)] = True
            c += colspan
        # trailing positions covered by rowspans from above
        for (pr, pc) in sorted(k for k in pending if k[0] == r):
            while len(row) < pc:
                row.append(None)
            if len(row) == pc:
                row.append(None)
            pending.pop((pr, pc), None)
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    grid = [row for row in grid if any(cell for cell in row)]
    return grid if grid else []


def _is_layout_table(table: Tag, rows: list[Tag]) -> bool:
    """A table used to lay the page out (it wraps paragraphs), not a data table."""
    role = (table.get("role") or "").lower()
    if role in ("presentation", "none"):
        return True
    if not rows:
        return True
    cells = [_row_cells(tr) for tr in rows]
    max_cols = max((len(c) for c in cells), default=0)
    if max_cols == 0:
        return True
    if len(rows) == 1 and max_cols == 1:
        return True  # a box around content
    has_nested = any(_owner_table(t) is table for t in table.find_all("table"))
    stats = []  # (CJK chars, block children) per cell
    for row in cells:
        for cell in row:
            blocks = [b for b in cell.find_all(["p", "div", "br", "li", "h1", "h2", "h3", "h4", "table"])
                      if _owner_table(b) is table]
            stats.append((_cjk_count(cell.get_text()), len(blocks)))
    biggest = max((n for n, _ in stats), default=0)
    # one cell holding a whole multi-paragraph article, whatever the column count
    if any(n >= 400 and b >= 3 for n, b in stats) and biggest >= 0.6 * sum(n for n, _ in stats):
        return True
    if max_cols <= 2:
        # a two-column data table (任务 | 措施) has text in both columns row after row
        full_rows = sum(1 for row in cells if len(row) == 2 and all(c.get_text(strip=True) for c in row))
        if full_rows >= 3 and biggest < 800:
            return False
        for n, b in stats:
            if (b >= 2 or has_nested) and n >= 150 and (len(rows) <= 10 or n >= 500):
                return True
    if has_nested and max_cols <= 3 and len(rows) <= 3:
        return True
    return False


# ----------------------------------------------------------------------------------------------
# Page-level: cleaning, container, title
# ----------------------------------------------------------------------------------------------


def _remove_noise(soup: BeautifulSoup) -> None:
    for c in soup.find_all(string=lambda s: isinstance(s, (Comment, Doctype, Declaration, ProcessingInstruction))):
        c.extract()
    for tag in soup.find_all(list(_DROP_TAGS)):
        if getattr(tag, "decomposed", False):
            continue
        if tag.name == "head":
            continue  # keep <title>; the walk never enters <head>
        if tag.name in ("form", "header", "footer", "aside", "nav", "menu"):
            total, link = _text_stats(tag)
            if total - link >= 200:
                # ASP.NET pages wrap the whole body in <form>; HTML5 <header>/<aside> misused
                # around the article: keep the content, drop only the wrapper.
                tag.unwrap()
                continue
        tag.decompose()
    for tag in soup.find_all(True):
        if getattr(tag, "decomposed", False):
            continue
        if tag.name in ("html", "body"):
            continue
        if _hidden(tag):
            tag.decompose()


def _remove_chrome_blocks(root: Tag) -> None:
    for tag in list(root.find_all(True)):
        if getattr(tag, "decomposed", False) or tag.parent is None:
            continue
        names = _names(tag)
        if not names or any(n in _CONTAINER_RANK for n in names):
            continue
        if any(_CHROME_NAME.search(n) for n in names):
            if tag.find("h1") is not None or _holds_title(tag) or any(
                    n in _CONTAINER_RANK for d in tag.find_all(True) for n in _names(d)):
                continue
            total, link = _text_stats(tag)
            if total < 150 or link >= 0.5 * total:
                tag.decompose()


_TITLE_NAME = re.compile(r"(^|[-_])(title|tit|bt|zwbt|wzbt|biaoti|articletitle|headline)([-_]|$)", re.I)


def _holds_title(tag: Tag) -> bool:
    return any(_TITLE_NAME.search(n) for n in _names(tag)) or any(
        _TITLE_NAME.search(n) for d in tag.find_all(True) for n in _names(d))


def _score(tag: Tag) -> float:
    total, link = _text_stats(tag)
    return total - 2 * link


def _known_containers(soup: BeautifulSoup) -> list[Tag]:
    found: list[tuple[int, Tag]] = []
    for tag in soup.find_all(True):
        ranks = [_CONTAINER_RANK[n] for n in _names(tag) if n in _CONTAINER_RANK]
        if ranks:
            found.append((min(ranks), tag))
    found.sort(key=lambda x: x[0])
    return [t for _, t in found]


def _generic_container(body: Tag) -> Tag:
    """The element whose direct paragraphs hold the most CJK text (readability-style)."""
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    for el in body.find_all(["p", "div", "td", "li", "span", "font", "h1", "h2", "h3", "h4", "h5", "h6", "section",
                             "article", "center", "blockquote", "pre"]):
        own = "".join(str(s) for s in el.find_all(string=True, recursive=False))
        n = _cjk_count(own)
        if n < 8:
            continue
        if el.find_parent("a") is not None:
            continue
        parent = el if el.name in ("div", "td", "section", "article", "body") else el.parent
        for weight, anc in ((1.0, parent), (0.5, parent.parent if parent is not None else None)):
            if anc is None or not isinstance(anc, Tag):
                continue
            scores[id(anc)] = scores.get(id(anc), 0.0) + weight * n
            elements[id(anc)] = anc
    if not scores:
        return body
    best_id = max(scores, key=lambda k: scores[k])
    best = elements[best_id]
    # climb while the parent adds substantial non-link text (paragraphs spread over sibling divs)
    total_best = _score(best)
    node = best
    while node.parent is not None and isinstance(node.parent, Tag) and node.parent.name not in ("html", "[document]"):
        parent = node.parent
        if parent.name == "body":
            break
        ps = _score(parent)
        if ps > total_best * 1.3 and _text_stats(parent)[1] < 0.3 * _text_stats(parent)[0]:
            node, total_best = parent, ps
        else:
            break
    return node


def _find_container(soup: BeautifulSoup, body: Tag) -> Tag:
    generic = _generic_container(body)
    generic_score = max(_score(generic), 1.0)
    for tag in _known_containers(soup):
        total, link = _text_stats(tag)
        if total < 30 or link > 0.5 * total:
            continue
        if total - 2 * link >= 0.6 * generic_score:
            return tag
    return generic


_TITLE_SPLIT = re.compile(r"\s*(?:[_|｜]|\s-\s|\s—\s|\s–\s|--|——)\s*")


def _page_title(soup: BeautifulSoup) -> str | None:
    title = soup.find("title")
    if title is None:
        return None
    text = _clean_line(title.get_text())
    if not text:
        return None
    segments = [seg.strip() for seg in _TITLE_SPLIT.split(text) if _cjk_count(seg) >= 4]
    # "<article title>_<column>_<site>": the article title is the longest segment
    return max(segments, key=_cjk_count) if segments else None


def _article_title(soup: BeautifulSoup, container: Tag, page_title: str | None) -> str | None:
    """The article's title: an <h1>/title-class element outside the container, else <title>."""
    candidates: list[str] = []
    for tag in soup.find_all(["h1", "h2", "h3", "div", "p", "td", "span", "strong"]):
        if container is tag or tag in container.parents or _inside(tag, container):
            continue
        is_heading = tag.name in ("h1", "h2", "h3")
        names = _names(tag)
        titled = any(_TITLE_NAME.search(n) for n in names)
        if not (is_heading or titled):
            continue
        if tag.find_parent("a") is not None or tag.find("a") is not None:
            continue
        text = _clean_line(tag.get_text(" "))
        if _cjk_count(text) < 6 or len(text) > 150:
            continue
        candidates.append(text)
    if page_title is not None:
        for cand in candidates:
            if len(cand) >= 0.6 * len(page_title) and (
                    cand in page_title or page_title in cand or _similar(cand, page_title)):
                return cand if _document_like(cand) else None
        return page_title if _document_like(page_title) else None
    return next((c for c in candidates if _document_like(c)), None)


_DOC_WORDS = re.compile(
    r"关于|通知|方案|计划|意见|办法|规定|决定|报告|规划|纲要|公告|通告|细则|条例|要点|安排|批复|函|指南|措施|"
    r"行动|政策|解读|通报|命令|决议|章程|制度|标准|清单|目录"
)


def _document_like(title: str) -> bool:
    """A document title, not a site name ("江苏省人民政府门户网站")."""
    return bool(_DOC_WORDS.search(title)) or _cjk_count(title) >= 15


def _similar(a: str, b: str) -> bool:
    """Two titles made of nearly the same characters (short lines never count as similar)."""
    sa, sb = set(_CJK_CHAR.findall(a)), set(_CJK_CHAR.findall(b))
    if len(sa) < 6 or len(sb) < 6:
        return False
    return len(sa & sb) / max(len(sa), len(sb)) >= 0.7


def _inside(tag: Tag, container: Tag) -> bool:
    return any(p is container for p in tag.parents)


def _compact(s: str) -> str:
    return re.sub(r"[\s\u3000\xa0]+", "", s)


def read_html(path: Path, data: bytes) -> RawDocument:
    path = Path(path)
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                                          codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise CorruptFileError("binary data, not an HTML page", path=str(path))
    try:
        text, encoding = decode_html(data)
    except CorruptFileError as e:
        raise CorruptFileError(f"not an HTML page: {e}", path=str(path)) from None
    if "\x00" in text:
        raise CorruptFileError("binary data, not an HTML page", path=str(path))
    if not re.search(r"<\s*(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|!--|!doctype)", text[:200000], re.I):
        raise CorruptFileError("not an HTML page (no HTML markup found)", path=str(path))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # bs4's XMLParsedAsHTML / MarkupResemblesLocator hints
        soup = BeautifulSoup(text, "lxml")
    page_title = _page_title(soup)
    if soup.head is not None:
        soup.head.decompose()
    _remove_noise(soup)
    body = soup.body or soup
    _remove_chrome_blocks(body)
    container = _find_container(soup, body)

    ex = _Extractor()
    ex.walk_children_as_block(container)
    # chrome that survived as text: 【字号：大 中 小】, 打印/关闭, breadcrumbs, metadata, copyright
    kept: list[str] = []
    index_map: list[int] = []  # old line index -> new line index
    for line in ex.lines:
        index_map.append(len(kept))
        line = _strip_chrome_tokens(line)
        if _is_chrome_line(line):
            continue
        kept.append(line)
    index_map.append(len(kept))
    tables = ex.tables
    for t in tables:
        if t.line_index is not None:
            t.line_index = index_map[min(t.line_index, len(index_map) - 1)]

    title = _article_title(soup, container, page_title)
    if title and not _is_chrome_line(title):
        head = _compact("".join(kept[:3]))
        t = _compact(title)
        # the container already opens with its own heading (or a line much like the title)
        own_heading = any(
            _compact(h.get_text()) and _compact(h.get_text()) in head
            for h in container.find_all(["h1", "h2"], limit=3)
        ) or any(_similar(title, line) for line in kept[:3])
        if t and t not in head and not own_heading:
            kept.insert(0, title)
            for tb in tables:
                if tb.line_index is not None:
                    tb.line_index += 1

    if not kept and not tables:
        frames = "frameset" in text.lower()[:20000] or "<iframe" in text.lower()
        hint = " (the page loads its content in frames)" if frames else ""
        raise EmptyFileError(f"no article text in HTML page{hint}", path=str(path))
    return RawDocument(
        path=str(path),
        format="html",
        sha256="",
        pages=[RawPage(number=None, lines=kept, tables=tables)],
        page_count=None,
        lines_are_paragraphs=True,
        encoding=encoding,
    )
