"""Scrambled documents (sample lines shuffled, cut, mixed with marker and number debris) never crash."""
import random
from pathlib import Path

from planparse.errors import PlanparseError
from planparse.pipeline import extract_file

ROOT = Path(__file__).resolve().parent.parent
DEBRIS = ["（", "）", "(一)", "一、", "1、", "①", "附件", "附件1", "\t", "\t\t", "年底前", "比2020年", "分别", "以下均需",
          "牵头", "（牵头单位：）", "：", "%", "2－", "——", "〔2024〕", "《", "》", "0.", "万", "翻一番", "十四五期间",
          "99999999999999999999%", "ＰＭ２．５", "<p>", "**", "PM_{2.5", "\u3000", "序号 重点工作任务 完成时限 责任分工", "1 ", "①②"]


def test_scrambled_documents_never_crash(tmp_path):
    rng = random.Random(20261123)
    lines = []
    for f in sorted((ROOT / "samples").glob("*.txt")):
        lines += f.read_text(encoding="utf-8").split("\n")
    path = tmp_path / "scrambled.txt"
    for _ in range(150):
        doc = []
        for _ in range(rng.randint(0, 60)):
            r = rng.random()
            if r < 0.6:
                doc.append(rng.choice(lines))
            elif r < 0.8:
                doc.append("".join(rng.choice(DEBRIS) for _ in range(rng.randint(1, 6))))
            else:
                line = rng.choice(lines)
                a = rng.randint(0, len(line))
                doc.append(line[a:a + rng.randint(0, 30)])
        path.write_text("\n".join(doc), encoding="utf-8")
        try:
            extract_file(path).model_dump_json()
        except PlanparseError:
            pass  # an empty or unreadable document is a clean, reported error
