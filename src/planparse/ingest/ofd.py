"""OFD (GB/T 33190, China's fixed-layout e-document format) read from its zipped XML.

OFD.xml → DocBody/DocRoot (Document.xml) → Pages/Page@BaseLoc (Content.xml), plus the template pages
a page draws under or over it. Every TextObject places its TextCode runs at Boundary + (X, Y) (in
mm, y downwards, CTM applied); the runs are grouped into visual lines by baseline, left to right,
as the PDF reader's lines are, and the same page-furniture removal runs on them. Fonts (often
embedded subsets) are ignored: OFD stores text as Unicode. Ruled tables (PathObject strokes) are
found by the lattice steps of ingest/lattice.py and taken out of the text.
The library route (easyofd) was checked: it pulls PyMuPDF and renders pages, and its parser ignores
CTM and templates, so the XML is read here directly.
"""
from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import CorruptFileError, EncryptedError
from .base import Box, RawDocument, RawPage, RawTable, line_box
from .lattice import ruled_tables
from .pdf_layout import PageLine
from .page_text import Item, clean_line, join_cell_lines, strip_page_numbers, strip_running_lines, to_raw_page

__all__ = ["read_ofd"]

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_comments=True)
_MM_TO_PT = 72.0 / 25.4
_NUM = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _floats(s: str | None) -> list[float]:
    return [float(v) for v in _NUM.findall(s or "")]


