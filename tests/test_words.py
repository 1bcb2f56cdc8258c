"""The word dictionary: built once into the cache directory, and place names read from it as jieba's
tagger reads them (made-up names of the usual shapes)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
def test_the_merged_dictionary_is_built_once_into_the_cache_directory(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PLANPARSE_CACHE_DIR=str(tmp_path / "cache"))
    code = "from planparse import words; print(words.cut('推进非化石能源消费比重和省工业和信息化厅工作'))"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "'非化石能源消费比重'" in first.stdout and "'省工业和信息化厅'" in first.stdout  # the grammars' words
    files = sorted(p.suffix for p in (tmp_path / "cache").iterdir())
    assert files == [".cache", ".dict", ".places"]  # merged dictionary, its place names, jieba's parsed form
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()}
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert second.stdout == first.stdout
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()} == stamps  # read, not rebuilt


@pytest.mark.parametrize("name", ["南通海关", "江苏海事局", "苏州市发展改革委", "县交通运输局", "各街道", "某某镇人民政府",
                                  "张家港保税区", "生态环境局", "港闸区住建局", "连云港"])
def test_place_names_agree_with_the_tagger(name):
    from planparse import words

    expected = next((w.flag == "ns" and len(w.word) >= 2 for w in words._tagger().lcut(name)), False)
    assert words.starts_with_place(name) == expected
