"""Rewrite the rules table in README.md from the rules' own docs: python3 tools/rules_table.py"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from planparse.check.docs import with_rules_table  # noqa: E402

readme = ROOT / "README.md"
readme.write_text(with_rules_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
