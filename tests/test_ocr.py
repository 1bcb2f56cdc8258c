"""OCR of PDF pages (ingest/ocr.py): the garbled-text-layer detector, OCR text cleaning and reading
order on made-up input, and end to end (when an engine is installed) a mixed PDF whose first page is
a scan, a page whose text layer is garbled, and `check` staying silent about OCR'd brackets.

The documents are made up (the shape of a 通知 + 方案, not a sample's wording), rendered with
tools/render_pdf.py and scanned at 150 dpi with tools/make_scan.py. Each end-to-end test OCRs one page."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planparse import ingest  # noqa: E402
from planparse.errors import NoTextLayerError  # noqa: E402
from planparse.ingest import ocr  # noqa: E402
from planparse.pipeline import extract_file  # noqa: E402

ENGINE = ocr.find_engine()
_ENGINE_SKIP = pytest.mark.skipif(ENGINE is None, reason="no OCR engine installed (pip install 'planparse[ocr]')")


def needs_engine(test):
    return pytest.mark.ocr(pytest.mark.slow(_ENGINE_SKIP(test)))

ITEMS = [
    "（一）加强源头治理。全面排查入河排污口，建立问题清单和整治台账，完成排污口规范化整治120个，确保应改尽改。",
    "（二）推进生态修复。实施河湖岸线生态缓冲带建设工程，2025年底前建成生态缓冲带15公里，恢复自然岸线。",
    "（三）强化水量调度。科学制定枯水期生态流量保障方案，确保重点河湖生态流量达标率保持在90%以上。",
    "（四）提升监测能力。新建水质自动监测站8个，实现重点断面监测全覆盖，监测数据实时共享。",
    "（五）完善长效机制。健全河湖长制工作体系，落实巡河护河责任，定期开展考核评估并通报结果。",
    "（六）加强宣传引导。组织开展河湖保护主题宣传活动，引导社会公众参与监督，营造共建共享氛围。",
]
HEAD = [
    "某某市人民政府关于印发某某市河湖保护行动方案的通知",
    "某政发[2025]9号",  # written with half-width brackets: `check` reports it on a text page (PP007)
    "各区人民政府，市各委办局：",
    "现将《某某市河湖保护行动方案》印发给你们，请认真贯彻执行。",
    "某某市人民政府",
    "2025年3月2日",
    "某某市河湖保护行动方案",
    "一、工作目标",
    "到2026年，全市重点河湖水质优良比例达到90%以上，基本消除劣V类水体。",
    "二、重点任务",
]


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    from tools.render_pdf import render_text_pdf

    out = tmp_path_factory.mktemp("ocr") / "plan.pdf"
    blocks = [("para", t) for t in HEAD + ITEMS * 2]
    render_text_pdf(blocks, out)
    return out


# ------------------------------------------------------------------------------------ no engine needed


@pytest.mark.parametrize(
    "text,garbled",
    [
        ("推М绿色ſ展Ǆ得成效", True),  # the issue's example: Cyrillic, long s, Latin-extended inside words
        ("强化ɑ测能力，ǅ善长效机制", True),  # IPA and Latin-extended between ideographs
        ("ÃÂ¼ÕÊÎÏ¤¥ÐÑÒÓÔÕÖØÙÚÛÜÝÞß", True),  # a whole line decoded as Latin-1
        ("\ue000\ue001\ue002 \ue003\ue004 private-use glyphs only", True),
        ("到2025年，PM2.5浓度下降10%，臭氧≥160μg/m³，温度≤35℃，①②Ⅲ类水体达标。", False),
        ("邀请Müller教授讲解“双碳”目标（见附件1）——《方案》第3条。", False),  # one Latin-1 letter in a name
        ("", False),
        # Garbled means the Chinese text itself is unreadable (issue 24); these pages read fine:
        # a table of contents whose leader dots are one private-use glyph (WPS, Word)
        ("目  录\n第一章 总体要求\U001001ba\U001001ba\U001001ba\U001001ba2\n第二章 主要任务\U001001ba\U001001ba\U001001ba\U001001ba5", False),
        # bullets, arrows and check marks of a symbol font (Wingdings, Symbol), even between words
        ("\uf06c加强组织领导\n\uf06c完善工作机制，\uf0d8推进落实\n\uf0fc已完成\uf0fc已验收", False),
        # isolated odd glyphs: a symbol font's bullet decoded as a Latin letter at the start of each line,
        # a lone letter beside digits
        ("一、总体要求\nØ加强组织领导。\nØ完善工作机制。\nØ强化督促落实。\n编号ǂ3", False),
        # ... but the same letters standing inside the words of a line are a wrong character map
        ("一、总体要求\n加Ø组织领导，完Ø工作机制", True),
    ],
)
def test_garbled_text_layer_detector(text, garbled):
    assert ocr.is_garbled(text) is garbled


def test_leader_dots_symbol_glyphs_and_isolated_letters_do_not_send_a_page_to_ocr():
    page = "\n".join(["目  录"] + [f"第{n}章 总体要求" + "\U001001ba" * 12 + str(k) for k, n in enumerate("一二三四五六", 2)]
                     + ["\uf06c加强组织领导", "Ø完善工作机制"])
    assert ocr.reason_to_ocr(page, "auto") is None


def test_a_blank_page_is_not_rendered_for_ocr(tmp_path, monkeypatch):
    """A page with nothing drawn on it (no image, path or text) has nothing to read: no render, no OCR,
    and no warning about it."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("STSong-Light", 14)
    c.drawString(80, 750, "某某市河湖保护行动方案")
    c.showPage()
    c.showPage()  # the blank back of a printed sheet
    c.save()

    def no_render(*a, **k):
        raise AssertionError("a blank page was sent to OCR")

    monkeypatch.setattr(ocr, "find_engine", lambda name=None: "rapidocr")
    monkeypatch.setattr(ocr, "render_for_ocr", no_render)
    raw = ingest.read(path)
    assert [p.ocr for p in raw.pages] == [False, False] and raw.notes == []


