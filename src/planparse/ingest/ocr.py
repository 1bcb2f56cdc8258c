"""OCR of PDF pages: a page-level step of the PDF reader, not a pipeline of its own.

`pdf.read_pdf` asks `reason_to_ocr` about every page; the pages with a reason (no text layer, a
garbled text layer, or `--ocr always`) are rendered and read by an offline engine here, and come back
as visual lines in reading order with their boxes and confidences, so page-furniture removal and line
re-joining treat them exactly as the lines of a text page.

Engines (measured in bench/README.md; the first installed one is used):
- rapidocr-onnxruntime (PP-OCRv4 models in the wheel; extra `ocr`): line boxes and scores directly.
- Tesseract (Debian `tesseract-ocr` + `tesseract-ocr-chi-sim`) through pytesseract: word boxes
  grouped into lines.
"""
from __future__ import annotations

import importlib.util
import math
import os
import re
import shutil
import threading
import time
import unicodedata
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Callable

from ..errors import OcrUnavailableError
from .base import OCR_MODES, Box, OcrLine, OcrMode, OcrPage, RawTable, line_box
from .page_text import join_cell_lines

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "DocumentOcr", "OcrMode", "OcrLine", "OcrPage", "OCR_MODES", "ENGINES", "find_engine", "ocr_image", "ocr_pdf_page",
    "reason_to_ocr", "garbled_chars", "is_garbled", "HOW_TO_ENABLE", "LOW_CONFIDENCE",
]

RENDER_DPI = 150  # enough for 10.5-pt body text; measured against 200 dpi in bench/README.md
# A page whose mean line confidence is below this gets a warning in the output.
LOW_CONFIDENCE = 0.80
INSTALL_ENGINE = "pip install 'planparse[ocr]', or apt install tesseract-ocr tesseract-ocr-chi-sim"
HOW_TO_ENABLE = f"install an OCR engine ({INSTALL_ENGINE}) and run with --ocr auto"


# ----------------------------------------------------------------------------- garbled text layers

# Characters a Chinese government text is written in: ideographs, CJK punctuation and symbols,
# full-width forms, ASCII, Greek letters (μg/m³, α), and the general punctuation / symbols / numbers blocks (“” — … ‰ ℃ ① Ⅰ ≥ ■ →).
_EXPECTED = re.compile(
    "[\u0000-\u007f\u00a0-\u00bf\u00d7\u00f7\u0391-\u03c9\u2000-\u2bff\u2e80-\u2fdf\u3000-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003134f]"
)
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")  # with CJK punctuation
# A page is garbled when its Chinese text itself is unreadable: letters from scripts a Chinese text
# does not use (Latin-extended, IPA, Cyrillic, private use: a wrong ToUnicode map) stand where its
# characters should be. It is so when at least this share of its visible characters are such letters
# (counting only the letters that stand in the text, below) ...
GARBLED_SHARE = 0.02
GARBLED_MIN_CHARS = 3
# ... or when this many such letters stand between two ideographs or Chinese punctuation marks of one
# line (推М绿色ſ展, ，ǅ善: never written so).
GARBLED_INSIDE_WORDS = 2


# A run of one private-use glyph repeated this often is a table of contents' dot leader (WPS and Word
# map their leader dots to private use, 􀆺􀆺􀆺): drawn, not decoded wrongly. A wrong character map
# gives varied letters, never one glyph over and over.
LEADER_RUN = 3
# Symbol fonts (Symbol, Wingdings, Webdings) address their glyphs through this private-use block
# (their (3,0) "symbol" cmap): a bullet, arrow or check mark drawn, not a letter decoded wrongly.
_SYMBOL_FONT_GLYPHS = ("\uf020", "\uf0ff")


def _in_leader_runs(visible: list[str]) -> set[int]:
    """Indexes of the characters that stand in a run of one private-use glyph (LEADER_RUN or longer)."""
    out: set[int] = set()
    start = 0
    for i in range(1, len(visible) + 1):
        if i == len(visible) or visible[i] != visible[start]:
            if i - start >= LEADER_RUN and unicodedata.category(visible[start]) == "Co":
                out.update(range(start, i))
            start = i
    return out


# A page of nothing but expected characters (nearly every page): counted without a loop per character.
_ALL_EXPECTED = re.compile(_EXPECTED.pattern + r"*\Z")
_SPACE = re.compile(r"\s+")


def garbled_chars(text: str) -> tuple[int, int, int]:
    """(visible characters, unexpected letters standing in the text, of them those with Chinese on
    both sides in their line).

    Not counted: dot leaders, symbol-font glyphs, and an isolated odd glyph (one with no odd neighbour
    and no Chinese on both sides: a bullet starting a line, a letter in a Latin name), which leave the
    Chinese text readable. Lines are told apart by the text's line breaks."""
    if _ALL_EXPECTED.match(text):
        return len(_SPACE.sub("", text)), 0, 0
    visible = odd = inside = 0
    for line in text.splitlines():
        if _ALL_EXPECTED.match(line):  # most lines of a page that has an odd character somewhere
            visible += len(line) - sum(map(str.isspace, line))
            continue
        chars = [ch for ch in line if not ch.isspace()]
        visible += len(chars)
        leaders = _in_leader_runs(chars)
        strange = [not _EXPECTED.match(ch) and _unexpected(ch) and i not in leaders for i, ch in enumerate(chars)]
        for i, ch in enumerate(chars):
            if not strange[i]:
                continue
            between_chinese = 0 < i < len(chars) - 1 and bool(_HAN.match(chars[i - 1]) and _HAN.match(chars[i + 1]))
            beside_another = (i > 0 and strange[i - 1]) or (i < len(chars) - 1 and strange[i + 1])
            if between_chinese or beside_another:
                odd += 1
                inside += between_chinese
    return visible, odd, inside