def _deltas(s: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, with `g N v` meaning v repeated N times."""
    out: list[float] = []
    toks = (s or "").split()
    i = 0
    while i < len(toks):
        if toks[i] == "g" and i + 2 < len(toks):
            out += [float(toks[i + 2])] * int(float(toks[i + 1]))
            i += 3
        else:
            try:
                out.append(float(toks[i]))
            except ValueError:
                pass
            i += 1
    return out


@dataclass
class _Run:
    """Text placed on the page: characters with their x positions on one baseline (mm)."""

    x0: float
    x1: float
    baseline: float
    size: float
    text: str
    xs: list[float]


def _matrix(ctm: str | None) -> tuple[float, ...] | None:
    vals = _floats(ctm)
    return tuple(vals) if len(vals) == 6 else None


def _apply(m: tuple[float, ...] | None, x: float, y: float) -> tuple[float, float]:
    if m is None:
        return x, y
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


class _Page:
    def __init__(self) -> None:
        self.runs: list[_Run] = []
        self.h_edges: list[tuple[float, float, float]] = []  # (y, x0, x1) in mm
        self.v_edges: list[tuple[float, float, float]] = []  # (x, y0, y1)

    def text_object(self, el, ox: float, oy: float) -> None:
        bx, by, *_ = _floats(el.get("Boundary")) + [0.0, 0.0]
        m = _matrix(el.get("CTM"))
        size = float(el.get("Size") or 3.5)
        if m is not None:
            size *= abs(m[3]) or abs(m[0]) or 1.0
        x = y = 0.0
        for code in el:
            if _local(code.tag) != "TextCode":
                continue
            text = code.text or ""
            if not text:
                continue
            x = float(code.get("X", x))
            y = float(code.get("Y", y))
            dx = _deltas(code.get("DeltaX"))
            dy = _deltas(code.get("DeltaY"))
            cx, cy = x, y
            pts = []
            for i, _ in enumerate(text):
                pts.append(_apply(m, cx, cy))
                if i < len(dx):
                    cx += dx[i]
                if i < len(dy):
                    cy += dy[i]
            # a column of text (DeltaY without DeltaX): one run per character, lines are rebuilt below
            if dy and not dx:
                for ch, (px, py) in zip(text, pts):
                    self.runs.append(_Run(ox + bx + px, ox + bx + px + size, oy + by + py, size, ch, [ox + bx + px]))
                continue
            xs = [ox + bx + px for px, _ in pts]
            self.runs.append(_Run(min(xs), max(xs) + size, oy + by + pts[0][1], size, text, xs))

    def path_object(self, el, ox: float, oy: float) -> None:
        if el.get("Stroke", "true") == "false" and el.get("Fill", "false") == "false":
            return
        bx, by, bw, bh = (_floats(el.get("Boundary")) + [0.0] * 4)[:4]
        x0, y0 = ox + bx, oy + by
        if bh <= 1.0 and bw >= 2.0:
            self.h_edges.append((y0 + bh / 2, x0, x0 + bw))
        elif bw <= 1.0 and bh >= 2.0:
            self.v_edges.append((x0 + bw / 2, y0, y0 + bh))
        elif bw >= 2.0 and bh >= 2.0 and el.find("{*}AbbreviatedData") is not None:
            data = el.find("{*}AbbreviatedData").text or ""
            if re.fullmatch(r"\s*M\s+[\d.\s]+(?:L\s+[\d.\s]+){3,4}(?:C\s*)?", data):  # a rectangle: its 4 sides
                self.h_edges += [(y0, x0, x0 + bw), (y0 + bh, x0, x0 + bw)]
                self.v_edges += [(x0, y0, y0 + bh), (x0 + bw, y0, y0 + bh)]

    def walk(self, container, ox: float = 0.0, oy: float = 0.0, depth: int = 0) -> None:
        for el in container:
            name = _local(el.tag)
            if name == "TextObject":
                self.text_object(el, ox, oy)
            elif name == "PathObject":
                self.path_object(el, ox, oy)
            elif name in ("Content", "Layer", "PageBlock") and depth < 16:
                self.walk(el, ox, oy, depth + 1)
            elif name == "CompositeObject" and depth < 16:
                bx, by, *_ = _floats(el.get("Boundary")) + [0.0, 0.0]
                self.walk(el, ox + bx, oy + by, depth + 1)


def _lines(runs: list[_Run]) -> list[tuple[str, Box]]:
    """Runs grouped into visual lines: same baseline (within a third of the font size), left to right."""
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: (r.baseline, r.x0)):
        if rows and abs(run.baseline - rows[-1][0].baseline) <= max(rows[-1][0].size, run.size) / 3:
            rows[-1].append(run)
        else:
            rows.append([run])
    out = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        parts = [row[0].text]
        for prev, run in zip(row, row[1:]):
            gap = run.x0 - prev.x1
            parts.append((" " if gap > 0.5 * run.size else "") + run.text)
        text = clean_line("".join(parts))
        if text.strip():
            size = max(r.size for r in row)
            box = (min(r.x0 for r in row), row[0].baseline - size, max(r.x1 for r in row), row[0].baseline + size * 0.2)
            out.append((text, tuple(round(v * _MM_TO_PT, 1) for v in box)))
    return out


def _tables(page: _Page) -> list[tuple[Box, list[list[str | None]], set[int]]]:
    """Ruled tables: (bbox in mm, rows of cell texts, indices of the runs inside)."""
    boxes = [(r.x0, r.baseline - r.size * 0.8, r.x1, r.baseline) for r in page.runs]
    found = []
    for bbox, grid in ruled_tables(page.h_edges, page.v_edges, boxes, tol=1.0):
        rows: list[list[str | None]] = [
            [join_cell_lines("\n".join(t for t, _ in _lines([page.runs[i] for i in cell]))) or "" for cell in row]
            for row in grid
        ]
        found.append((bbox, rows, {i for row in grid for cell in row for i in cell}))
    return found


def _page_items(page: _Page, number: int) -> list[Item]:
    tables = _tables(page)
    in_tables = set().union(*(used for _, _, used in tables)) if tables else set()
    lines = _lines([r for i, r in enumerate(page.runs) if i not in in_tables])
    pending = sorted(((bbox[1] * _MM_TO_PT, RawTable(rows=rows, page=number)) for bbox, rows, _ in tables), key=lambda t: t[0])
    items: list[Item] = []
    for text, box in lines:
        while pending and pending[0][0] <= box[1]:
            items.append(pending.pop(0)[1])
        items.append(_BoxedLine(text, box))
    items.extend(t for _, t in pending)
    return items


class _BoxedLine(str):
    """A line that keeps its box through the page-furniture passes (they filter, never rebuild, lines)."""

    box: Box

    def __new__(cls, text: str, box: Box) -> "_BoxedLine":
        obj = super().__new__(cls, text)
        obj.box = box
        return obj


class _Package:
    def __init__(self, path: Path, data: bytes):
        self.path = str(path)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, EOFError) as e:
            raise CorruptFileError(f"not a valid OFD (damaged zip container: {e})", path=self.path) from None
        self.names = {n.lstrip("/"): n for n in self.zip.namelist()}

    def xml(self, name: str, required: bool = True):
        key = posixpath.normpath(name.lstrip("/"))
        if key not in self.names:
            if required:
                raise CorruptFileError(f"damaged OFD: missing {key}", path=self.path)
            return None
        try:
            return etree.fromstring(self.zip.read(self.names[key]), _PARSER)
        except RuntimeError:
            raise EncryptedError("encrypted OFD part (password required)", path=self.path) from None
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError) as e:
            raise CorruptFileError(f"damaged OFD: {key} ({type(e).__name__})", path=self.path) from None


def _resolve(base_dir: str, loc: str) -> str:
    return posixpath.normpath(loc.lstrip("/") if loc.startswith("/") else posixpath.join(base_dir, loc))


def read_ofd(path: Path, data: bytes) -> RawDocument:
    pkg = _Package(path, data)
    root = pkg.xml("OFD.xml")
    doc_root = root.find("{*}DocBody/{*}DocRoot")
    if doc_root is None or not (doc_root.text or "").strip():
        raise CorruptFileError("damaged OFD: OFD.xml names no document (DocRoot)", path=str(path))
    doc_loc = _resolve("", doc_root.text.strip())
    doc_dir = posixpath.dirname(doc_loc)
    document = pkg.xml(doc_loc)
    templates = {
        t.get("ID"): _resolve(doc_dir, t.get("BaseLoc", ""))
        for t in document.iterfind("{*}CommonData/{*}TemplatePage") if t.get("ID")
    }
    pages: list[list[Item]] = []
    for page_el in document.iterfind("{*}Pages/{*}Page"):
        loc = _resolve(doc_dir, page_el.get("BaseLoc", ""))
        content = pkg.xml(loc)
        page = _Page()
        refs = [t for t in content.iterfind("{*}Template")]
        background = [t for t in refs if t.get("ZOrder", "Background") == "Background"]
        foreground = [t for t in refs if t.get("ZOrder", "Background") != "Background"]
        for t in background:
            if t.get("TemplateID") in templates:
                tpl = pkg.xml(templates[t.get("TemplateID")], required=False)
                if tpl is not None:
                    page.walk(tpl.iterfind("{*}Content"))
        for c in content.iterfind("{*}Content"):
            page.walk(c)
        for t in foreground:
            if t.get("TemplateID") in templates:
                tpl = pkg.xml(templates[t.get("TemplateID")], required=False)
                if tpl is not None:
                    page.walk(tpl.iterfind("{*}Content"))
        pages.append(_page_items(page, len(pages) + 1))
    if not pages:
        raise CorruptFileError("damaged OFD: the document has no pages", path=str(path))
    # The PDF reader's page-furniture passes read boxed lines: the OFD's lines become the same items.
    pages = [[PageLine(str(it), line_box(it.box)) if isinstance(it, _BoxedLine) else it for it in items] for items in pages]
    pages = strip_running_lines(strip_page_numbers(pages))
    raw_pages: list[RawPage] = [to_raw_page(i + 1, items) for i, items in enumerate(pages)]
    return RawDocument(path=str(path), format="ofd", sha256="", pages=raw_pages, page_count=len(raw_pages))
