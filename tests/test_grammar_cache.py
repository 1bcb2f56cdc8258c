"""A validated grammar set is kept in the cache directory (grammar/load.py): a new process reads it
instead of validating every rule again, an analyst's edited rule file is validated afresh (and a bad
rule still fails naming its file), and a damaged cache file is ignored."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# what the grammar set says, and whether this process validated it (pydantic built the rule schemas)
_PROBE = (
    "import sys\n"
    "from planparse.errors import GrammarError\n"
    "from planparse.grammar import load_grammars\n"
    "from planparse.grammar.schema import Grammars\n"
    "try:\n"
    "    g = load_grammars(sys.argv[1] or None)\n"
    "except GrammarError as e:\n"
    "    print('error', e); raise SystemExit(0)\n"
    "print(Grammars.__pydantic_complete__, g.units.units[0].unit, len(g.deadlines.rules), g.deadlines.rules[0].pattern)\n"
)


def _probe(cache: Path, extra: str = "") -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PLANPARSE_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", _PROBE, extra], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_second_process_reads_the_validated_set_instead_of_validating(tmp_path):
    first = _probe(tmp_path)
    assert first.startswith("True ")  # validated
    assert len(list(tmp_path.glob("grammars-*.pickle"))) == 1
    second = _probe(tmp_path)
    assert second.startswith("False ")  # read from the cache: no rule schema was built
    assert second.split(" ", 1)[1] == first.split(" ", 1)[1]


def test_an_edited_rule_file_is_validated_afresh_and_a_bad_rule_still_fails(tmp_path):
    extra = tmp_path / "mine"
    extra.mkdir()
    rule = "[[rules]]\nname = \"mine\"\npattern = '{}'\nkind = \"date\"\nresolve = \"year_end\"\n"
    (extra / "deadlines.toml").write_text(rule.format("(?P<y>\\d{4})年收官"), encoding="utf-8")
    _probe(tmp_path / "cache", str(extra))
    assert _probe(tmp_path / "cache", str(extra)).endswith("(?P<y>\\d{4})年收官")  # the analyst's rule first
    (extra / "deadlines.toml").write_text(rule.format("(?P<y>\\d{4}年"), encoding="utf-8")  # unbalanced
    out = _probe(tmp_path / "cache", str(extra))
    assert out.startswith("error ") and "deadlines.toml" in out and "invalid regular expression" in out


def test_a_damaged_cache_file_is_ignored(tmp_path):
    first = _probe(tmp_path)
    [cached] = tmp_path.glob("grammars-*.pickle")
    cached.write_bytes(cached.read_bytes()[:1000])
    again = _probe(tmp_path)
    assert again.startswith("True ") and again.split(" ", 1)[1] == first.split(" ", 1)[1]


def test_only_the_latest_sets_are_kept(tmp_path):
    from planparse.grammar import load

    for i in range(load._VALIDATED_KEPT + 3):
        extra = tmp_path / f"mine{i}"
        extra.mkdir()
        (extra / "userdict.txt").write_text(f"某某词{i} 10 n\n", encoding="utf-8")
        _probe(tmp_path / "cache", str(extra))
    assert len(list((tmp_path / "cache").glob("grammars-*.pickle"))) == load._VALIDATED_KEPT