def _unexpected(ch: str) -> bool:
    if _SYMBOL_FONT_GLYPHS[0] <= ch <= _SYMBOL_FONT_GLYPHS[1]:
        return False
    cat = unicodedata.category(ch)
    return cat.startswith("L") or cat in ("Co", "Cn") or ch == "\ufffd"


def is_garbled(text: str) -> bool:
    """True when a page's text layer decodes to the wrong characters (wrong ToUnicode map)."""
    visible, odd, inside = garbled_chars(text)
    if inside >= GARBLED_INSIDE_WORDS:
        return True
    return odd >= GARBLED_MIN_CHARS and odd >= GARBLED_SHARE * visible


def reason_to_ocr(text: str, mode: OcrMode, garbled: bool | None = None) -> str | None:
    """Why a page's text must come from OCR: "forced", "no_text_layer", "garbled", or None.
    garbled: what is_garbled(text) gave, when the caller asked it already (None: asked here)."""
    if mode == "always":
        return "forced"
    if not any(not ch.isspace() for ch in text):
        return "no_text_layer"
    if is_garbled(text) if garbled is None else garbled:
        return "garbled"
    return None


# ---------------------------------------------------------------------------------------- engines

Found = list[tuple[str, Box, float]]  # (text, box in pixels, confidence) of each piece of text read
# Where text stands on a page image, as the engine's detector found it (engine-specific shapes); an
# empty list: no text on the image.
Regions = list
# Detection (is there text, and where) runs on the page image scaled down to this longest side:
# PaddleOCR's own default for its detector (det_limit_side_len 960, limit_type "max"). rapidocr's
# `limit_type: min` with 736 never scales down, so a 150-dpi A4 page (1240 x 1754) was searched at
# full size: 4-5x the work and most of the process's peak memory (bench/README.md). Recognition reads
# the full-size page: only the search for lines is coarser.
DETECT_SIDE = 960


@dataclass(frozen=True)
class OcrEngine:
    """An offline OCR engine: whether it is installed, a cheap look for text on a page image (None:
    the engine cannot tell without reading), and the reading itself."""

    installed: Callable[[], bool]
    find_text: Callable[["Image", "Image | None"], Regions | None]  # (page, page without red ink)
    read: Callable[["Image", Regions | None], Found]


def _rapidocr_available() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _tesseract_available() -> bool:
    if importlib.util.find_spec("pytesseract") is None or not shutil.which("tesseract"):
        return False
    import pytesseract

    try:
        return "chi_sim" in pytesseract.get_languages(config="")
    except Exception:  # a broken tesseract install: treat as absent
        return False


_MODEL_LOCK = threading.Lock()  # pages OCR'd at once must not each load the models


def _rapidocr_model():
    """The models, loaded once per process (a batch worker keeps them for all its documents) and
    shared by the threads that OCR a document's pages at once: onnxruntime's `run` may be called
    from several threads on one session."""
    _malloc_for_ocr()
    with _MODEL_LOCK:
        return _load_rapidocr_model()


@lru_cache(maxsize=1)
def _load_rapidocr_model():
    import logging

    from rapidocr_onnxruntime import RapidOCR

    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    # One thread per process: batch runs documents in parallel processes, and onnxruntime's pool of
    # spinning threads costs ~40% more CPU per page than it saves in wall time (bench/README.md).
    # One line per recognition call: a batch pads every line to the widest of it, and onnxruntime
    # plans memory for each batch shape; one at a time read 041's densest page in 4.6 s of CPU instead
    # of 7.6 s, at 300 MB instead of 520 MB peak (bench/README.md).
    with _lean_sessions():
        model = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1, rec_batch_num=1)
    model.text_det.infer = _SharedSession(model.text_det.infer, _TURNS.detecting)
    model.text_rec.session = _SharedSession(model.text_rec.session, _TURNS.recognising)
    return model


# glibc's mallopt parameters
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
LARGE_BLOCK = 4 << 20


