"""The stages' numeric thresholds are grammar keys: the bundled files spell out each one, an analyst's
directory overrides it, and a value that cannot work is refused when the grammars load."""
import tomllib
from pathlib import Path

import pytest

from planparse.errors import GrammarError
from planparse.extraction.measures import measures_in_sentence
from planparse.extraction.targets import targets_in_sentence
from planparse.grammar import load_grammars
from planparse.grammar.load import bundled_grammars_dir
from planparse.segment import _inline_starts

BUNDLED = load_grammars(None)
THRESHOLDS = {
    "measures.toml": ("measures", ["before_window", "recipient_max_chars"]),
    "targets.toml": ("targets", ["clause_max_chars", "not_target_before_window"]),
    "numbering.toml": ("numbering", ["inline_after_window"]),
    "tables.toml": ("tables", ["row_number_gap_max", "short_cell_max_atoms", "header_word_max_width"]),
}


def _with(tmp_path: Path, name: str, text: str):
    (tmp_path / name).write_text(text, encoding="utf-8")
    return load_grammars(str(tmp_path))


@pytest.mark.parametrize("name", sorted(THRESHOLDS))
def test_every_threshold_is_written_in_its_bundled_file_with_the_schema_default(name):
    attr, keys = THRESHOLDS[name]
    written = tomllib.loads((bundled_grammars_dir() / name).read_text(encoding="utf-8"))
    model = type(getattr(BUNDLED, attr))
    for key in keys:
        assert written[key] == model.model_fields[key].default, (name, key)


def test_a_longer_clause_than_recipient_max_chars_names_no_recipient(tmp_path):
    sentence = "对首次认定的高新技术企业，给予一次性奖励30万元。"
    assert [m.recipient for m in measures_in_sentence(sentence, BUNDLED)] == ["首次认定的高新技术企业"]
    tight = _with(tmp_path, "measures.toml", "recipient_max_chars = 4\n")
    assert [m.recipient for m in measures_in_sentence(sentence, tight)] == [None]


def test_not_target_before_reads_only_its_window(tmp_path):
    sentence = "到2025年，工业用地占比不低于25%，全省排名进入前5位。"
    assert [t.value for t, _, _ in targets_in_sentence(sentence, BUNDLED, 2023)] == [25.0]
    blind = _with(tmp_path, "targets.toml", "not_target_before_window = 0\n")
    assert [t.value for t, _, _ in targets_in_sentence(sentence, blind, 2023)] == [25.0, 5.0]


def test_inline_after_reads_only_its_window(tmp_path):
    para = "为深入贯彻落实有关要求，制定本方案。一、总体要求到2025年，全市空气质量持续改善。二、重点任务（一）优化产业结构。"
    assert _inline_starts(para, BUNDLED) == [para.index("一、"), para.index("二、"), para.index("（一）")]
    blind = _with(tmp_path, "numbering.toml", "inline_after_window = 0\n")
    assert _inline_starts(para, blind) == []


def test_a_threshold_that_cannot_work_is_refused_with_its_file_named(tmp_path):
    with pytest.raises(GrammarError, match=r"tables\.toml.*short_cell_max_atoms"):
        _with(tmp_path, "tables.toml", "short_cell_max_atoms = 0\n")
