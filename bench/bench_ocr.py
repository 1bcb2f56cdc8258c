"""Benchmark: OCR engines on scans of the samples and on the scanned corpus file.

    python bench/bench_ocr.py [--engines rapidocr,tesseract] [--samples 000,004] [--dpi 150]
                              [--scanned ../shared/corpus/real/041_...-scan.pdf] [--json out.json]

For every sample: render samples/<stem>.txt as a PDF (tools/render_pdf.py), read it through the text
path, make a 150-dpi image-only scan of it (tools/make_scan.py: pdftoppm, JPEG pages), and read the
scan with each engine (`ingest.read(..., ocr="auto")`, the engine chosen by $PLANPARSE_OCR_ENGINE).
Measured per engine:
  chars right  characters of the text path's pages found in the OCR'd pages, aligned page by page
               (difflib matching blocks over the visible characters, width-folded; OCR's extra
               characters count against `chars extra`)
  clause F1    ../shared/eval/score.py's clause score against ../shared/gold (the text path's too)
  targets F1   the same for targets
  s/page       CPU seconds per page (this process and its children: tesseract runs as a
               subprocess), and wall seconds per page; the machine is shared, CPU time is the
               figure that does not depend on its load
  confidence   the engine's mean line confidence over the pages
The scanned corpus file has no gold: its clause tree (ids and headings), read from the page images by
eye, is EXPECTED_041 below; each engine's clauses are scored against it (ids matched, headings equal
after removing punctuation).

--against-tesseract: planparse's OCR against the Tesseract command line, side by side on the same
150-dpi page images (pypdfium2 renders them as planparse does, in gray: PNG) of the scanned corpus
file and of the chosen samples' scans:
  tesseract    `tesseract page.png - -l chi_sim`, one process per page (as a user runs it)
  planparse    one process that loads rapidocr's models once and OCRs every image
               (`ingest.ocr.ocr_image`: ruling lines, detection, recognition, reading order), as
               many images at once as it OCRs a document's pages at once (`ocr.pages_at_once`:
               $PLANPARSE_OCR_THREADS, else the cores the machine's load leaves idle)
Measured for each: wall seconds (tesseract: its processes; planparse: the OCR loop, model loading
included), CPU seconds of the processes (planparse: interpreter start and imports too), peak RSS of
the largest process, and characters right against the text path on the samples (as above).
"""
from __future__ import annotations

import argparse
import difflib
import importlib.util
import json
import os
import resource
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT / "src", ROOT):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

SHARED = ROOT.parent / "shared" if (ROOT.parent / "shared").exists() else ROOT / ".." / "shared"


