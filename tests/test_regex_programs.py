"""Compiled grammar patterns kept between processes (grammar/programs.py): a pattern built from the
stored program matches as `regex.compile` does, and a damaged store is ignored, never trusted."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import regex

ROOT = Path(__file__).resolve().parent.parent

PATTERNS = [
    r"(?P<year>\d{4})年(?:(?P<month>\d{1,2})月)?底前",
    r"第(?P<n>[一二三四五六七八九十]+)[章条]",
    r"(?<![\d.])(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>万吨|%|亿元)",
    r"(?i)pm2\.5|Ｏ３",
]
TEXTS = ["2025年底前完成", "2024年6月底前，第十二条", "降低15.5%，减少3万吨", "PM2.5 浓度", "abc"]


def _run(code: str, cache: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PLANPARSE_CACHE_DIR=str(cache))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)


_PROBE = (
    "from planparse.grammar.programs import compile_program\n"
    f"for p in {PATTERNS!r}:\n"
    "    c = compile_program(p)\n"
    f"    print(c.flags, sorted(c.groupindex.items()), [[m.span(), m.groupdict()] for t in {TEXTS!r} for m in c.finditer(t)])\n"
)


def _expected() -> str:
    out = []
    for p in PATTERNS:
        c = regex.compile(p)
        out.append(f"{c.flags} {sorted(c.groupindex.items())} {[[m.span(), m.groupdict()] for t in TEXTS for m in c.finditer(t)]}")
    return "\n".join(out) + "\n"


@pytest.mark.cli
def test_a_stored_program_matches_as_the_compiled_pattern(tmp_path):
    first = _run(_PROBE, tmp_path)  # compiles and stores
    assert first.returncode == 0, first.stderr
    [store] = list(tmp_path.glob("regex-programs-*.marshal"))
    stamp = store.stat().st_mtime_ns
    second = _run(_PROBE, tmp_path)  # builds every pattern from the store
    assert second.returncode == 0, second.stderr
    assert first.stdout == second.stdout == _expected()
    assert store.stat().st_mtime_ns == stamp  # nothing new: not rewritten


@pytest.mark.cli
def test_a_damaged_store_is_ignored_and_replaced(tmp_path):
    assert _run(_PROBE, tmp_path).returncode == 0
    [store] = list(tmp_path.glob("regex-programs-*.marshal"))
    data = bytearray(store.read_bytes())
    data[-40] ^= 0xFF  # one flipped byte inside an opcode list: the digest no longer matches
    store.write_bytes(bytes(data))
    again = _run(_PROBE, tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout == _expected()
    assert store.read_bytes() != bytes(data)  # compiled afresh and written again


def test_a_bad_pattern_still_fails_with_the_regex_error():
    from planparse.grammar.programs import compile_program

    with pytest.raises(regex.error):
        compile_program("(?P<x>unclosed")
    assert compile_program("ok+").fullmatch("okk")  # the engine is back in place after the failure