def test_reason_to_ocr_by_mode():
    assert ocr.reason_to_ocr("", "auto") == "no_text_layer"
    assert ocr.reason_to_ocr(" \n ", "auto") == "no_text_layer"
    assert ocr.reason_to_ocr("推М绿色ſ展Ǆ得成效", "auto") == "garbled"
    assert ocr.reason_to_ocr("一、总体要求", "auto") is None
    assert ocr.reason_to_ocr("一、总体要求", "always") == "forced"


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("(一)加强源头治理,完成整治120个;", "（一）加强源头治理，完成整治120个；"),
        ("各区人民政府:", "各区人民政府："),
        ("江 苏 省 人 民 政 府", "江苏省人民政府"),  # Tesseract spaces every ideograph
        ("PM2.5 (fine particles), O3: 160", "PM2.5 (fine particles), O3: 160"),  # ASCII text stays ASCII
        ("某政发[2025]9号", "某政发[2025]9号"),  # brackets of a 发文字号 are the grammar's business
    ],
)
def test_ocr_text_in_the_characters_of_a_text_layer(raw, clean):
    assert ocr.clean_ocr_text(raw) == clean


def test_reading_order_joins_pieces_of_a_line_and_sorts_lines():
    found = [
        ("实施方案", (300, 52, 380, 70), 0.9),
        ("二、重点任务", (80, 100, 200, 118), 0.8),
        ("某某市人民政府关于", (80, 50, 290, 72), 1.0),
    ]
    assert [(t, b) for t, b, _ in ocr.reading_order(found)] == [
        ("某某市人民政府关于 实施方案", (80, 50, 380, 72)),
        ("二、重点任务", (80, 100, 200, 118)),
    ]


@pytest.mark.slow
@pytest.mark.cli
def test_no_engine_or_ocr_never_on_a_scan_is_exit_3_saying_how_to_enable(plan_pdf, tmp_path):
    from tools.make_scan import scan_pdf

    scan = scan_pdf(plan_pdf, tmp_path / "scan.pdf", 100)
    r = subprocess.run([sys.executable, "-m", "planparse.cli", "extract", "--ocr", "never", str(scan)],
                       capture_output=True, text=True, env={"PYTHONPATH": str(ROOT / "src")})
    assert r.returncode == 3
    assert r.stderr == (f"planparse: error: {scan}: no text layer (image-only PDF) and OCR is off (--ocr never); "
                        "run with --ocr auto\n")
    r = subprocess.run([sys.executable, "-m", "planparse.cli", "extract", str(scan)], capture_output=True, text=True,
                       env={"PYTHONPATH": str(ROOT / "src"), "PLANPARSE_OCR_ENGINE": "no-such-engine"})
    assert r.returncode == 3 and "no OCR engine installed: install an OCR engine (pip install 'planparse[ocr]'" in r.stderr
    with pytest.raises(NoTextLayerError):
        ingest.read(scan, ocr="never")