def _score_module():
    spec = importlib.util.spec_from_file_location("pp_score", SHARED / "eval" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


# 041 (山东省商务厅等5部门 购新补贴实施细则, a web page printed to PDF as outlines: no text layer), read by eye.
EXPECTED_041 = [
    ("1", "补贴品种和补贴标准"), ("2", "补贴流程及方式"), ("2.1", "补贴资格申领"), ("2.2", "优化支付方式"),
    ("2.3", "加快资金拨付进度"), ("3", "审核流程"), ("3.1", "严格审核校验"), ("3.2", "优化信息采集"),
    ("3.3", "强化平台建设"), ("4", "加强资金管理"), ("4.1", "强化协同配合"), ("4.2", "确保资金安全"),
    ("5", "营造良好市场环境"), ("5.1", "鼓励优惠让利"), ("5.2", "加强宣传引导"), ("6", "风险防范与监督检查"),
    ("6.1", "开展重点核查"), ("6.2", "强化安全保障"),
]


def clause_agreement(expected: list[tuple[str, str]], found: list[tuple[str, str | None]]) -> dict:
    """Clause-id F1 and the share of matched clauses whose heading is the expected one."""
    import re

    def bare(h: str | None) -> str:
        return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", h or ""))

    exp, got = dict(expected), dict(found)
    tp = len(exp.keys() & got.keys())
    p = tp / len(got) if got else 0.0
    r = tp / len(exp) if exp else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    heads = sum(1 for k in exp.keys() & got.keys() if bare(exp[k]) == bare(got[k]))
    return {"clause_f1": round(f1, 4), "headings_right": f"{heads}/{tp}"}


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _visible(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace())


def chars_right(text_pages: list[str], ocr_pages: list[str]) -> tuple[int, int, int]:
    """(characters of the text path, of them found by OCR in order, OCR characters beyond those)."""
    total = right = extra = 0
    for a, b in zip(text_pages, ocr_pages):
        a, b = _visible(a), _visible(b)
        m = sum(blk.size for blk in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
        total += len(a)
        right += m
        extra += len(b) - m
    return total, right, extra


def _read(path: Path, engine: str | None):
    from planparse import ingest
    from planparse.grammar import load_grammars
    from planparse.pipeline import extract_raw

    if engine:
        os.environ["PLANPARSE_OCR_ENGINE"] = engine
    c0, w0 = _cpu(), time.perf_counter()
    raw = ingest.read(path, ocr="auto")
    c1, w1 = _cpu(), time.perf_counter()
    doc = extract_raw(raw, load_grammars(None))
    return raw, doc, c1 - c0, w1 - w0


def _page_texts(raw) -> list[str]:
    return ["\n".join(p.lines) + "".join("".join(c or "" for c in row) for t in p.tables for row in t.rows) for p in raw.pages]


def _render_pages(pdf: Path, out_dir: Path, dpi: int) -> list[Path]:
    """The pages of `pdf` as grayscale PNGs at `dpi`, rendered by pdfium as planparse renders a page for OCR (gray: Tesseract reads them as they are)."""
    import pypdfium2 as pdfium

    out_dir.mkdir(parents=True, exist_ok=True)
    pages = []
    with pdfium.PdfDocument(str(pdf)) as doc:
        for i in range(len(doc)):
            path = out_dir / f"{pdf.stem}-p{i + 1}.png"
            doc[i].render(scale=dpi / 72.0, grayscale=True).to_pil().save(path)
            pages.append(path)
    return pages


def _run_measured(cmd: list[str]) -> tuple[str, float, int]:
    """(stdout, CPU seconds, peak RSS in MB) of one child process, from its own rusage (wait4)."""
    import subprocess

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = proc.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{cmd[0]} failed with exit {proc.returncode}")
    return out, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def _tesseract_cli(pngs: list[Path]) -> dict:
    texts, cpu, peak = [], 0.0, 0
    w0 = time.perf_counter()
    for png in pngs:
        out, c, rss = _run_measured(["tesseract", str(png), "-", "-l", "chi_sim"])
        texts.append(out)
        cpu += c
        peak = max(peak, rss)
    return {"texts": texts, "wall_s": time.perf_counter() - w0, "cpu_s": cpu, "peak_mb": peak}


def _planparse_worker(pngs: list[str], dpi: int) -> None:
    """Run in a process of its own (--ocr-worker): OCR the images, print what was read and its time."""
    from PIL import Image

    from planparse.ingest import ocr

    engine = ocr.find_engine()
    threads = ocr.pages_at_once()  # as a document's pages are: $PLANPARSE_OCR_THREADS, else the idle cores

    def read(png: str) -> str:
        with Image.open(png) as im:
            page = ocr.ocr_image(im.convert("L"), engine, dpi)
        return "\n".join(str(line) for line in page.lines) + "".join(
            "".join(c or "" for c in row) for t in page.items if not isinstance(t, str) for row in t.rows) if page else ""

    w0 = time.perf_counter()
    if threads == 1:
        texts = [read(png) for png in pngs]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(threads) as pool:
            texts = list(pool.map(read, pngs))
    print(json.dumps({"engine": engine, "threads": threads, "texts": texts, "wall_s": time.perf_counter() - w0},
                     ensure_ascii=False))


def _planparse_ocr(pngs: list[Path], dpi: int) -> dict:
    """planparse's OCR of the images in a fresh process: wall time of the OCR (model load included),
    CPU and peak RSS of the whole process (interpreter start and imports included)."""
    out, cpu, peak = _run_measured([sys.executable, str(Path(__file__).resolve()), "--ocr-worker", "--dpi", str(dpi),
                                    *map(str, pngs)])
    res = json.loads(out)
    res.update(cpu_s=cpu, peak_mb=peak)
    return res


def against_tesseract(sets: list[tuple[str, list[Path], list[str] | None]], dpi: int) -> list[dict]:
    """For each (name, page images, text-path pages or None): Tesseract's CLI, then planparse."""
    rows = []
    for name, pngs, reference in sets:
        tess = _tesseract_cli(pngs)
        ours = _planparse_ocr(pngs, dpi)
        threads = f", {ours['threads']} threads" if ours.get("threads", 1) > 1 else ""
        for label, res in (("tesseract CLI", tess), (f"planparse ({ours['engine']}{threads})", ours)):
            row = {"set": name, "pages": len(pngs), "ocr": label, "wall_s": round(res["wall_s"], 2),
                   "cpu_s": round(res["cpu_s"], 2), "peak_mb": res["peak_mb"]}
            if reference is not None:
                total, right, extra = chars_right(reference, res["texts"])
                row.update(chars=total, chars_right=right, chars_extra=extra, char_accuracy=round(right / total, 4))
            rows.append(row)
        rows[-1]["x_wall"] = round(ours["wall_s"] / tess["wall_s"], 2)
        rows[-1]["x_cpu"] = round(ours["cpu_s"] / tess["cpu_s"], 2)
        for r in rows[-2:]:
            print(json.dumps(r, ensure_ascii=False), flush=True)
    return rows


def _print_against(rows: list[dict]) -> None:
    print()
    print("| pages | OCR | wall s | CPU s | x Tesseract (wall / CPU) | peak RSS MB | chars right | extra |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        ratio = f"{r['x_wall']} / {r['x_cpu']}" if "x_wall" in r else "1"
        acc = f"{r['char_accuracy']:.4f} ({r['chars_right']}/{r['chars']})" if "chars" in r else "–"
        print(f"| {r['set']} ({r['pages']}) | {r['ocr']} | {r['wall_s']} | {r['cpu_s']} | {ratio} | {r['peak_mb']} | "
              f"{acc} | {r.get('chars_extra', '–')} |")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--ocr-worker"]:
        wp = argparse.ArgumentParser()
        wp.add_argument("--dpi", type=int, default=150)
        wp.add_argument("pngs", nargs="+")
        wa = wp.parse_args(argv[1:])
        _planparse_worker(wa.pngs, wa.dpi)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--samples", default="", help="comma-separated sample prefixes (default: all)")
    ap.add_argument("--dpi", type=int, default=150)
    ap.add_argument("--scanned", default=str(SHARED / "corpus" / "real" / "041_shandong-phone-tablet-subsidy-rules-scan.pdf"))
    ap.add_argument("--json", help="write the measurements here")
    ap.add_argument("--keep", help="keep the rendered PDFs and scans in this directory")
    ap.add_argument("--against-tesseract", action="store_true",
                    help="only planparse's OCR against `tesseract page.png - -l chi_sim` on the same page images")
    a = ap.parse_args(argv)

    from planparse.ingest import ocr
    from tools.make_scan import scan_pdf
    from tools.render_pdf import render_sample

    score = _score_module()
    engines = [e for e in a.engines.split(",") if e]
    for e in engines:
        if ocr.find_engine(e) != e:
            print(f"engine {e} is not installed", file=sys.stderr)
            return 2
    wanted = [s for s in a.samples.split(",") if s]
    samples = sorted(p for p in (ROOT / "samples").glob("*.txt") if not wanted or p.stem.split("_")[0] in wanted)
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    work.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    if a.against_tesseract:
        sets = []
        for txt in samples:
            pdf = render_sample(txt, work / f"{txt.stem}.pdf")
            scan = scan_pdf(pdf, work / f"{txt.stem}-scan{a.dpi}.pdf", a.dpi)
            raw_t, _, _, _ = _read(pdf, None)
            sets.append((txt.stem[:3], _render_pages(scan, work / "png", a.dpi), _page_texts(raw_t)))
        if Path(a.scanned).is_file():
            sets.append((Path(a.scanned).name[:3], _render_pages(Path(a.scanned), work / "png", a.dpi), None))
        rows = against_tesseract(sets, a.dpi)
        if a.json:
            Path(a.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
        _print_against(rows)
        return 0
    for txt in samples:
        pdf = render_sample(txt, work / f"{txt.stem}.pdf")
        scan = scan_pdf(pdf, work / f"{txt.stem}-scan{a.dpi}.pdf", a.dpi)
        gold = json.loads((SHARED / "gold" / f"{txt.stem}.json").read_text())
        raw_t, doc_t, _, _ = _read(pdf, None)
        text_pages = _page_texts(raw_t)
        base = {"sample": txt.stem, "pages": len(raw_t.pages),
                "text_clause_f1": score.score_clauses(gold, doc_t.model_dump())["f1"],
                "text_targets_f1": score.score_targets(gold, doc_t.model_dump())["f1"]}
        for e in engines:
            raw_o, doc_o, cpu, wall = _read(scan, e)
            total, right, extra = chars_right(text_pages, _page_texts(raw_o))
            confs = [p.ocr_confidence for p in raw_o.pages if p.ocr_confidence is not None]
            row = {**base, "engine": e, "chars": total, "chars_right": right, "chars_extra": extra,
                   "char_accuracy": round(right / total, 4) if total else None,
                   "clause_f1": score.score_clauses(gold, doc_o.model_dump())["f1"],
                   "targets_f1": score.score_targets(gold, doc_o.model_dump())["f1"],
                   "cpu_s_per_page": round(cpu / len(raw_o.pages), 2), "wall_s_per_page": round(wall / len(raw_o.pages), 2),
                   "confidence": round(sum(confs) / len(confs), 4) if confs else None}
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    scanned = Path(a.scanned)
    if scanned.is_file():
        for e in engines:
            raw_o, doc_o, cpu, wall = _read(scanned, e)
            confs = [p.ocr_confidence for p in raw_o.pages if p.ocr_confidence is not None]
            row = {"sample": scanned.name, "engine": e, "pages": len(raw_o.pages),
                   "cpu_s_per_page": round(cpu / len(raw_o.pages), 2), "wall_s_per_page": round(wall / len(raw_o.pages), 2),
                   "confidence": round(sum(confs) / len(confs), 4) if confs else None,
                   "meta": {k: v for k, v in doc_o.meta.model_dump().items() if v},
                   "clauses": [(c.id, c.heading) for c in doc_o.clauses]}
            if scanned.name.startswith("041_"):
                row.update(clause_agreement(EXPECTED_041, row["clauses"]))
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    if a.json:
        Path(a.json).write_text(json.dumps(results, ensure_ascii=False, indent=1))
    print()
    print("| sample | engine | pages | chars right | extra | clause F1 (text path) | targets F1 (text path) | CPU s/page | wall s/page | confidence |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        if "chars" in r:
            print(f"| {r['sample'][:3]} | {r['engine']} | {r['pages']} | {r['char_accuracy']:.4f} ({r['chars_right']}/{r['chars']}) | "
                  f"{r['chars_extra']} | {r['clause_f1']:.3f} ({r['text_clause_f1']:.3f}) | {r['targets_f1']:.3f} ({r['text_targets_f1']:.3f}) | "
                  f"{r['cpu_s_per_page']} | {r['wall_s_per_page']} | {r['confidence']} |")
        else:
            print(f"| {r['sample'][:3]} | {r['engine']} | {r['pages']} | – | – | {r.get('clause_f1', '–')} "
                  f"(headings {r.get('headings_right', '–')}; vs read by eye) | – | "
                  f"{r['cpu_s_per_page']} | {r['wall_s_per_page']} | {r['confidence']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
