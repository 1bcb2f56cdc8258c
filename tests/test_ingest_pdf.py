"""PDF ingest on real input: the samples rendered as PDFs, and hand-made broken/edge-case files."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from reportlab.lib import pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from planparse.errors import (
    CorruptFileError,
    EncryptedError,
    NoTextLayerError,
    PlanparseError,
)
from planparse.ingest import RawDocument, read
from planparse.ingest.pdf import clean_line, join_cell_lines
from tools.render_pdf import render_text_pdf, txt_to_blocks

S000 = "000_1e3bdffa556e102e"
S001 = "001_e273565e5025a23d"
S004 = "004_f8539a09ccbc65f7"
FONT = "STSong-Light"
PAGE_NO = re.compile(r"^\s*[—–-]\s*\d+\s*[—–-]\s*$")

pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _joined(doc: RawDocument) -> str:
    """All lines of a document joined without breaks or spaces (CJK visual lines re-joined)."""
    return re.sub(r"\s+", "", "".join(line for page in doc.pages for line in page.lines))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _all_rows(doc: RawDocument) -> list[list[str | None]]:
    return [row for page in doc.pages for table in page.tables for row in table.rows]


@pytest.fixture(scope="module")
def docs(rendered_pdfs) -> dict[str, RawDocument]:
    return {stem: read(path) for stem, path in rendered_pdfs.items()}


# ------------------------------------------------------------------------------ rendered samples


def test_every_sample_renders_and_reads(rendered_pdfs, docs):
    assert len(rendered_pdfs) >= 5
    for stem, path in rendered_pdfs.items():
        doc = docs[stem]
        with pdfium.PdfDocument(str(path)) as pdf:
            n = len(pdf)
        assert doc.format == "pdf"
        assert doc.path == str(path)
        assert len(doc.sha256) == 64
        assert doc.page_count == n == len(doc.pages) and n >= 2, stem
        assert [p.number for p in doc.pages] == list(range(1, n + 1))
        assert doc.lines_are_paragraphs is False
        assert all(isinstance(line, str) and line == line.rstrip() and line for p in doc.pages for line in p.lines)


def test_page_numbers_are_dropped(docs):
    for stem, doc in docs.items():
        offenders = [line for p in doc.pages for line in p.lines if PAGE_NO.match(line)]
        assert offenders == [], stem
        # every page had `— N —` centred at its bottom: none of them survives anywhere in a line
        for p in doc.pages:
            assert not any(line.strip() == f"— {p.number} —" for line in p.lines)


def test_chinese_text_round_trips(docs):
    joined = _joined(docs[S000])
    for sentence in (
        "持续深入打好蓝天保卫战，切实保障人民群众身体健康",
        "以高水平保护支撑高质量发展，制定本实施方案。",
        "各设区市PM2.5浓度比2020年下降10%，空气质量持续改善；",
    ):
        assert sentence in joined
    assert "江苏省空气质量持续改善行动计划实施方案" in joined


def test_every_paragraph_of_every_sample_comes_back(rendered_pdfs, docs):
    """The text layer round-trips: each paragraph rendered is found in the lines, whitespace aside."""
    from conftest import SAMPLES

    for stem in rendered_pdfs:
        blocks = txt_to_blocks((SAMPLES / f"{stem}.txt").read_text(encoding="utf-8"))
        # A paragraph that is only a number (a seq cell of 002's flattened table) may land first or
        # last on a page, where a bare number is page furniture: those are not expected back.
        paras = [_squash(text) for kind, text in blocks if kind == "para" and _squash(text) and not _squash(text).isdigit()]
        joined = _joined(docs[stem])
        missing = [p[:40] for p in paras if p not in joined]
        assert not missing, (stem, missing[:3])
        # real Unicode only: no replacement/private-use characters, no CID garbage
        assert not re.search("[\ufffd\ue000-\uf8ff]", joined), stem


def test_lines_are_visual_lines(docs):
    """~29 CJK characters per body line, like the rendered A4 page: lines are not paragraphs."""
    lines = [line for p in docs[S000].pages for line in p.lines]
    long_ = [line for line in lines if len(line) > 45]
    assert not long_
    assert sum(1 for line in lines if 25 <= len(line) <= 40) > len(lines) / 2


def test_sample_004_task_table(docs):
    doc = docs[S004]
    tables = [t for p in doc.pages for t in p.tables]
    assert len(tables) >= 2  # the annex table continues over several pages
    rows = _all_rows(doc)
    header_rows = [r for r in rows if r[0] == "序号"]
    task_rows = [r for r in rows if r[0] and r[0].isdigit()]
    assert [int(r[0]) for r in task_rows] == list(range(1, 46))  # 45 task rows, in order
    assert len(rows) == 45 + len(header_rows)
    # the header is repeated on every page the table covers (repeatRows=1): one per RawTable
    assert len(header_rows) == len(tables)
    for t in tables:
        assert t.rows[0] == ["序号", "重点工作任务", None, "责任分工"]  # header cell spanning 2 columns
        assert all(len(r) == 4 for r in t.rows)
        assert t.page is not None and t.line_index is not None
    by_seq = {int(r[0]): r for r in task_rows}
    assert by_seq[1][1] == "坚决遏制高耗能、高排放、低水平项目盲目上马"
    assert by_seq[4][1] == "优化含VOCs原辅材料和产品结构" or by_seq[4][1] == "优化含 VOCs 原辅材料和产品结构"
    # merged category cells: the rows covered by the span have None
    assert by_seq[5][1] is None and by_seq[6][1] is None and by_seq[7][1] is None
    assert by_seq[3][1] is None or by_seq[3][1] == ""
    # multi-line cell text is joined without breaks or spaces between CJK characters
    assert by_seq[6][2] == "鼓励和推进汽车 4S 店、大型汽修厂实施水性涂料替代。"  # spacing as in the source
    assert by_seq[6][3] == "市交通运输综合行政执法支队二大队牵头，生态环境分局、各街道配合。"
    assert by_seq[31][3] == "区生态环境分局牵头。"


def test_table_text_is_not_in_lines(docs):
    doc = docs[S004]
    for page in doc.pages:
        if not page.tables:
            continue
        page_text = _squash("".join(page.lines))
        for table in page.tables:
            for row in table.rows:
                for cell in row:
                    if cell and len(cell) >= 12:
                        assert cell[:12] not in page_text, (page.number, cell[:20])
    # the annex title stands right before the first table, on the same page
    first = next(p for p in doc.pages if p.tables)
    t = first.tables[0]
    assert t.line_index == len(first.lines)
    assert first.lines[t.line_index - 1] == "重点工作任务分解表"
    # continuation pages hold only the table
    later = [p for p in doc.pages if p.tables and p.number > first.number]
    assert later and all(p.tables[0].line_index == 0 for p in later)


def test_sample_001_annex_tables(docs):
    doc = docs[S001]
    rows = _all_rows(doc)
    assert ["南京", "39", "38", "71.5", "72"] in rows
    assert ["南京", "28.0", "24.1", "24.4"] in rows
    assert ["南京", "3.5", "持续改善"] in rows
    assert ["城市", "PM2.5浓度（μg/m3）", None, "优良天数比率（%）", None] in rows  # spans over 2 columns
    assert ["城市", "挥发性有机物减排比例（%）", "二氧化硫减排比例（%）", "氮氧化物减排比例（%）"] in rows
    first = next(p for p in doc.pages if p.tables)
    t = first.tables[0]
    assert first.lines[t.line_index - 1] == "2020年各设区市空气质量改善目标表"
    assert first.lines[t.line_index - 2] == "附件1"


def test_rendering_is_deterministic(tmp_path):
    from conftest import SAMPLES
    from tools.render_pdf import render_sample

    a = render_sample(SAMPLES / f"{S004}.txt", tmp_path / "a.pdf").read_bytes()
    b = render_sample(SAMPLES / f"{S004}.txt", tmp_path / "b.pdf").read_bytes()
    assert a == b


@pytest.mark.slow
@pytest.mark.cli
def test_render_cli(tmp_path):
    import subprocess
    import sys

    from conftest import ROOT, SAMPLES

    out = tmp_path / "cli.pdf"
    r = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "render_pdf.py"), str(SAMPLES / f"{S000}.txt"), str(out)],
        capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert read(out).page_count >= 2


# ------------------------------------------------------------------------------ page furniture


def _canvas_pdf(path: Path, pages: list[list[str]], *, header: str | None = None, footer=None, **kw) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, **kw)
    n = len(pages)
    for i, lines in enumerate(pages, 1):
        c.setFont(FONT, 12)
        if header:
            c.drawCentredString(A4[0] / 2, A4[1] - 40, header)
        y = A4[1] - 90
        for line in lines:
            c.drawString(80, y, line)
            y -= 24
        if footer:
            c.drawCentredString(A4[0] / 2, 40, footer(i, n))
        c.showPage()
    c.save()
    return path


def test_running_header_and_page_of_pages_footer(tmp_path):
    body = [[f"第{i}页的正文第{j}行，加强大气污染防治工作。" for j in range(1, 6)] for i in range(1, 5)]
    body[1].insert(2, "42")  # a bare number inside the page body is content, not furniture
    path = _canvas_pdf(
        tmp_path / "hf.pdf", body, header="江苏省生态环境厅文件（2024年第3期）",
        footer=lambda i, n: f"第 {i} 页 共 {n} 页",
    )
    doc = read(path)
    assert doc.page_count == 4
    for p in doc.pages:
        assert not any("生态环境厅文件" in line for line in p.lines)
        assert not any(re.search(r"第\s*\d+\s*页", line) and "正文" not in line for line in p.lines)
        assert p.lines[0].startswith(f"第{p.number}页的正文第1行")
    assert doc.pages[1].lines[2] == "42"
    assert sum(len(p.lines) for p in doc.pages) == 21


@pytest.mark.parametrize("style", ["- {i} -", "—{i}—", "— {i} —", "{i}", "第{i}页"])
def test_page_number_styles(tmp_path, style):
    body = [[f"第{i}页正文，推进重点任务落实。", "第二行正文内容。"] for i in range(1, 4)]
    path = _canvas_pdf(tmp_path / "pn.pdf", body, footer=lambda i, n: style.format(i=i))
    doc = read(path)
    for p in doc.pages:
        assert p.lines == [f"第{p.number}页正文，推进重点任务落实。", "第二行正文内容。"], style


def test_repeated_line_kept_in_short_documents(tmp_path):
    """Headers are only recognised with >= 3 pages: a 2-page letter keeps its lines."""
    body = [["正文第一页。"], ["正文第二页。"]]
    doc = read(_canvas_pdf(tmp_path / "two.pdf", body, header="关于加强管理的通知"))
    assert all("关于加强管理的通知" in p.lines for p in doc.pages)


def test_repeated_table_header_rows_are_kept(docs):
    rows = _all_rows(docs[S004])
    assert sum(1 for r in rows if r[0] == "序号") >= 2


def test_text_pages_never_touch_pdfplumber(rendered_pdfs, monkeypatch):
    """The fast path: pages without ruling lines are read by pypdfium2 alone."""
    from planparse.ingest import pdf as pdf_mod

    def boom(*a, **k):
        raise AssertionError("pdfplumber used on a page without tables")

    monkeypatch.setattr(pdf_mod._Plumber, "analyse", boom)
    # (002's flattened annex table has one-character lines, which pdfium may drop: such pages go
    # to pdfplumber on purpose, see test_single_character_line_of_non_embedded_font_is_kept.)
    for stem in ("000_1e3bdffa556e102e", "003_2490237ab9f4f493"):
        assert read(rendered_pdfs[stem]).page_count >= 2


def test_single_character_line_of_non_embedded_font_is_kept(tmp_path):
    """pdfium drops zero-width text objects (a lone CJK glyph of a non-embedded font when no CJK
    system font is installed); such pages are read by pdfplumber so no character is lost."""
    doc = read(_canvas_pdf(tmp_path / "one.pdf", [["倒逼企业转变生", "产方式，淘汰落后产能。", "生"]]))
    assert doc.pages[0].lines == ["倒逼企业转变生", "产方式，淘汰落后产能。", "生"]


def test_page_scan_asks_the_font_before_the_box(tmp_path, monkeypatch):
    """Whether a zero-width object loses text is its font's question (asked once a page per font): made
    to measure every object zero-width, the scan marks a page of a non-embedded CJK font as losing text,
    and an office export (every font embedded, a lone space in a Latin one) as losing none."""
    from planparse.ingest import pdf as pdf_reader

    monkeypatch.setattr(pdf_reader, "_ZERO_WIDTH", float("inf"))
    rendered = _canvas_pdf(tmp_path / "one.pdf", [["倒逼企业转变生", "产方式。"], ["生"]])
    exported = Path(__file__).parent / "fixtures" / "office" / "000_1e3bdffa556e102e.pdf"
    with pdfium.PdfDocument(str(rendered)) as doc:
        assert [pdf_reader._scan_page(doc[i]).lossy_text for i in range(len(doc))] == [True, True]
    with pdfium.PdfDocument(str(exported)) as doc:
        assert not any(pdf_reader._scan_page(doc[i]).lossy_text for i in range(len(doc)))


@pytest.mark.slow
def test_long_document(tmp_path):
    body = [[f"第{i}页，推进重点任务落实，强化责任分工{j}。" for j in range(20)] for i in range(300)]
    doc = read(_canvas_pdf(tmp_path / "long.pdf", body, footer=lambda i, n: f"- {i} -"))
    assert doc.page_count == 300
    assert all(len(p.lines) == 20 for p in doc.pages)


# ------------------------------------------------------------------------------ rotated table page


def test_landscape_table_on_rotated_page(tmp_path):
    """An annex table drawn landscape on a portrait page with /Rotate 90 (as many exporters do)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, Table, TableStyle

    style = ParagraphStyle("c", fontName=FONT, fontSize=10.5, leading=14, wordWrap="CJK")
    path = tmp_path / "land.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    w, h = A4
    c.translate(w, 0)
    c.rotate(90)
    c.setFont(FONT, 14)
    c.drawString(72, w - 72, "附件2：重点项目表")
    data = [["序号", "项目", "责任单位"]] + [[str(i), f"重点项目第{i}项建设", f"单位{i}"] for i in range(1, 5)]
    table = Table([[Paragraph(x, style) for x in r] for r in data], colWidths=[60, 300, 200])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, "black")]))
    _, th = table.wrapOn(c, h, w)
    table.drawOn(c, 72, w - 100 - th)
    c.drawString(72, 60, "表后说明文字。")
    c.showPage()
    c.save()
    rotated = tmp_path / "land90.pdf"
    with pdfium.PdfDocument(str(path)) as pdf:
        pdf[0].set_rotation(90)
        pdf.save(str(rotated))
    doc = read(rotated)
    page = doc.pages[0]
    assert page.lines == ["附件2：重点项目表", "表后说明文字。"]
    assert len(page.tables) == 1
    t = page.tables[0]
    assert t.rows == data
    assert t.line_index == 1