# -------------------------------------------------------------------------------- with an engine


@needs_engine
def test_mixed_pdf_ocrs_only_its_scanned_page_and_reads_like_the_text(plan_pdf, tmp_path):
    from tools.make_scan import scan_pdf

    from planparse.grammar import load_grammars
    from planparse.pipeline import extract_raw

    mixed = scan_pdf(plan_pdf, tmp_path / "mixed.pdf", 150, pages={1})
    text_doc = extract_file(plan_pdf)
    raw = ingest.read(mixed)  # read once: the OCR'd page is the costly part of this test
    assert raw.pages[0].ocr and len(raw.pages[0].boxes) == len(raw.pages[0].lines)
    assert not raw.pages[1].ocr and len(raw.pages[1].boxes) == len(raw.pages[1].lines)  # text page: pdfium's boxes
    doc = extract_raw(raw, load_grammars(None))
    assert [(p.number, p.ocr) for p in doc.source.page_info] == [(1, True), (2, False)]
    assert doc.source.page_info[0].ocr_confidence > ocr.LOW_CONFIDENCE
    assert doc.source.page_info[1].ocr_confidence is None
    # How long OCR took is in the output, for the OCR'd page only (issue 24).
    assert doc.source.page_info[0].ocr_seconds > 0 and doc.source.page_info[1].ocr_seconds is None
    assert [(c.id, c.heading) for c in doc.clauses] == [(c.id, c.heading) for c in text_doc.clauses]
    assert doc.meta.doc_number == "某政发〔2025〕9号" == text_doc.meta.doc_number
    assert doc.meta.title == text_doc.meta.title and doc.meta.issue_date == "2025-03-02"
    assert [(t.value, t.unit, t.target_year) for t in doc.targets] == [(t.value, t.unit, t.target_year) for t in text_doc.targets]
    # --ocr never: the text page is read, the scanned page is named in a warning
    never = extract_file(mixed, ocr="never")
    assert [w.message for w in never.warnings if w.code == "page-not-ocred"] == [
        "page(s) 1 have no text layer and were not OCR'd: run with --ocr auto"]


@needs_engine
def test_check_does_not_blame_the_author_for_ocr_brackets(plan_pdf, tmp_path):
    from planparse.check import check_file
    from tools.make_scan import scan_pdf

    assert "PP007" in {f.code for f in check_file(plan_pdf)}  # the text layer says 某政发[2025]9号
    mixed = scan_pdf(plan_pdf, tmp_path / "mixed.pdf", 150, pages={1})
    assert "PP007" not in {f.code for f in check_file(mixed)}  # on the scan, the engine chose the glyphs


def _garbled(line: str) -> str:
    """Every third ideograph replaced by a Latin-extended / Cyrillic / IPA letter: a wrong ToUnicode map."""
    odd = "МſǄɑЖǅƩɣ"
    out, n = [], 0
    for ch in line:
        if "\u4e00" <= ch <= "\u9fff":
            n += 1
            if n % 3 == 0:
                ch = odd[n % len(odd)]
        out.append(ch)
    return "".join(out)


