#!/usr/bin/env bash
# Extract every sample and score it against the gold standard of the project's shared workspace
# (SHARED, default ../shared: gold/ and eval/score.py; not part of a clone).
# Usage: [SHARED=DIR] tools/score_all.sh [OUTDIR] [extra planparse args]   (run from the repository root)
set -u
shared=${SHARED:-../shared}
[ -f "$shared/eval/score.py" ] || { echo "tools/score_all.sh: no $shared/eval/score.py (set SHARED=DIR)" >&2; exit 2; }
out=${1:-/tmp/planparse-score}; shift || true
mkdir -p "$out"
for f in samples/*.txt; do
  s=$(basename "$f" .txt)
  planparse extract "$f" -o "$out/$s.json" "$@" || { echo "extract failed: $f"; continue; }
  echo "== $s"
  python3 "$shared/eval/score.py" "$shared/gold/$s.json" "$out/$s.json" | cut -c1-220
done