@lru_cache(maxsize=1)
def _malloc_for_ocr() -> None:
    """glibc's allocator set for a process that OCRs (once; before the threads that OCR pages start).

    - Blocks of LARGE_BLOCK or more (page images and their float copies, the detector's input) go
      back to the system when freed. glibc raises its threshold for that to the largest block freed
      (up to 32 MB), after which such blocks are carved from the heap, which keeps them and grows
      (046 read in one process, one page at a time: 385 MB peak, 357 MB with the threshold fixed). At
      1 MB a wide line's recognition input was mapped afresh for every line: +0.6 s of system time on
      041; at 4 MB, as little as before.
    - One heap for all threads: glibc gives each thread its own (up to 8 per core), each keeping what
      its thread freed; with two pages OCR'd at once 046 peaked at 397 MB, 339 MB with one heap
      (bench/README.md). The models' own memory is onnxruntime's arena, not glibc's heap.
    Elsewhere than glibc: nothing to do."""
    import ctypes

    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, LARGE_BLOCK)
        libc.mallopt(_M_ARENA_MAX, 1)
    except (OSError, AttributeError):
        pass


class _TakingTurns:
    """Who may run a model now, when pages are OCR'd at once: recognition calls (one line each) side by
    side, a detection alone. The detector's activations on a whole page are most of OCR's memory:
    beside other calls, the process would hold them and theirs at once (a page's detection waits for
    at most one line's recognition)."""

    def __init__(self):
        self._turn = threading.Condition()
        self._recognising = 0
        self._detecting = False
        self._detections_waiting = 0

    @contextmanager
    def recognising(self):
        with self._turn:
            while self._detecting or self._detections_waiting:
                self._turn.wait()
            self._recognising += 1
        try:
            yield
        finally:
            with self._turn:
                self._recognising -= 1
                self._turn.notify_all()

    @contextmanager
    def detecting(self):
        with self._turn:
            self._detections_waiting += 1
            while self._detecting or self._recognising:
                self._turn.wait()
            self._detections_waiting -= 1
            self._detecting = True
        try:
            yield
        finally:
            with self._turn:
                self._detecting = False
                self._turn.notify_all()


_TURNS = _TakingTurns()


class _SharedSession:
    """One of rapidocr's onnxruntime sessions, called in its turn (_TakingTurns), its arena giving its
    free memory back after the call when the thread says so (_last_call_of_page)."""

    def __init__(self, infer, turn):
        import onnxruntime

        self.infer = infer
        self.session = infer.session
        self.turn = turn
        self.keep_options = onnxruntime.RunOptions()
        self.give_back_options = onnxruntime.RunOptions()
        self.give_back_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def __call__(self, input_content):
        inputs = dict(zip(self.infer.get_input_names(), [input_content]))
        give_back = getattr(_last_call_of_page, "now", False)
        with self.turn():
            return self.session.run(self.infer.get_output_names(), inputs,
                                    self.give_back_options if give_back else self.keep_options)

    def __getattr__(self, name):
        return getattr(self.infer, name)


# Set on a thread for the last recognition call of its page: the recogniser's arena gives back what
# the page's lines took once they are read, before the next page's detection (041, two pages at once:
# 403 MB peak without, 375 MB with; one page at a time, 355 and 326 MB). The detector's arena is kept:
# given back after every page, its ~115 MB of activations were mapped afresh for each (+0.5 s of
# system time on 041) for no lower peak.
_last_call_of_page = threading.local()


@contextmanager
def _lean_sessions():
    """rapidocr's onnxruntime sessions with onnxruntime's memory arena on and memory patterns off.

    rapidocr turns the arena off and leaves patterns on: every line image is a new shape, so each
    call allocated its memory afresh through malloc (13% more CPU on 041's densest page, and a
    peak that varied by 150 MB from run to run with the heap's fragmentation). The arena
    reuses its blocks across calls; without patterns it holds what one call needs, no more
    (bench/README.md). rapidocr has no option for it: its session-options hook is wrapped while
    the models load, once per process."""
    try:
        from rapidocr_onnxruntime.utils import infer_engine

        session_class = infer_engine.OrtInferSession
        own_options = session_class.__dict__["_init_sess_opts"]
    except (ImportError, AttributeError, KeyError):  # another rapidocr layout: its own options
        yield
        return

    def lean(config):
        options = own_options.__func__(config)
        options.enable_cpu_mem_arena = True
        options.enable_mem_pattern = False
        return options

    session_class._init_sess_opts = staticmethod(lean)
    try:
        yield
    finally:
        session_class._init_sess_opts = own_options


def _gray(image: "Image"):
    import numpy as np

    return np.asarray(image if image.mode == "L" else image.convert("L"))


def _as_rgb(pixels):
    """A gray image in the three equal channels rapidocr's models take. Scaled or cut while gray, then
    made RGB: the same pixels as cut from the page made RGB first (every channel is treated alike), at
    a third of the memory for the whole page."""
    import cv2

    return cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGB)


def _detect_rapidocr(image: "Image") -> list:
    """The text lines rapidocr's detector sees on the image scaled to DETECT_SIDE, as quadrilaterals in
    the image's own pixels."""
    import cv2
    import numpy as np

    model = _rapidocr_model()
    pixels = _gray(image)
    height, width = pixels.shape[:2]
    scale = min(1.0, DETECT_SIDE / max(height, width))
    if scale < 1.0:
        pixels = cv2.resize(pixels, (max(1, round(width * scale)), max(1, round(height * scale))),
                            interpolation=cv2.INTER_AREA)
    quads, _ = model.text_det(_as_rgb(pixels))
    if quads is None or len(quads) == 0:
        return []
    return [np.asarray(q, dtype=np.float32) / scale for q in quads]