@needs_engine
def test_page_with_a_garbled_text_layer_is_read_by_ocr(plan_pdf, tmp_path):
    """The shape of a PDF rebuilt by a converter with a wrong character map: the page shows the right
    text, its text layer (invisible, over the page image) says something else."""
    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from tools.make_scan import rasterise

    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not dejavu.exists():
        pytest.skip("DejaVuSans.ttf (fonts-dejavu-core) is needed to write Latin-extended glyphs")
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdfmetrics.registerFont(TTFont("DejaVu", str(dejavu)))
    image = tmp_path / "page1.png"
    rasterise(plan_pdf, 150)[0].save(image)
    src = pdfium.PdfDocument(str(plan_pdf))
    true_lines = src[0].get_textpage().get_text_range().splitlines()
    src.close()
    out = tmp_path / "garbled.pdf"
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1)
    w, h = A4
    c.drawImage(str(image), 0, 0, w, h)
    y = h - 100
    for line in true_lines:
        t = c.beginText(80, y)
        t.setTextRenderMode(3)  # invisible: the text layer of an image page
        for ch in _garbled(line):
            t.setFont("STSong-Light" if ord(ch) > 0x2000 else "DejaVu", 12)
            t.textOut(ch)
        c.drawText(t)
        y -= 20
    c.showPage()
    c.save()
    layer = ingest.read(out, ocr="never")
    assert ocr.is_garbled("".join(layer.pages[0].lines))  # what the text layer says
    doc = extract_file(out)
    assert doc.source.page_info[0].ocr is True
    assert [w.message for w in doc.warnings if w.code == "garbled-text-layer"] == [
        "garbled text layer (wrong character map) on page(s) 1: read by OCR instead"]
    assert doc.meta.notice_title == "某某市人民政府关于印发某某市河湖保护行动方案的通知"
    assert [c.heading for c in doc.clauses[:2]] == ["工作目标", "重点任务"]


def _map_image(size=(900, 640), seed=3):
    """A made-up map: districts, roads, a river and towns, no lettering."""
    import random

    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)
    im = Image.new("RGB", size, (236, 242, 228))
    d = ImageDraw.Draw(im)
    for _ in range(14):
        cx, cy = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.polygon([(cx + rnd.randint(-160, 160), cy + rnd.randint(-120, 120)) for _ in range(6)],
                  fill=(rnd.randint(150, 230), rnd.randint(170, 235), rnd.randint(140, 210)), outline=(120, 120, 120))
    for k in range(6):
        d.line([(rnd.randrange(size[0]), rnd.randrange(size[1])) for _ in range(4)],
               fill=(90, 90, 200) if k == 0 else (200, 120, 60), width=rnd.choice([3, 6, 9]))
    for _ in range(8):
        x, y = rnd.randrange(size[0]), rnd.randrange(size[1])
        d.ellipse([x - 12, y - 12, x + 12, y + 12], fill=(200, 40, 40))
    return im.filter(ImageFilter.GaussianBlur(1))


