"""Markdown reader (scraped web pages saved as .md): the text a reader sees, line for line.

markdown-it-py parses the file; every block token carries its source line range (`.map`), so the
rendered text of each source line goes back into the same line slot: `RawPage.lines[i]` is what
line i+1 of the file says once markup is gone (`#`, `**`, link targets, list bullets, table pipes,
YAML front matter), or "" where the line is only markup or blank. Clause `line`s therefore point
into the source file. Each block (paragraph, heading, list item) starts a paragraph of its own:
the blank-line structure of the file is authoritative, so a long line (a URL) never swallows the
short lines after it.

A YAML front matter (python-frontmatter) is not text: its fields go to `RawDocument.header`, where
the meta stage looks only for what the document itself does not say. Scrape headers written as
text (`**发布日期**: …`) are recognised later, by the grammar, like those of any other format.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import frontmatter
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..text import line_starts
from .base import RawDocument, RawPage, RawTable
from .txt import decode_text_reporting

# A link whose target is a file to download (the portal's 【原文下载】 list), not text of the document.
_DOWNLOAD_SUFFIXES = (".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd", ".zip", ".rar", ".7z", ".txt")

_PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

# A long file is parsed a stretch of lines at a time (its tokens, several objects a line, took some 40
# times the file's size at once), cut only where no block can go on: before a line at the left margin
# after a blank line. A file with a construct that can run across such a cut (a fenced block, an HTML
# block of the kinds that end at a marker, not at a blank line) or that refers across it (a link
# reference definition) is parsed whole.
_CHUNK_LINES = 2000
_ACROSS_CUTS = re.compile(r"^ {0,3}(?:`{3,}|~{3,}|<(?:script|pre|style|textarea|!|\?))|\[[^\]\n]*\]:", re.I | re.M)


def _stretches(body: str, chunk_lines: int) -> Iterator[tuple[int, str]]:
    """(first line, text) of the stretches of `body` parsed one at a time (the whole of it, when it
    is short or may not be cut). Lines are found by their offsets, not split out: a list of them
    took five times the file's size beside it."""
    starts = line_starts(body)
    if len(starts) <= chunk_lines or _ACROSS_CUTS.search(body):
        yield 0, body
        return

    def line(k: int) -> str:
        return body[starts[k]:starts[k + 1] - 1] if k + 1 < len(starts) else body[starts[k]:]

    start = 0
    k = start + chunk_lines
    while k < len(starts):
        if line(k)[:1] not in ("", " ", "\t") and not line(k - 1).strip():
            yield start, body[starts[start]:starts[k] - 1]
            start, k = k, k + chunk_lines
        else:
            k += 1
    yield start, body[starts[start]:]


def _tokens(body: str, chunk_lines: int = _CHUNK_LINES) -> Iterator[tuple[int, list[Token]]]:
    for first, text in _stretches(body, chunk_lines):
        yield first, _PARSER.parse(text)


def _split_front_matter(text: str) -> tuple[dict[str, str], int]:
    """(front-matter fields, number of source lines the front matter takes)."""
    handler = frontmatter.YAMLHandler()
    if not handler.detect(text):
        return {}, 0
    try:
        fm, content = handler.split(text)
        fields = handler.load(fm) or {}
    except Exception:  # malformed YAML: the block is still not document text
        return {}, 0
    if not isinstance(fields, dict):
        return {}, 0
    consumed = text[: len(text) - len(content)].count("\n")
    header = {str(k).strip(): _scalar(v) for k, v in fields.items() if _scalar(v)}
    return header, consumed


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(_scalar(v) for v in value if _scalar(v))
    return str(value).strip()


def _is_download_link(children: list[Token]) -> bool:
    """The rendered line is nothing but one link to a file (`[通知.pdf](/cms/….pdf)`)."""
    links = [c for c in children if c.type == "link_open"]
    if len(links) != 1:
        return False
    outside = []
    depth = 0
    for c in children:
        if c.type == "link_open":
            depth += 1
        elif c.type == "link_close":
            depth -= 1
        elif depth == 0 and c.type in ("text", "code_inline"):
            outside.append(c.content)
    href = str(links[0].attrGet("href") or "").strip().lower().split("?")[0].split("#")[0]
    return not "".join(outside).strip() and href.endswith(_DOWNLOAD_SUFFIXES)


