"""Start-up without changing outputs (issue 24): jieba's frequency table read from a memory map, and
Chinese numerals read without importing cn2an for the common forms."""
import subprocess
import sys

import pytest

from planparse import words
from planparse.grammar import load_grammars
from planparse.numerals import chinese_number

cn2an = pytest.importorskip("cn2an")


def test_every_numeral_below_ten_thousand_reads_as_cn2an_reads_it():
    for n in range(1, 10000):
        written = cn2an.an2cn(n)
        for form in {written, written.replace("二千", "两千").replace("二百", "两百")}:
            assert chinese_number(form) == cn2an.cn2an(form, "smart") == n, form


@pytest.mark.parametrize("form", ["一万", "1.5万", "二〇二四", "三千五百万", "十"])
def test_other_forms_are_left_to_cn2an(form):
    assert chinese_number(form) == cn2an.cn2an(form, "smart")


@pytest.mark.parametrize("form", ["百", "三成", "", "abc"])
def test_a_word_that_is_no_number_raises_as_cn2an_does(form):
    with pytest.raises((ValueError, KeyError, TypeError)):
        chinese_number(form)


def test_the_mapped_frequency_table_answers_as_jiebas_own(tmp_path, monkeypatch):
    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path))
    fresh = load_grammars.__wrapped__  # a new grammar set each call: each owns its tokenizer
    first = words.tokenizer(fresh(None))  # builds the table (jieba's own loading, once)
    own = dict(first.FREQ)
    mapped = words.tokenizer(fresh(None))
    assert isinstance(mapped.FREQ, words.MappedFrequencies)
    assert len(mapped.FREQ) == len(own) and mapped.total == first.total
    sample = list(own.items())[:: max(1, len(own) // 2000)] + [("非化石能源消费比重", own.get("非化石能源消费比重"))]
    for word, freq in sample:
        assert mapped.FREQ.get(word) == freq and (word in mapped.FREQ)
    assert mapped.FREQ.get("不是一个词语吧") is None and "不是一个词语吧" not in mapped.FREQ
    assert mapped.lcut("推进清洁能源替代工作", HMM=False) == first.lcut("推进清洁能源替代工作", HMM=False)
    # a damaged index (cut short) is not read: jieba's own loading answers the same
    [index] = tmp_path.glob("jieba-*.freqindex")
    index.write_bytes(index.read_bytes()[: index.stat().st_size // 2])
    with pytest.raises(ValueError):
        words.MappedFrequencies(index.with_suffix(".freqkeys"), index)
    rebuilt = words.tokenizer(fresh(None))
    assert not isinstance(rebuilt.FREQ, words.MappedFrequencies)
    assert rebuilt.lcut("推进清洁能源替代工作", HMM=False) == first.lcut("推进清洁能源替代工作", HMM=False)


def test_what_a_stage_builds_is_owned_by_its_grammar_set_not_keyed_by_id():
    from planparse.extraction.targets import _compiled

    a, b = load_grammars.__wrapped__(None), load_grammars.__wrapped__(None)
    assert _compiled(a) is _compiled(a) and _compiled(a) is not _compiled(b)
    assert words.tokenizer(a) is words.tokenizer(a) and words.tokenizer(a) is not words.tokenizer(b)


@pytest.mark.cli
def test_extracting_a_text_imports_neither_cn2an_nor_jiebas_marshal_cache():
    code = ("import sys; from planparse.pipeline import extract_file; extract_file('samples/000_1e3bdffa556e102e.txt');"
            "print('cn2an' in sys.modules)")
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120,
                         env={**__import__("os").environ, "PYTHONPATH": str(root / "src")})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("written,value", [("2024", 2024), ("二〇二四", 2024), ("二○二四", 2024), ("二零二四", 2024), ("十二", 12),
                                           ("三十一", 31), ("9", 9)])
def test_a_date_part_reads_the_same_for_meta_and_check(written, value):
    from planparse.numerals import written_int

    assert written_int(written) == value


def test_patterns_ask_the_clock_only_while_a_deadline_is_set():
    from planparse.grammar import timed
    from planparse.grammar.schema import compile_pattern

    p = compile_pattern("^(a|a)*$")
    assert isinstance(p, timed.TimedPattern) and timed._active[0] == 0
    assert p.match("aaa") is not None  # no deadline: straight to the compiled pattern
    with timed.deadline(0.2):
        assert timed._active[0] == 1
        with pytest.raises(timed.DeadlinePassed):
            p.match("a" * 40 + "b")  # backtracks catastrophically: stopped at the deadline
    assert timed._active[0] == 0


@pytest.mark.cli
@pytest.mark.parametrize("args, loaded, not_loaded", [
    (["--help"], [], ["planparse.pipeline", "planparse.ingest", "planparse.batch", "jinja2", "pypdfium2"]),
    (["schema"], ["planparse.models"], ["planparse.pipeline", "planparse.ingest", "jinja2"]),
    (["extract", "samples/000_1e3bdffa556e102e.txt"], ["planparse.pipeline"], ["planparse.batch", "planparse.check", "jinja2", "pypdfium2"]),
])
def test_a_command_imports_only_what_it_runs(args, loaded, not_loaded):
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = ("import sys, runpy; sys.argv = ['planparse'] + sys.argv[1:]\n"
            "try:\n    runpy.run_module('planparse.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "import json; print(json.dumps(sorted(sys.modules)), file=sys.stderr)")
    r = subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True, timeout=120)
    modules = set(__import__("json").loads(r.stderr.strip().splitlines()[-1]))
    assert all(m in modules for m in loaded), loaded
    assert not any(m in modules for m in not_loaded), sorted(m for m in not_loaded if m in modules)


def test_a_lazy_module_imports_its_target_on_first_use_only():
    from planparse.lazy import lazy

    name = "planparse.similarity"
    sys.modules.pop(name, None)
    stand_in = lazy(name)
    assert name not in sys.modules
    assert stand_in.bigrams("碳达峰") == ["碳达", "达峰"]  # the first lookup imports it
    assert name in sys.modules and lazy(name) is sys.modules[name]


def test_a_cache_directory_others_can_write_to_is_never_used(tmp_path, monkeypatch):
    # What the cache holds is loaded as code (compiled patterns, a pickle of the grammars): in a directory
    # another user can write to, anyone could plant it.
    from planparse.grammar.programs import cache_dir

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(shared))
    chosen = cache_dir()
    assert chosen != shared and not (chosen.stat().st_mode & 0o022)
    private = tmp_path / "private"
    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(private))
    assert cache_dir() == private and (private.stat().st_mode & 0o777) == 0o700


def test_a_cached_grammar_pickle_others_can_write_is_not_loaded(tmp_path, monkeypatch):
    import pickle

    from planparse.grammar import load as grammar_load

    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "cache"))
    planted = grammar_load._validated_path("k" * 24)
    planted.write_bytes(pickle.dumps(load_grammars.__wrapped__(None)))
    assert grammar_load._read_validated("k" * 24) is not None  # ours, 0644: loaded
    planted.chmod(0o666)
    assert grammar_load._read_validated("k" * 24) is None