@needs_engine
def test_image_pages_of_a_text_pdf_are_ocred_only_when_they_hold_text(plan_pdf, tmp_path, monkeypatch):
    """A text document with two image pages (issue 24): a picture of printed text, which is OCR'd, and
    a map with no lettering, which is not: the engine's look for text finds none, so its recogniser is
    never run on the map (rapidocr; Tesseract, which cannot look first, reads nothing on it)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas
    from tools.make_scan import rasterise

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    printed = rasterise(plan_pdf, 150)[0]
    printed = printed.crop((0, 0, printed.width, printed.height // 3))  # the page's head: a few lines, cheap to read
    printed.save(tmp_path / "printed.png")
    _map_image().save(tmp_path / "map.png")
    path = tmp_path / "with-images.pdf"
    w, h = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("STSong-Light", 14)
    for k, line in enumerate(ITEMS):
        c.drawString(72, h - 100 - 24 * k, line[:36])
    c.showPage()
    c.drawImage(str(tmp_path / "printed.png"), 0, h - h / 3, w, h / 3)  # at 150 dpi, as rendered
    c.showPage()
    c.drawImage(str(tmp_path / "map.png"), 72, h - 520, w - 144, (w - 144) * 640 / 900)
    c.showPage()
    c.save()

    engine = ocr.ENGINES[ENGINE]
    recognised: list[tuple[int, int]] = []

    def recording_read(image, regions):
        recognised.append(image.size)
        return engine.read(image, regions)

    monkeypatch.setitem(ocr.ENGINES, ENGINE, ocr.OcrEngine(engine.installed, engine.find_text, recording_read))
    raw = ingest.read(path)
    assert [p.ocr for p in raw.pages] == [False, True, False]
    assert "加强源头治理" in "".join(raw.pages[0].lines)  # the text layer
    assert "河湖保护行动方案" in "".join(raw.pages[1].lines)  # read from the picture
    assert raw.pages[1].ocr_seconds > 0 and raw.pages[2].ocr_seconds is None
    assert raw.pages[2].lines == []
    if ENGINE == "rapidocr":
        assert len(recognised) == 1  # the picture of text; the map never reached the recogniser
    assert ("page-not-ocred", "page(s) 3 have no text layer and no text on their image (a map, a photo): not OCR'd",
            None) in raw.notes


def _quad(x0, y0, x1, y1):
    import numpy as np

    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def test_a_line_cut_by_a_seal_is_taken_whole_from_the_page_without_its_red():
    """046's last page: the seal over the date cut the date line in two for the detector; on the page
    without red the line is found whole and replaces its pieces; a red letterhead, found only on the
    page as it is, stays."""
    letterhead, signature = _quad(100, 40, 900, 110), _quad(690, 437, 1052, 489)
    date_pieces = [_quad(753, 504, 824, 541), _quad(811, 504, 954, 539)]
    date_whole = _quad(749, 494, 990, 550)
    found = ocr.lines_made_whole([letterhead, signature, *date_pieces], [_quad(689, 437, 1052, 489), date_whole])
    boxes = sorted(tuple(q[0]) + tuple(q[2]) for q in found)
    assert boxes == [(100, 40, 900, 110), (689, 437, 1052, 489), (749, 494, 990, 550)]


def test_the_page_without_its_red_ink_keeps_the_black_text():
    import numpy as np
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (400, 300), (255, 255, 255))
    d = ImageDraw.Draw(page)
    d.rectangle([50, 140, 350, 160], fill=(20, 20, 20))  # a line of black print
    assert ocr._without_red_ink(page) is None  # no red: nothing to take out
    assert ocr._without_red_ink(page.convert("L")) is None  # a gray page cannot tell red from black
    d.ellipse([120, 60, 280, 240], outline=(210, 30, 40), width=8)  # a seal's ring over it
    without = np.asarray(ocr._without_red_ink(page))
    assert without[150, 200] < 40 and without[150, 60] < 40  # the print stays black
    assert without[62, 200] > 200  # the ring is nearly white
    assert np.asarray(page.convert("L"))[62, 200] < 100  # ... where the gray page shows it dark


def test_a_line_a_seal_crosses_is_read_from_the_page_without_its_red_and_the_others_as_they_are():
    import numpy as np
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (400, 300), (255, 255, 255))
    d = ImageDraw.Draw(page)
    d.rectangle([50, 140, 350, 160], fill=(20, 20, 20))  # the signature line, black
    d.rectangle([50, 240, 350, 260], fill=(20, 20, 20))  # a line no seal touches
    d.ellipse([120, 60, 280, 220], outline=(210, 30, 40), width=8)  # the seal's ring over the first
    d.text((300, 20), "RED", fill=(220, 20, 30))  # red print, found only on the page as it is
    gray, without = page.convert("L"), ocr._without_red_ink(page)
    gray_pixels = np.asarray(gray)
    signature, untouched = _quad(40, 130, 360, 170), _quad(40, 230, 360, 270)
    read_from = np.asarray(ocr._unsealed(gray, without, [signature, untouched]))
    assert read_from[135, 124] > 200 and gray_pixels[135, 124] < 120  # the ring where it crosses the line: gone
    assert read_from[150, 200] < 40  # the line's own print stays black
    assert (read_from[230:271, :] == gray_pixels[230:271, :]).all()  # no red over it: as it was
    assert (read_from[:120, :] == gray_pixels[:120, :]).all()  # outside the lines (the ring, red print): as it was
    assert ocr._unsealed(gray, without, [untouched]) is gray  # no line under red ink: the page itself


@pytest.mark.ocr
@pytest.mark.skipif(not ocr._rapidocr_available(), reason="rapidocr-onnxruntime is not installed (pip install 'planparse[ocr]')")
def test_the_signature_under_a_real_seal_is_read_whole():
    """real/046's page 2 (a scan): the seal's star lies over 市 in 南宁市住房和城乡建设局 and its ring over
    the date; read through the red ink, 市 was lost."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(ROOT / "tests" / "fixtures" / "real" / "046_nanning-gas-regulation-draft-letter-p2.pdf"))
    try:
        page = ocr.ocr_pdf_page(pdf[0], "rapidocr", page_number=2)
    finally:
        pdf.close()
    lines = [str(item) for item in page.items]
    assert "南宁市住房和城乡建设局" in lines and "2025年4月2日" in lines
    assert "4.市直各有关单位名单" in lines and "（联系人及联系电话：卢昭恒，5578201）" in lines


