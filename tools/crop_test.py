"""The crop test of issue 26 on any PDFs: for every target, does the text pdfplumber reads inside its
boxes (`page.crop(bbox).extract_text()`, over all its boxes) hold the target's number as written? And
for every deadline, its date as written (the numbers of its text; the whole text when it has none)?

Facts on OCR'd pages are counted apart (pdfplumber reads no text there). A fact without boxes fails.
Usage: python tools/crop_test.py FILE.pdf... [-v]     (prints one line per file and the totals)
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planparse.errors import PlanparseError  # noqa: E402
from planparse.pipeline import extract_file  # noqa: E402


def squeezed(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "")


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)?", text)


def target_wants(t) -> list[str]:
    """The target's value as its text writes it, else every number of its text (百分之十 has none)."""
    found = numbers(t.text)
    return [n for n in found if float(n) in (t.value, t.value_max)][:1] or found


def deadline_wants(d) -> list[str]:
    return numbers(d.text) or [squeezed(d.text)]


def inside(pdf, fact) -> str:
    parts = []
    for (x0, top, x1, bottom), number in zip(fact.bbox, fact.bbox_pages):
        page = pdf.pages[number - 1]
        # pdfplumber measures from the user-space origin, not the MediaBox's corner: the same on most
        # pages (MediaBox at 0 0); its mediabox is (x0, -y0, ...) of the PDF's
        dx, dy = page.mediabox[0], page.mediabox[1]
        x0, top, x1, bottom = x0 + dx, top + dy, x1 + dx, bottom + dy
        px0, ptop, px1, pbottom = page.bbox
        box = (max(x0, px0), max(top, ptop), min(x1, px1), min(bottom, pbottom))
        if box[2] > box[0] and box[3] > box[1]:
            parts.append(page.crop(box).extract_text() or "")
    return squeezed("".join(parts))


def check(path: str, verbose: bool) -> dict[str, list[int]]:
    """{kind: [passed, failed, on OCR pages]} for targets and deadlines of one PDF."""
    import pdfplumber

    doc = extract_file(path)
    ocr_pages = {p.number for p in doc.source.page_info if p.ocr}
    tally = {"targets": [0, 0, 0], "deadlines": [0, 0, 0]}
    with pdfplumber.open(path) as pdf:
        for kind, facts, wants in (("targets", [t for t in doc.targets if t.value is not None], target_wants),
                                   ("deadlines", doc.deadlines, deadline_wants)):
            for fact in facts:
                if fact.bbox and set(fact.bbox_pages) & ocr_pages:
                    tally[kind][2] += 1
                    continue
                got = inside(pdf, fact) if fact.bbox else ""
                ok = bool(fact.bbox) and all(w in got for w in wants(fact))
                tally[kind][0 if ok else 1] += 1
                if not ok and verbose:
                    print(f"  miss {kind[:-1]}: {fact.text!r} boxes={fact.bbox} read={got[:60]!r}")
    return tally


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    files = [a for a in argv if a != "-v"]
    if not files:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    total = {"targets": [0, 0, 0], "deadlines": [0, 0, 0]}
    for path in files:
        try:
            tally = check(path, verbose)
        except PlanparseError as e:
            print(f"{Path(path).name}: {e.one_line()}")
            continue
        for kind in total:
            total[kind] = [a + b for a, b in zip(total[kind], tally[kind])]
        print(f"{Path(path).name}: " + "  ".join(f"{k} {p}/{p + f} (OCR pages: {o})" for k, (p, f, o) in tally.items()))
    for kind, (passed, failed, ocr) in total.items():
        rate = passed / (passed + failed) if passed + failed else 1.0
        print(f"TOTAL {kind}: {passed}/{passed + failed} pass = {rate:.3f} (on OCR pages, not checked: {ocr})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
