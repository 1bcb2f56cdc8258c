"""The word dictionary: built once into the cache directory, and place names read from it as jieba's
tagger reads them (made-up names of the usual shapes)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
@pytest.mark.slow
@pytest.mark.cli
def test_the_merged_dictionary_is_built_once_into_the_cache_directory(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), PLANPARSE_CACHE_DIR=str(tmp_path / "cache"))
    code = "from planparse import words; print(words.cut('推进非化石能源消费比重和省工业和信息化厅工作'))"
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert "'非化石能源消费比重'" in first.stdout and "'省工业和信息化厅'" in first.stdout  # the grammars' words
    files = sorted(p.suffix for p in (tmp_path / "cache").iterdir())
    # merged dictionary, its place names and verbs, jieba's parsed form, and its frequency table as a
    # memory-mappable index (what later processes read instead of jieba's parsed form); the grammars'
    # compiled patterns (grammar/programs.py) and the validated grammar set (grammar/load.py)
    assert files == [".cache", ".dict", ".freqindex", ".freqkeys", ".freqtotal", ".marshal", ".pickle", ".places", ".verbs"]
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()}
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert second.stdout == first.stdout
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "cache").iterdir()} == stamps  # read, not rebuilt


def test_only_the_newest_word_sets_stay_in_the_cache(tmp_path):
    # Each edit of an analyst's word lists makes a new merged dictionary and its tables (~15 MB; a 10 MB
    # grammar's ~650 MB): the cache keeps the newest few, the one just built always, and nothing else.
    from planparse import words

    suffixes = (".dict", ".places", ".verbs", ".cache", ".freqkeys", ".freqindex", ".freqtotal")
    for i in range(7):
        for suffix in suffixes:
            f = tmp_path / f"jieba-{i:016x}{suffix}"
            f.write_text("x", encoding="utf-8")
            os.utime(f, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "grammars-0.pickle").write_text("kept", encoding="utf-8")  # not a word set
    just_built = tmp_path / f"jieba-{0:016x}.dict"  # the oldest by its time stamp, but the one in use
    words._prune_word_sets(tmp_path, keep=just_built)
    left = sorted({p.name.split(".")[0] for p in tmp_path.glob("jieba-*")})
    assert left == [f"jieba-{i:016x}" for i in (0, 4, 5, 6)]
    assert all((tmp_path / f"jieba-{i:016x}{s}").exists() for i in (0, 4, 5, 6) for s in suffixes)
    assert (tmp_path / "grammars-0.pickle").exists()


@pytest.mark.parametrize("name", ["南通海关", "江苏海事局", "苏州市发展改革委", "县交通运输局", "各街道", "某某镇人民政府",
                                  "张家港保税区", "生态环境局", "港闸区住建局", "连云港"])
def test_place_names_agree_with_the_tagger(name):
    from planparse import words

    expected = next((w.flag == "ns" and len(w.word) >= 2 for w in words._tagger().lcut(name)), False)
    assert words.starts_with_place(name) == expected


# Made-up phrases of the shapes the targets and agencies stages ask about: dictionary words, runs of
# single characters only the HMM cuts (names the dictionary lacks), digits and Latin letters.
_PHRASES = ["加快培育", "到2025年建成", "全面推进VOCs治理", "力争打造", "新建充电桩3000个", "鄂湘赣皖协同推进",
            "滇黔桂苏浙沪", "着力引育", "区住建局牵头", "完成 PM2.5 监测", "累计达到", "推动昆玉楚雄"]


@pytest.mark.parametrize("text", _PHRASES)
def test_the_light_tagger_gives_jiebas_words_and_tags(text):
    from planparse import words

    tagger = words._tagger()
    light = [(w, tagger.word_tag_tab.get(w, "x") if flag is None else flag)
             for w, flag in words._tagged(text, words.tokenizer())]
    assert light == [(p.word, p.flag) for p in tagger.lcut(text)]
    last = tagger.lcut(text[-8:])[-1]
    assert words.ends_with_verb(text) == last.flag.startswith("v")


@pytest.mark.slow
@pytest.mark.cli
def test_verbs_and_places_are_answered_without_jiebas_tagger():
    """The tagger's tables cost ~110 MB: asking about verbs and places, HMM runs included, loads none of them."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    code = ("import sys; from planparse import words; "
            "r = [words.ends_with_verb(t) for t in ('加快培育', '到2025年建成', '推动昆玉楚雄')]; "
            "r.append(words.starts_with_place('昆玉楚雄联合办公室')); "
            "print(r, any(m.startswith('jieba.posseg') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[True, True, False, False] False"