@pytest.mark.ocr
@pytest.mark.skipif(not ocr._rapidocr_available(), reason="rapidocr-onnxruntime is not installed (pip install 'planparse[ocr]')")
def test_rapidocr_runs_lean_one_line_a_call_and_detects_on_a_scaled_page(monkeypatch):
    """What makes OCR fast and lean (bench/README.md) holds: onnxruntime's arena on and memory patterns
    off in both sessions, one line per recognition call, detection on the page scaled to DETECT_SIDE
    with the lines found given back in the page's own pixels."""
    import numpy as np
    from PIL import Image

    model = ocr._rapidocr_model()
    for session in (model.text_det.infer.session, model.text_rec.session.session):
        options = session.get_session_options()
        assert options.enable_cpu_mem_arena and not options.enable_mem_pattern and options.intra_op_num_threads == 1
    assert model.text_rec.rec_batch_num == 1
    seen = []

    def detector(pixels):
        seen.append(pixels.shape[:2])
        return np.array([[[96, 48], [480, 48], [480, 72], [96, 72]]], dtype=np.float32), 0.0

    monkeypatch.setattr(model, "text_det", detector)
    [quad] = ocr._find_text_rapidocr(Image.new("L", (1240, 1754), 255))
    assert seen == [(round(1754 * ocr.DETECT_SIDE / 1754), round(1240 * ocr.DETECT_SIDE / 1754))]
    scale = 1754 / ocr.DETECT_SIDE
    assert quad.tolist() == (np.array([[96, 48], [480, 48], [480, 72], [96, 72]]) * scale).astype(np.float32).tolist()


# ------------------------------------------------------------------- ruled tables on page images


def _grid_image(xs: list[int], ys: list[int], size=(600, 400)):
    from PIL import Image, ImageDraw

    im = Image.new("L", size, 255)
    d = ImageDraw.Draw(im)
    for y in ys:
        d.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    for x in xs:
        d.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    return im, d


def test_ruled_table_found_in_a_page_image_and_its_lines_erased():
    from planparse.ingest.lattice import erase_rulings, image_rulings, ruled_tables

    xs, ys = [50, 150, 450, 550], [100, 160, 220, 280]
    im, _ = _grid_image(xs, ys)
    h, v = image_rulings(im, 150)
    assert h and v
    boxes = [(60, 120, 100, 140), (200, 115, 400, 145), (470, 180, 530, 200), (60, 300, 200, 320)]
    tables = ruled_tables(h, v, boxes, tol=3.0)
    assert len(tables) == 1
    bbox, grid = tables[0]
    assert [round(v) for v in bbox] == [50, 100, 550, 280]
    assert grid == [[[0], [1], []], [[], [], [2]], [[], [], []]]  # the box below the table is in no cell
    assert erase_rulings(im, h, v).getextrema() == (255, 255)  # only rulings were dark


def test_a_box_read_across_two_cells_is_cut_at_the_ruling_line():
    im, d = _grid_image([10, 70, 200], [0, 40])
    for i in range(4):  # four "characters" left of the line, six right of it
        d.rectangle([14 + 12 * i, 12, 22 + 12 * i, 28], fill=0)
    for i in range(6):
        d.rectangle([80 + 12 * i, 12, 88 + 12 * i, 28], fill=0)
    from planparse.ingest.lattice import erase_rulings, image_rulings

    h, v = image_rulings(im, 150)
    clean = erase_rulings(im, h, v)
    pieces = ocr._split_at_rulings([("甲乙丙丁戊己庚辛壬癸", (12.0, 10.0, 160.0, 30.0), 0.9)], v, clean)
    assert [(t, b[0], b[2]) for t, b, _ in pieces] == [("甲乙丙丁", 12.0, 70.0), ("戊己庚辛壬癸", 70.0, 160.0)]
