"""Rules kept as data: every example runs, extra grammar files change the output, bad rules fail early."""
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planparse.cli import app
from planparse.errors import GrammarError
from planparse.grammar import load_grammars
from planparse.grammar.check import _subset
from planparse.grammar_examples import EXAMPLE_OWNERS, check_grammars, grammar_examples
from planparse.pipeline import extract_file

EXAMPLES = grammar_examples()


@pytest.mark.parametrize("where,example,fn", EXAMPLES, ids=[f"{w}:{e.input[:20]}" for w, e, _ in EXAMPLES])
def test_grammar_example(where, example, fn):
    assert _subset(example.expect, fn(example.input)), f"{where}: {example.input!r}"


def test_there_are_examples_for_every_rule_file():
    files = {w.split()[0] for w, _, _ in EXAMPLES}
    assert {"layout.toml", "numbering.toml", "meta.toml", "units.toml", "targets.toml", "deadlines.toml", "agencies.toml", "tables.toml"} <= files


def test_every_module_that_owns_examples_is_listed():
    """grammar_examples names the modules whose runners it needs; one that registers a runner and is not
    named would run only when something else happened to import it."""
    import re

    from planparse.grammar.check import registered_runners

    src = Path(__file__).resolve().parents[1] / "src"
    with_runner = {".".join(f.relative_to(src).with_suffix("").parts)
                   for f in src.rglob("*.py") if re.search(r"^@example_runner", f.read_text(encoding="utf-8"), re.M)}
    listed = {m.__name__ for m in EXAMPLE_OWNERS}
    assert with_runner == listed
    assert {r.__module__ for r in registered_runners()} <= listed


def test_grammars_check_command_passes_on_bundled_grammars():
    result = CliRunner().invoke(app, ["grammars", "check"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 failed")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_extra_grammar_file_adds_a_unit(tmp_path):
    doc = _write(tmp_path / "plan.txt", "一、主要目标\n到2025年，全市港口集装箱吞吐量达到500标箱以上。\n")
    before = extract_file(doc)
    assert before.clauses[0].targets == []
    extra = tmp_path / "g"
    extra.mkdir()
    _write(extra / "units.toml", '[[units]]\nunit = "标箱"\nkind = "count"\n')
    load_grammars.cache_clear()
    after = extract_file(doc, grammars_dir=extra)
    [t] = after.clauses[0].targets
    assert (t.value, t.unit, t.comparator, t.target_year) == (500, "标箱", ">=", 2025)


def test_extra_lexicon_alias_gives_a_canonical_name(tmp_path):
    doc = _write(tmp_path / "plan.txt", "一、主要任务\n（一）加强监管。加强监督检查。（市城管委牵头，市公安局配合）\n")
    extra = tmp_path / "g"
    extra.mkdir()
    _write(extra / "agency_lexicon.toml", '[[agencies]]\ncanonical = "城市管理委员会"\naliases = ["城管委"]\n')
    [ag] = extract_file(doc, grammars_dir=extra).clauses[1].agencies
    assert ag.lead == ["市城管委"] and ag.canonical["市城管委"] == "市城市管理委员会"
    assert ag.support == ["市公安局"]


def test_invalid_regex_names_the_file_and_entry(tmp_path):
    extra = tmp_path / "bad"
    extra.mkdir()
    _write(extra / "layout.toml", "[[furniture]]\npattern = '([unclosed'\n")
    with pytest.raises(GrammarError) as e:
        load_grammars(str(extra))
    msg = str(e.value)
    assert "layout.toml" in msg and "furniture" in msg and "invalid regular expression" in msg


def test_bad_rule_exits_2_with_one_line(tmp_path):
    extra = tmp_path / "bad"
    extra.mkdir()
    _write(extra / "deadlines.toml", '[[rules]]\nname = "x"\npattern = "尽快"\nkind = "someday"\n')
    result = CliRunner().invoke(app, ["grammars", "check", str(extra)])
    assert result.exit_code == 2
    assert "deadlines.toml" in result.output and "kind" in result.output


def test_unknown_grammar_file_is_rejected(tmp_path):
    extra = tmp_path / "g"
    extra.mkdir()
    _write(extra / "untis.toml", "")
    with pytest.raises(GrammarError, match="unknown grammar file"):
        load_grammars(str(extra))


def test_failing_example_is_reported(tmp_path):
    extra = tmp_path / "g"
    extra.mkdir()
    _write(extra / "units.toml", '[[units]]\nunit = "标台"\nexamples = [{ input = "500标台", expect = "辆" }]\n')
    failures, total = check_grammars(extra)
    assert total > 50 and len(failures) == 1 and "标台" in str(failures[0])


def test_jieba_keeps_grammar_words_whole():
    from planparse.words import cut

    assert "非化石能源消费比重" in cut("到2025年非化石能源消费比重达20%左右")
    assert "省工业和信息化厅" in cut("省发展改革委、省工业和信息化厅牵头")