def _mostly_inside(inner, outer, share: float = 0.6) -> bool:
    """At least `share` of the box of quadrilateral `inner` lies in the box of `outer`."""
    ix0, iy0, ix1, iy1 = inner[:, 0].min(), inner[:, 1].min(), inner[:, 0].max(), inner[:, 1].max()
    ox0, oy0, ox1, oy1 = outer[:, 0].min(), outer[:, 1].min(), outer[:, 0].max(), outer[:, 1].max()
    overlap = max(0.0, min(ix1, ox1) - max(ix0, ox0)) * max(0.0, min(iy1, oy1) - max(iy0, oy0))
    return overlap >= share * max(1e-6, (ix1 - ix0) * (iy1 - iy0))


def lines_made_whole(found: list, found_without_red: list) -> list:
    """The lines found on a page, those found on it without its red ink in place of the pieces they
    cover (mostly), and the lines found only on the page as it is (red text) kept."""
    return [q for q in found if not any(_mostly_inside(q, w) for w in found_without_red)] + list(found_without_red)


def _find_text_rapidocr(image: "Image", without_red: "Image | None" = None) -> Regions:
    """The text lines on a page image, top to bottom (quadrilaterals in the image's pixels).

    `without_red`: the page with its red ink taken out, when it has some. A red seal stamped over the
    signature and the date (成文日期) cuts their lines in two for the detector at its scale (046: the
    date read as 2025年4月, its 2日 lost under the seal's ring); on the page without red, the detector
    finds those lines whole, and they replace the pieces. The lines found only on the page as it is
    (red text: a letterhead, a red title) are kept."""
    import numpy as np

    model = _rapidocr_model()
    quads = _detect_rapidocr(image)
    whole = _detect_rapidocr(without_red) if without_red is not None else []
    if whole:
        quads = lines_made_whole(quads, whole)
    if not quads:
        return []
    return FoundLines(model.sorted_boxes(np.asarray(quads, dtype=np.float32)), found_without_red=whole)


class FoundLines(list):
    """The lines an engine found on a page, and which of them it found on the page without its red ink
    (`found_without_red`: ocr_image reads those of them that red ink crosses from that page)."""

    def __init__(self, lines=(), found_without_red=()):
        super().__init__(lines)
        self.found_without_red = list(found_without_red)


def _read_rapidocr(image: "Image", regions: Regions | None) -> Found:
    model = _rapidocr_model()
    if regions is None:
        regions = _find_text_rapidocr(image)
    if not regions:
        return []
    # The angle classifier is for photographed text; rendered pages are upright (and it costs ~10%).
    crops = [_as_rgb(crop) for crop in model.get_crop_img_list(_gray(image), regions)]
    read: list = [None] * len(crops)
    # The widest line first: onnxruntime's arena grows by what a call lacks, so lines read from the
    # narrowest up (rapidocr's order) added a region at every wider line; after the widest, every
    # narrower line fits in what is there (041, two pages at once: 17 MB lower peak). Each line is read
    # alone, so the order does not change what is read.
    widest_first = sorted(range(len(crops)), key=lambda i: -crops[i].shape[1] / crops[i].shape[0])
    for k, i in enumerate(widest_first):
        _last_call_of_page.now = k == len(widest_first) - 1
        read[i] = model.text_rec([crops[i]])[0][0]
    _last_call_of_page.now = False
    out = []
    for quad, (text, score, *_) in zip(regions, read):
        if float(score) < model.text_score or not text:
            continue  # rapidocr's own threshold: below it a piece is noise (a stroke, a smudge)
        xs, ys = quad[:, 0], quad[:, 1]
        out.append((text, (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())), float(score)))
    return out


def _read_tesseract(image: "Image", regions: Regions | None = None) -> Found:
    import pytesseract

    # Tesseract's OpenMP threads spin against each other: on 2 cores a page took 8.3 s with them, 1.2 s on
    # one (bench/README.md); pages at once and batch workers are planparse's parallelism. A value the user
    # set stands.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    # --psm 4: one column of text of variable sizes (the page segmentation that keeps a printed
    # line whole; the default --psm 3 splits indented and justified lines into columns).
    data = pytesseract.image_to_data(
        image.convert("RGB"), lang="chi_sim", config="--psm 4", output_type=pytesseract.Output.DICT
    )
    lines: dict[tuple, list[int]] = {}
    for i, word in enumerate(data["text"]):
        if word.strip() and float(data["conf"][i]) >= 0:
            lines.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(i)
    out = []
    for idx in lines.values():
        words = [data["text"][i] for i in idx]
        x0 = min(data["left"][i] for i in idx)
        y0 = min(data["top"][i] for i in idx)
        x1 = max(data["left"][i] + data["width"][i] for i in idx)
        y1 = max(data["top"][i] + data["height"][i] for i in idx)
        conf = sum(float(data["conf"][i]) * len(data["text"][i]) for i in idx) / max(1, sum(len(w) for w in words))
        out.append((" ".join(words), (x0, y0, x1, y1), conf / 100.0))
    return out