def test_a_deferred_package_runs_its_body_only_when_itself_is_used(tmp_path, monkeypatch):
    from planparse.lazy import defer_package_body

    package = tmp_path / "deferred_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("import sys\nsys.deferred_pkg_ran = True\nfrom .heavy import HEAVY\n"
                                         "__all__ = ['HEAVY']\ndef double(x):\n    return 2 * x\n", encoding="utf-8")
    (package / "heavy.py").write_text("HEAVY = 'heavy'\n", encoding="utf-8")
    (package / "light.py").write_text("LIGHT = 'light'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        defer_package_body("deferred_pkg", functions=("double",))
        import deferred_pkg.light
        from deferred_pkg import double  # a named function: a stand-in, the body still not run

        assert deferred_pkg.light.LIGHT == "light" and not hasattr(sys, "deferred_pkg_ran")
        assert double.__name__ == "double" and not hasattr(sys, "deferred_pkg_ran")
        assert double(21) == 42 and sys.deferred_pkg_ran is True  # its first call runs the body
        assert sys.modules["deferred_pkg"].double(2) == 4
        assert type(sys.modules["deferred_pkg"]).__name__ == "module" and deferred_pkg.light.LIGHT == "light"
        for name in [m for m in sys.modules if m.startswith("deferred_pkg")]:
            del sys.modules[name]
        del sys.deferred_pkg_ran

        defer_package_body("deferred_pkg")
        import deferred_pkg.light

        assert not hasattr(sys, "deferred_pkg_ran")
        namespace: dict = {}
        exec("from deferred_pkg import *", namespace)  # the first use of the package itself runs its body
        assert namespace["HEAVY"] == "heavy" and sys.deferred_pkg_ran is True
    finally:
        for name in [m for m in sys.modules if m.startswith("deferred_pkg")]:
            del sys.modules[name]
        if hasattr(sys, "deferred_pkg_ran"):
            del sys.deferred_pkg_ran


@pytest.mark.cli
def test_the_command_line_leaves_asyncio_and_importlib_metadata_unrun_and_both_still_work():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    code = ("import sys, runpy; sys.argv = ['planparse', 'extract', 'samples/000_1e3bdffa556e102e.txt', '-o', sys.argv[1]]\n"
            "try:\n    runpy.run_module('planparse.cli', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            "unrun = 'asyncio.base_events' not in sys.modules and 'email' not in sys.modules\n"
            "import asyncio, importlib.metadata\n"
            "async def seven():\n    return 7\n"
            "print(unrun, asyncio.run(seven()), importlib.metadata.version('pydantic') is not None)")
    out = root / "tests" / ".deferred-out.json"
    try:
        r = subprocess.run([sys.executable, "-c", code, str(out)], cwd=root, capture_output=True, text=True, timeout=120,
                           env={**__import__("os").environ, "PYTHONPATH": str(root / "src")})
        assert r.returncode == 0, r.stderr
        assert r.stdout.split() == ["True", "7", "True"]
        assert __import__("json").loads(out.read_text(encoding="utf-8"))["clauses"]
    finally:
        out.unlink(missing_ok=True)


def test_kept_data_is_built_once_then_loaded_and_a_tampered_file_is_built_again(tmp_path, monkeypatch):
    from planparse.grammar.programs import kept

    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def build():
        calls.append(1)
        return {"南通": ["320600"], "lengths": (2, 3)}

    assert kept("table", b"v1", build) == {"南通": ["320600"], "lengths": (2, 3)} and len(calls) == 1
    assert kept("table", b"v1", build) == {"南通": ["320600"], "lengths": (2, 3)} and len(calls) == 1  # loaded
    [written] = (tmp_path / "cache").glob("table-*.marshal")
    data = bytearray(written.read_bytes())
    data[-1] ^= 0xFF  # not what we wrote: the digest no longer matches
    written.write_bytes(bytes(data))
    assert kept("table", b"v1", build)["南通"] == ["320600"] and len(calls) == 2
    written.chmod(0o666)  # a file others can write is never loaded
    assert kept("table", b"v1", build) and len(calls) == 3
    for version in range(6):  # each new source writes a file; the four newest stay
        kept("table", f"v{version + 2}".encode(), build)
    assert len(list((tmp_path / "cache").glob("table-*.marshal"))) == 4


def test_the_place_index_from_the_cache_is_the_one_built_from_the_data(tmp_path, monkeypatch):
    from planparse import regions

    rules = load_grammars(None).places
    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "cache"))
    built = regions.PlaceIndex(rules)  # a fresh cache directory: built, and kept
    assert list((tmp_path / "cache").glob("place-index-*.marshal"))
    loaded = regions.PlaceIndex(rules)
    assert loaded.table == built.table and loaded.lengths == built.lengths
    assert [d.name for d in loaded.table["鼓楼区"]] == ["鼓楼区"] * len(loaded.table["鼓楼区"]) and len(loaded.table["鼓楼区"]) >= 3
    assert [d.code for d in loaded.table["江苏"]] == ["320000"]


