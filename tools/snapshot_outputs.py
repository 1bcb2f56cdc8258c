"""Write tests/expected/outputs/<name>.json: the whole Document planparse gives for each sample and each
scored corpus text in tests/fixtures/scored/docs, as `planparse extract` writes it (source.path relative).

A restructuring must leave these byte-identical (tests/test_outputs_unchanged.py). After a deliberate change
of what planparse extracts, read the diff (`git diff tests/expected/outputs`), then rerun this script.
Usage: python tools/snapshot_outputs.py
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planparse.emit import to_json  # noqa: E402
from planparse.pipeline import extract_file  # noqa: E402

OUT = ROOT / "tests" / "expected" / "outputs"


def inputs() -> list[Path]:
    return sorted((ROOT / "samples").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "scored" / "docs").glob("*.md"))


def rendered(path: Path) -> str:
    doc = extract_file(path)
    doc.source.path = path.relative_to(ROOT).as_posix()  # the same in every clone
    return to_json(doc, pretty=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for path in inputs():
        (OUT / f"{path.stem}.json").write_text(rendered(path), encoding="utf-8")


if __name__ == "__main__":
    main()