# name -> engine; the order is the preference measured in bench/README.md. Tesseract has no cheap look
# for text: its pages are read straight away.
ENGINES: dict[str, OcrEngine] = {
    "rapidocr": OcrEngine(_rapidocr_available, _find_text_rapidocr, _read_rapidocr),
    "tesseract": OcrEngine(_tesseract_available, lambda image, without_red=None: None, _read_tesseract),
}


def find_engine(name: str | None = None) -> str | None:
    """The engine to use: `name` (or $PLANPARSE_OCR_ENGINE) if installed, else the first installed one
    in ENGINES' order; None when there is none."""
    return _find_engine(name or os.environ.get("PLANPARSE_OCR_ENGINE") or None)


@lru_cache(maxsize=None)
def _find_engine(name: str | None) -> str | None:
    names = [name] if name else list(ENGINES)
    for n in names:
        if n in ENGINES and ENGINES[n].installed():
            return n
    return None


# ------------------------------------------------------------------------------------ reading order

# Chinese punctuation OCR engines write in ASCII (苏政发[2024] is left to the grammars: the 发文字号
# pattern reads any bracket pair): the full-width form next to an ideograph, as printed.
_FULL_WIDTH = {ch: chr(ord(ch) + 0xFEE0) for ch in ",:;()!?"}
_ASCII_PUNCT_BY_HAN = re.compile(
    r"(?<=[\u3400-\u9fff\uff01-\uff5e\u3001-\u3011])[,:;()!?]|[,:;()!?](?=[\u3400-\u9fff\u3001-\u3011])"
)
_HAN_SPACE = re.compile(r"(?<=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])\s+(?=[\u3400-\u9fff\u3000-\u303f\uff00-\uffef])")


def clean_ocr_text(text: str) -> str:
    """OCR text in the characters a text layer would have: full-width punctuation by ideographs,
    no spaces between ideographs (Tesseract separates every character)."""
    text = unicodedata.normalize("NFKC", text) if any("\u2f00" <= ch <= "\u2fdf" for ch in text) else text
    text = _HAN_SPACE.sub("", text.strip())
    prev = None
    while prev != text:  # `(一)` needs two passes: the `)` sees the converted `（`
        prev = text
        text = _ASCII_PUNCT_BY_HAN.sub(lambda m: _FULL_WIDTH[m.group(0)], text)
    return text


def reading_order(found: list[tuple[str, Box, float]]) -> list[tuple[str, Box, float]]:
    """Boxes grouped into printed lines (vertical overlap), each line left to right, lines top to bottom.

    Engines return a printed line in pieces where it has gaps; pieces close together are joined with a
    space (dropped between ideographs by the text cleaner), pieces further apart than twice the line's
    height with a tab: the cells of an unruled table row, which the table stage reads as such."""
    rows: list[list[tuple[str, Box, float]]] = []
    for item in sorted(found, key=lambda t: ((t[1][1] + t[1][3]) / 2, t[1][0])):
        _, (x0, top, x1, bottom), _ = item
        mid = (top + bottom) / 2
        if rows:
            r_top = min(b[1] for _, b, _ in rows[-1])
            r_bottom = max(b[3] for _, b, _ in rows[-1])
            if r_top <= mid <= r_bottom:
                rows[-1].append(item)
                continue
        rows.append([item])
    out = []
    for row in rows:
        row.sort(key=lambda t: t[1][0])
        height = max(b[3] - b[1] for _, b, _ in row)
        text = row[0][0]
        for (_, prev, _), (t, box, _) in zip(row, row[1:]):
            text += ("\t" if box[0] - prev[2] > 2 * height else " ") + t
        box = (min(b[0] for _, b, _ in row), min(b[1] for _, b, _ in row),
               max(b[2] for _, b, _ in row), max(b[3] for _, b, _ in row))
        n = sum(len(t) for t, _, _ in row) or 1
        out.append((text, box, sum(c * len(t) for t, _, c in row) / n))
    return out


def _split_at_rulings(found: list[tuple[str, Box, float]], v_edges, image) -> list[tuple[str, Box, float]]:
    """Cut a text box where a vertical ruling line crosses it: the engine sometimes reads two cells of
    a row as one box. The text is cut in proportion to the inked width on either side of the line
    (ideographs have one width; the white cell padding around the line does not count)."""
    import numpy as np

    ink = None
    out = []
    for text, (x0, top, x1, bottom), conf in found:
        mid = (top + bottom) / 2
        cuts = sorted(x for x, y0, y1 in v_edges if x0 + 4 < x < x1 - 4 and y0 <= mid <= y1)
        if not cuts:
            out.append((text, (x0, top, x1, bottom), conf))
            continue
        if ink is None:
            ink = np.asarray(image.convert("L")) < 150
        columns = ink[max(0, int(top)): int(bottom) + 1].any(axis=0)

        def inked(a: float, b: float) -> int:
            idx = np.nonzero(columns[max(0, int(a)): max(0, int(b))])[0]
            return int(idx[-1] - idx[0] + 1) if len(idx) else 0

        left = x0
        for x in cuts:
            lw, rw = inked(left, x), inked(x, x1)
            k = round(len(text) * lw / (lw + rw)) if lw + rw else 0
            if 0 < k < len(text):
                out.append((text[:k], (left, top, x, bottom), conf))
                text, left = text[k:], x
        out.append((text, (left, top, x1, bottom), conf))
    return out


