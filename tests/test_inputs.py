"""One walker for batch, check and compare (planparse.inputs): the same files found, FIFOs never opened."""
import os
import threading

import pytest

from planparse.check.core import expand_files
from planparse.compare.load import directory_inputs
from planparse.inputs import not_regular, walk

PLAN = "某市节能方案\n一、工作目标\n到2025年，能耗下降13%。\n"


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "plan.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "b.md").write_text(PLAN, encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text(PLAN, encoding="utf-8")
    (tmp_path / "notes.xyz").write_text("x", encoding="utf-8")
    (tmp_path / "out.json").write_text("{}", encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.txt")
    return tmp_path


def test_the_walk_skips_hidden_names_other_suffixes_and_what_a_command_writes(tree):
    everything = sorted(p.relative_to(tree).as_posix() for p in walk(tree))
    assert everything == (["a/plan.txt", "b.md", "pipe.txt"] if hasattr(os, "mkfifo") else ["a/plan.txt", "b.md"])
    names = sorted(p.relative_to(tree).as_posix() for p in walk(tree, regular_only=True))
    assert names == ["a/plan.txt", "b.md"]
    assert sorted(p.relative_to(tree).as_posix() for p in walk(tree, skip=[(tree / "a").resolve()], regular_only=True)) == ["b.md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_check_and_compare_never_open_a_fifo_they_find_in_a_directory(tree):
    assert "FIFO" in not_regular(tree / "pipe.txt")
    found = {}
    worker = threading.Thread(target=lambda: found.update(check=expand_files([str(tree)]), compare=directory_inputs(tree)), daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "walking a directory with a FIFO in it blocked"
    assert sorted(os.path.basename(x) for x in found["check"]) == ["b.md", "plan.txt"]
    assert sorted(p.name for p in found["compare"]) == ["b.md", "out.json", "plan.txt"]
