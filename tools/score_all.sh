#!/usr/bin/env bash
# Extract every sample and score it against the gold standard beside the project (../shared/gold).
# Usage: tools/score_all.sh [OUTDIR] [extra planparse args]   (run from the repository root)
set -u
out=${1:-/tmp/planparse-score}; shift || true
mkdir -p "$out"
for f in samples/*.txt; do
  s=$(basename "$f" .txt)
  planparse extract "$f" -o "$out/$s.json" "$@" || { echo "extract failed: $f"; continue; }
  echo "== $s"
  python3 ../shared/eval/score.py "../shared/gold/$s.json" "$out/$s.json" | cut -c1-220
done