def _cell_text(found: list[tuple[str, Box, float]], indices: list[int]) -> str:

    pieces = sorted((found[i] for i in indices), key=lambda t: ((t[1][1] + t[1][3]) / 2, t[1][0]))
    return join_cell_lines("\n".join(clean_ocr_text(t) for t, _, _ in pieces)) or ""


def ocr_image(image: "Image", engine: str, dpi: float, page_number: int | None = None) -> OcrPage | None:
    """Read a page image: lines in reading order, boxes in points (72 per inch) from the top-left;
    ruled tables (ruling lines found in the image) as RawTables where they stand. None when the
    engine's look for text finds none (a map, a photo): the recogniser is not run."""
    from .lattice import erase_rulings, image_rulings, ruled_tables

    scale = 72.0 / dpi
    without_red = _without_red_ink(image)
    image = image if image.mode == "L" else image.convert("L")
    h_edges, v_edges = image_rulings(image, dpi)
    # Ruling lines are not text: without them the engine sees a table's lone digits (序号 1, 2 …)
    clean = erase_rulings(image, h_edges, v_edges)
    if without_red is not None:
        without_red = erase_rulings(without_red, h_edges, v_edges)
    regions = ENGINES[engine].find_text(clean, without_red)
    if regions is not None and not regions:
        return None
    read_from = clean if without_red is None else _unsealed(clean, without_red, getattr(regions, "found_without_red", ()))
    found = _split_at_rulings(ENGINES[engine].read(read_from, regions), v_edges, clean)
    tables = ruled_tables(h_edges, v_edges, [b for _, b, _ in found], tol=3.0)
    in_tables = {i for _, grid in tables for row in grid for cell in row for i in cell}
    pending = sorted(
        ((bbox[1], RawTable(rows=[[_cell_text(found, cell) for cell in row] for row in grid], page=page_number))
         for bbox, grid in tables),
        key=lambda t: t[0],
    )
    items: list[OcrLine | RawTable] = []
    for text, box, conf in reading_order([f for i, f in enumerate(found) if i not in in_tables]):
        while pending and pending[0][0] <= box[1]:
            items.append(pending.pop(0)[1])
        line = "\t".join(clean_ocr_text(cell) for cell in text.split("\t"))
        if line.strip():
            items.append(OcrLine(line, tuple(round(v * scale, 1) for v in box), round(conf, 4)))  # type: ignore[arg-type]
    items.extend(t for _, t in pending)
    scored = [(found[i][2], len(found[i][0])) for i in range(len(found))]
    n = sum(k for _, k in scored)
    mean = round(sum(c * k for c, k in scored) / n, 4) if n else None
    return OcrPage(items=items, confidence=mean, engine=engine)


def render_for_ocr(page, dpi: float = RENDER_DPI) -> "Image":
    """One pypdfium2 page as OCR reads it: its displayed orientation, in colour (red seals are told
    apart by their colour). pdfium is not thread-safe: pages are rendered on the reading thread."""
    return page.render(scale=dpi / 72.0).to_pil()


def ocr_pdf_page(page, engine: str, dpi: float = RENDER_DPI, page_number: int | None = None) -> OcrPage | None:
    """Render one pypdfium2 page and OCR it; None when it holds no text."""
    return ocr_image(render_for_ocr(page, dpi), engine, dpi, page_number)  # the colour page freed once gray


# Red ink on at least this share of a page's pixels is a seal or a red letterhead (a seal of 4 cm
# covers ~0.4% of an A4 page); red ink is a pixel whose red is this much above its green and blue.
RED_INK_SHARE = 0.001
RED_OVER_OTHERS = 60


def _without_red_ink(image: "Image") -> "Image | None":
    """The page's red channel, in which red ink is nearly white and black ink stays black, when a
    colour page has red ink on it; None otherwise. (PIL's 8-bit bands: no wider copies of the page.)"""
    if image.mode not in ("RGB", "RGBA"):
        return None
    from PIL import ImageChops

    red, green, blue = image.convert("RGB").split()
    redness = ImageChops.subtract(red, ImageChops.lighter(green, blue))  # red above the others, 0 at least
    inked = sum(redness.histogram()[RED_OVER_OTHERS + 1:])
    if inked < RED_INK_SHARE * image.width * image.height:
        return None
    return red


# A line with at least this many red-ink pixels in its box has a seal (or red marks) over it.
SEALED_LINE_PIXELS = 50


