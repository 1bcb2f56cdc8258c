"""Write tests/expected/<sample>.json: the clause tree, meta, goal-section targets and agency entries.

Run only after checking the output by hand and against the gold standard (tools/score_all.sh must
report 1.000 for clauses, meta, and the categories snapshotted); the tests then guard against
regressions. Usage: python tools/snapshot_expected.py
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planparse.pipeline import extract_file  # noqa: E402

TARGET_FIELDS = ("metric", "value", "value_max", "unit", "comparator", "direction", "baseline_year", "target_year", "aspirational")


def main() -> None:
    out_dir = ROOT / "tests" / "expected"
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "samples").glob("*.txt")):
        doc = extract_file(path)
        goal_ids = {c.id for c in doc.clauses if c.id == "1" or c.id.startswith("1.")}
        snap = {
            "meta": doc.meta.model_dump(include={"notice_title", "title", "doc_number", "issuer", "issue_date", "recipients", "cc",
                                                 "printed_by", "print_date", "attachments", "level"}),
            "clauses": [[c.id, c.marker, c.level, c.heading] for c in doc.clauses],
            "goal_targets": [[c.id] + [getattr(t, f) for f in TARGET_FIELDS] for c in doc.clauses if c.id in goal_ids for t in c.targets],
            "clause_agencies": [[a.clause_id, a.lead, a.support, a.responsible, a.implementers] for c in doc.clauses for a in c.agencies],
            "deadlines": [[d.clause_id, d.kind, d.date] for c in doc.clauses for d in c.deadlines],
        }
        (out_dir / f"{path.stem}.json").write_text(json.dumps(snap, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print("wrote", out_dir / f"{path.stem}.json")


if __name__ == "__main__":
    main()