def _render_inline(tok: Token) -> list[str]:
    """The plain text of an inline token, one string per source line (soft and hard breaks)."""
    lines = [""]
    for c in tok.children or []:
        if c.type in ("softbreak", "hardbreak"):
            lines.append("")
        elif c.type in ("text", "code_inline"):
            # A `**` that found no partner (`（2026—2030年****）`) is markup debris, not text.
            lines[-1] += c.content.replace("**", "").replace("__", "")
        elif c.type == "html_inline" and c.content.lower().startswith("<br"):
            lines.append("")
        # strong/em/link/image/html_inline: markup; link text arrives as its own text children
    return lines


def _cell_text(tok: Token) -> str:
    return "".join(_render_inline(tok)).strip()


def _raw_lines(tok: Token) -> list[str]:
    """Lines of a code or HTML block: a scrape's indented paragraphs are text, not code."""
    return tok.content.rstrip("\n").split("\n")


def read_markdown(path: Path, data: bytes, *, chunk_lines: int = _CHUNK_LINES) -> RawDocument:
    text, encoding, warnings = decode_text_reporting(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header, offset = _split_front_matter(text)
    n_lines = text.count("\n") + 1
    body = text if not offset else text[line_starts(text)[offset]:] if offset < n_lines else ""
    del text  # the body is the text, or all of it after the front matter

    lines = [""] * n_lines
    starts: set[int] = set()
    tables: list[RawTable] = []
    ordinal: list[str] = []  # the written number of the open ordered-list item ("" for bullets)
    for base, tokens in _tokens(body, chunk_lines):
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            first = tok.map[0] + base + offset if tok.map else None
            if tok.type == "table_open":
                rows: list[list[str | None]] = []
                row: list[str | None] = []
                j = i + 1
                while tokens[j].type != "table_close":
                    t = tokens[j]
                    if t.type == "tr_open":
                        row = []
                    elif t.type == "inline":
                        row.append(_cell_text(t))
                    elif t.type == "tr_close":
                        rows.append(row)
                    j += 1
                tables.append(RawTable(rows=rows, page=None, line_index=first))
                if first is not None:
                    starts.add(first)
                    starts.add(tok.map[1] + base + offset)
                i = j + 1
                continue
            if tok.type in ("ordered_list_open", "bullet_list_open"):
                pass
            elif tok.type == "list_item_open":
                # An ordered item's number is a clause marker of the document (`12. 建设…`): keep it as written.
                ordinal.append(f"{tok.info}{tok.markup}" if tok.info else "")
            elif tok.type == "list_item_close":
                ordinal.pop()
            elif tok.type == "inline" and first is not None:
                if _is_download_link(tok.children or []):
                    i += 1
                    continue
                rendered = _render_inline(tok)
                prefix = ""
                if ordinal and ordinal[-1] and tokens[i - 1].type == "paragraph_open" and tokens[i - 2].type == "list_item_open":
                    prefix = ordinal[-1]
                for k, piece in enumerate(rendered):
                    if first + k < len(lines):
                        lines[first + k] = (prefix if k == 0 else "") + piece
                starts.add(first)
            elif tok.type in ("code_block", "fence", "html_block") and first is not None:
                raw = _raw_lines(tok)
                skip = 1 if tok.type == "fence" else 0  # the opening ``` line
                for k, piece in enumerate(raw):
                    if first + skip + k < len(lines):
                        lines[first + skip + k] = piece
                        if k == 0 or not raw[k - 1].strip():
                            starts.add(first + skip + k)
            i += 1

    return RawDocument(
        path=str(path),
        format="markdown",
        sha256="",
        pages=[RawPage(number=None, lines=lines, tables=tables, paragraph_starts=sorted(starts))],
        encoding=encoding,
        header=header,
        warnings=warnings,
    )