def _unsealed(page: "Image", without_red: "Image", lines) -> "Image":
    """The page to read lines from: `page`, but for the lines found on the page without its red ink
    (`lines`, quadrilaterals) that red ink crosses, whose boxes come from that page. A seal is stamped
    over the signature (发文机关署名) and the date: read through its ink, a character under the star
    or the ring is lost or misread (046: 南宁市住房和城乡建设局 read as 南宁住房和城乡建设局); black
    print under red ink stays dark in the red band. Lines with no red over them, and red text (found
    only on the page as it is), are read from `page` as before."""
    if not lines:
        return page
    from PIL import ImageChops

    red_over = ImageChops.subtract(without_red, page)  # red ink: bright in the red band, darker in gray
    out = None
    for quad in lines:
        xs, ys = [float(p[0]) for p in quad], [float(p[1]) for p in quad]
        box = (max(int(min(xs)), 0), max(int(min(ys)), 0), min(int(max(xs)) + 1, page.width),
               min(int(max(ys)) + 1, page.height))
        if box[2] <= box[0] or box[3] <= box[1]:
            continue
        if sum(red_over.crop(box).histogram()[RED_OVER_OTHERS + 1:]) < SEALED_LINE_PIXELS:
            continue
        out = out if out is not None else page.copy()
        out.paste(without_red.crop(box), box)
    return page if out is None else out


def drawn_share(page) -> float:
    """The share of a pypdfium2 page's area under what is drawn on it (images, paths, text, shadings:
    their boxes, summed, at most 1); 0 for a page with nothing on it."""
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    if width <= 0 or height <= 0:
        return 0.0
    covered = 0.0
    for obj in page.get_objects(max_depth=4):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            continue  # a container: its objects are visited
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, min(right, width) - max(left, 0.0)) * max(0.0, min(top, height) - max(bottom, 0.0))
        if covered >= width * height:
            return 1.0
    return covered / (width * height)


# ------------------------------------------------------------------------- one document's pages

_REASON_WORDS = {"no_text_layer": "no text layer", "garbled": "a garbled text layer", "forced": "--ocr always"}


def _page_list(numbers: list[int]) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


# ------------------------------------------------------------------- pages OCR'd at once

# `planparse batch` runs documents in parallel processes: inside one, a document's pages are OCR'd one
# at a time (one_page_at_a_time), or the workers would compete for the cores they already share.
_pages_at_once_limit: int | None = None
PAGES_AT_ONCE_VARIABLE = "PLANPARSE_OCR_THREADS"


def one_page_at_a_time() -> None:
    """This process reads documents in parallel with others (a batch worker): OCR one page at a time."""
    global _pages_at_once_limit
    _pages_at_once_limit = 1


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this platform
        return os.cpu_count() or 1


def idle_cores() -> float:
    """Cores not taken by the machine's running work (1-minute load average); all of them where the
    platform has no load average."""
    cores = usable_cores()
    try:
        return max(0.0, cores - os.getloadavg()[0])
    except (AttributeError, OSError):
        return float(cores)


def pages_at_once() -> int:
    """How many pages of one document are OCR'd at the same time, each on its own thread (the models
    are shared): 1 in a batch worker; $PLANPARSE_OCR_THREADS if set; else one per core that other work
    leaves idle, rounded, at least one (on a machine busy with other work, one page at a time: a
    second thread would only take a core from someone else, and hold a second page's memory)."""
    if _pages_at_once_limit is not None:
        return _pages_at_once_limit
    asked = os.environ.get(PAGES_AT_ONCE_VARIABLE, "").strip()
    if asked.isdigit() and int(asked) > 0:
        return int(asked)
    return max(1, min(usable_cores(), math.floor(idle_cores() + 0.5)))


def _read_rendered(rendered: list["Image"], engine: str, page_number: int, started: float) -> tuple[OcrPage | None, float]:
    """OCR of a rendered page, handed over in a list so that no frame but ocr_image's holds the colour
    page, which it lets go once gray."""
    result = ocr_image(rendered.pop(), engine, RENDER_DPI, page_number)
    return result, round(time.perf_counter() - started, 3)


@dataclass
class OcrJob:
    """A page sent to OCR: its reason, the page's own items (kept when OCR finds no text on its image),
    and what OCR read (a Future while it runs on another thread)."""

    number: int
    reason: str
    own_items: list
    outcome: "Future | tuple[OcrPage | None, float]" = field(repr=False)