def test_the_kept_t2s_characters_are_what_opencc_says_of_each_character(tmp_path, monkeypatch):
    from opencc import OpenCC

    from planparse import script

    monkeypatch.setenv("PLANPARSE_CACHE_DIR", str(tmp_path / "cache"))
    script._folded.cache_clear()
    try:
        built = script._folded()
        script._folded.cache_clear()
        loaded = script._folded()  # from the file this time
        assert loaded == built and list((tmp_path / "cache").glob("t2s-characters-*.marshal"))
        conv = OpenCC("t2s")
        for ch in "總體要求負責單位產業發展乾著說廣東省環境":
            expected = conv.convert(ch)
            assert loaded.get(ch, ch) == (expected if len(expected) == 1 else ch), ch
        assert loaded["總"] == "总" and "总" not in loaded and len(loaded) > 2000
    finally:
        script._folded.cache_clear()


def test_threads_that_first_use_a_deferred_package_together_all_see_it_whole(tmp_path, monkeypatch):
    import threading

    from planparse.lazy import defer_package_body

    package = tmp_path / "slow_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("import time\nFIRST = 1\ntime.sleep(0.2)\nLAST = 2\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    seen, errors = [], []

    def use():
        try:
            seen.append(sys.modules["slow_pkg"].LAST)
        except AttributeError as e:
            errors.append(e)

    try:
        defer_package_body("slow_pkg")
        threads = [threading.Thread(target=use) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == [] and seen == [2, 2, 2, 2]
        assert not hasattr(sys.modules["slow_pkg"], "_body_running")
    finally:
        sys.modules.pop("slow_pkg", None)