# ------------------------------------------------------------------------------ broken inputs


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "enc.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", "owner", strength=128))
    c.setFont(FONT, 12)
    c.drawString(72, 700, "加密文件")
    c.showPage()
    c.save()
    with pytest.raises(EncryptedError) as ei:
        read(path)
    assert ei.value.message == "encrypted PDF (password required)"
    assert ei.value.path == str(path)
    assert "\n" not in ei.value.one_line()


def test_owner_password_only_pdf_is_readable(tmp_path):
    path = tmp_path / "owner.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("", "owner"))
    c.setFont(FONT, 12)
    c.drawString(72, 700, "只设权限密码的文件可以打开。")
    c.showPage()
    c.save()
    assert read(path).pages[0].lines == ["只设权限密码的文件可以打开。"]


def test_truncated_pdf(rendered_pdfs, tmp_path):
    data = rendered_pdfs[S000].read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptFileError) as ei:
        read(path)
    assert "truncated" in str(ei.value)


def test_garbage_named_pdf(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(random.Random(7).randbytes(4096))
    with pytest.raises(CorruptFileError):
        read(path)


def test_pdf_header_then_garbage(tmp_path):
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.7\n" + random.Random(8).randbytes(4096) + b"\n%%EOF\n")
    with pytest.raises(CorruptFileError):
        read(path)


def test_image_only_pdf(tmp_path, monkeypatch):
    from PIL import Image

    png = tmp_path / "scan.png"
    Image.new("RGB", (300, 400), (240, 240, 240)).save(png)
    path = tmp_path / "scan.pdf"
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(2):
        c.drawImage(str(png), 50, 100, 495, 660)
        c.rect(60, 60, 200, 20, fill=1)  # a drawn shape, still no text
        c.showPage()
    c.save()
    with pytest.raises(NoTextLayerError) as ei:
        read(path, ocr="never")
    assert ei.value.message == "no text layer (image-only PDF) and OCR is off (--ocr never); run with --ocr auto"
    # No engine installed: the message says how to get one.
    from planparse.ingest import ocr as ocr_mod

    monkeypatch.setattr(ocr_mod, "find_engine", lambda name=None: None)
    with pytest.raises(NoTextLayerError, match=r"no OCR engine installed: install an OCR engine \(pip install 'planparse\[ocr\]'"):
        read(path)


@pytest.mark.slow
def test_damaged_pdfs_raise_only_planparse_errors(rendered_pdfs, tmp_path):
    """Random damage (flipped bytes, cuts, zeroed or duplicated runs): a RawDocument or a PlanparseError."""
    rng = random.Random(20240830)
    sources = [rendered_pdfs[S004].read_bytes(), rendered_pdfs[S000].read_bytes()]
    outcomes = {"ok": 0, "error": 0}
    for k in range(60):
        b = bytearray(sources[k % 2])
        mode = k % 4
        if mode == 0:
            for _ in range(rng.randint(1, 40)):
                b[rng.randrange(len(b))] = rng.randrange(256)
        elif mode == 1:
            a = rng.randrange(len(b))
            del b[a : a + rng.randint(1, 5000)]
        elif mode == 2:
            a = rng.randrange(len(b))
            n = min(rng.randint(1, 2000), len(b) - a)
            b[a : a + n] = bytes(n)
        else:
            a = rng.randrange(len(b))
            b[a:a] = b[a : a + 3000]
        path = tmp_path / f"damaged{k}.pdf"
        path.write_bytes(bytes(b))
        try:
            # A damaged page often loses its text layer and goes to OCR (~1.5 s a page): one file in
            # six takes that path; the others are read as text layers only.
            doc = read(path, ocr="auto" if k % 6 == 0 else "never")
        except PlanparseError as e:
            assert "\n" not in e.one_line()
            outcomes["error"] += 1
        else:
            assert isinstance(doc, RawDocument)
            outcomes["ok"] += 1
    assert outcomes["error"] > 0


# ------------------------------------------------------------------------------ text cleaning


def test_clean_line_removes_extraction_artefacts_only():
    # spaces are kept at ingest, between CJK too: a gap may be a table's cell border (normalise
    # squeezes the spaces of prose)
    assert clean_line("持续推进 市发展改革委牵头") == "持续推进 市发展改革委牵头"
    assert clean_line("到 2025 年") == "到 2025 年"  # spaces next to Latin/digits are kept
    assert clean_line("通\u3000\u3000知") == "通\u3000\u3000知"  # full-width spaces are typesetting
    assert clean_line("环境\ufffe") == "环境"
    assert clean_line("soft\u00adhyphen\x02") == "softhyphen"
    assert clean_line("\u2f45案") == "方案"  # Kangxi radical ⽅ from a bad ToUnicode map
    assert clean_line("推进工作。  ") == "推进工作。"


def test_join_cell_lines():
    assert join_cell_lines("坚决遏制高耗能、\n高排放、低水平") == "坚决遏制高耗能、高排放、低水平"
    assert join_cell_lines("VOC\ns污染治理") == "VOCs污染治理"
    assert join_cell_lines(None) is None
    assert join_cell_lines("") == ""


# ------------------------------------------------------------------------------ page numbers by position


def test_row_number_on_a_page_edge_is_kept(tmp_path):
    """A task table's row number that falls first or last on a page runs on at the line pitch: it
    is content; the footer number apart from the body is a page number."""
    body = [
        ["示范任务第一行内容，推进落实。", "示范任务第二行内容。", "17"],
        ["18", "示范任务第三行内容，加强督办。", "示范任务第四行内容。"],
        ["示范任务第五行内容。", "示范任务第六行内容。"],
    ]
    doc = read(_canvas_pdf(tmp_path / "rows.pdf", body, footer=lambda i, n: str(i)))
    assert [p.lines for p in doc.pages] == body


def test_bare_number_in_the_margin_is_a_page_number(tmp_path):
    body = [[f"第{i}页正文，推进重点任务落实。", "第二行正文内容。"] for i in range(1, 4)]
    doc = read(_canvas_pdf(tmp_path / "pn.pdf", body, footer=lambda i, n: str(i + 2)))  # numbering from 3
    assert [p.lines for p in doc.pages] == body