class DocumentOcr:
    """The OCR step of one PDF: which pages need OCR, their OCR'd lines, and what to tell the user.

    Pages are rendered on the reading thread, as they come (pdfium is not thread-safe), and read on up
    to `pages_at_once` threads; at most that many pages are rendered and not yet read, so memory holds
    that many page images. What each page reads does not depend on the thread count (one onnxruntime
    thread per call, the same inputs), and `finish` hands the pages back in page order."""

    def __init__(self, mode: OcrMode, workers: int | None = None):
        self.mode = mode
        self.engine = find_engine() if mode != "never" else None
        if mode == "always" and self.engine is None:
            # asked for OCR of every page: reading the text layer instead would not be what was asked
            raise OcrUnavailableError(f"--ocr always, but no OCR engine is installed: {INSTALL_ENGINE}")
        self.workers = workers  # None: pages_at_once(), asked when the first page needs OCR
        self.done: dict[int, tuple[str, OcrPage]] = {}  # page number -> (reason, result)
        self.skipped: dict[int, str] = {}  # page number -> reason it needed OCR that it did not get
        self.seconds: dict[int, float] = {}  # page number -> wall time its OCR took (rendering included)
        # pages without a text layer whose image the engine found no text on (a map, a photo, a stamp)
        self.no_text_seen: list[int] = []
        self._pool: ThreadPoolExecutor | None = None
        self._running: set[Future] = set()

    def start(self, page, number: int, text: str, own_items: list, garbled: bool | None = None) -> OcrJob | None:
        """Send a page that needs OCR to the engine (None: the page keeps its own text). The page is
        rendered here; it is read here too when one page is read at a time, else on a free thread.
        garbled: is_garbled(text), when the caller asked it already."""
        reason = reason_to_ocr(text, self.mode, garbled)
        if reason is None:
            return None
        if self.engine is None:
            self.skipped[number] = reason
            return None
        if reason == "no_text_layer" and drawn_share(page) == 0.0:
            return None  # a blank page: nothing drawn, nothing to read
        if self.workers is None:
            self.workers = pages_at_once()
        _malloc_for_ocr()
        if self.workers > 1 and self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="planparse-ocr")
        if self._pool is not None:
            while len(self._running) >= self.workers:  # a page image rendered only when a thread can take it
                _, self._running = wait(self._running, return_when=FIRST_COMPLETED)
        started = time.perf_counter()
        rendered = [render_for_ocr(page)]
        if self._pool is None:
            return OcrJob(number, reason, own_items, _read_rendered(rendered, self.engine, number, started))
        future = self._pool.submit(_read_rendered, rendered, self.engine, number, started)
        self._running.add(future)
        return OcrJob(number, reason, own_items, future)

    def finish(self, job: OcrJob) -> list[OcrLine | RawTable] | None:
        """The OCR'd lines and tables of a page sent by `start` (None: keep the page's own items)."""
        result, seconds = job.outcome.result() if isinstance(job.outcome, Future) else job.outcome
        job.outcome = (result, seconds)
        if result is None or not result.items:  # the engine saw no text, or read none where it looked
            if job.reason == "no_text_layer":
                self.no_text_seen.append(job.number)
                return None
            # a garbled layer, or --ocr always: what OCR read (nothing) stands, as for any OCR'd page
            result = OcrPage(items=[], confidence=None, engine=self.engine or "")
        self.seconds[job.number] = seconds
        self.done[job.number] = (job.reason, result)
        return result.items

    def close(self) -> None:
        """Stop the threads (pages not yet read are dropped: the document failed)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._running = set()

    def why_no_text(self) -> str:
        """The one-line reason of an image-only PDF that could not be read."""
        if self.done:
            return "no text layer (image-only PDF) and OCR read nothing on its pages"
        if self.no_text_seen:
            return "no text layer (image-only PDF) and no text on its page images"
        if self.mode == "never":
            return "no text layer (image-only PDF) and OCR is off (--ocr never); run with --ocr auto"
        return f"no text layer (image-only PDF) and no OCR engine installed: {HOW_TO_ENABLE}"

    def apply(self, doc) -> None:
        """Mark the OCR'd pages of a RawDocument (boxes, confidence) and add the reader's notes."""
        for page in doc.pages:
            entry = self.done.get(page.number)
            if entry is None:
                continue
            page.ocr = True
            page.ocr_confidence = entry[1].confidence
            page.ocr_seconds = self.seconds.get(page.number)
            if page.boxes is None:  # the PDF reader sets them; a reader that passes OcrLines through does not
                page.boxes = [line_box(ln.box) for ln in page.lines]  # type: ignore[attr-defined]
            page.lines = [str(ln) for ln in page.lines]  # plain strings from here on (picklable)
            conf = entry[1].confidence
            if conf is not None and conf < LOW_CONFIDENCE:
                doc.notes.append(("ocr-low-confidence", f"page {page.number}: OCR confidence {conf:.2f}; check its text", page.number))
        garbled = [n for n, (reason, _) in self.done.items() if reason == "garbled"]
        if garbled:
            doc.notes.append(("garbled-text-layer", f"garbled text layer (wrong character map) on page(s) {_page_list(garbled)}: read by OCR instead", None))
        garbled_kept = [n for n, reason in self.skipped.items() if reason == "garbled"]
        if garbled_kept:
            doc.notes.append(("garbled-text-layer", f"garbled text layer (wrong character map) on page(s) {_page_list(garbled_kept)}, kept as is: {self._enable_hint()}", None))
        blank = [n for n, reason in self.skipped.items() if reason == "no_text_layer"]
        if blank:
            doc.notes.append(("page-not-ocred", f"page(s) {_page_list(blank)} have no text layer and were not OCR'd: {self._enable_hint()}", None))
        if self.no_text_seen:
            doc.notes.append(("page-not-ocred", f"page(s) {_page_list(self.no_text_seen)} have no text layer and no text on "
                              "their image (a map, a photo): not OCR'd", None))

    def _enable_hint(self) -> str:
        return "run with --ocr auto" if self.mode == "never" else HOW_TO_ENABLE
