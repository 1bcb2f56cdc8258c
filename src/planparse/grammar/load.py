"""Load, merge and validate the TOML files of a grammar directory.

A second directory (``--grammars``) adds to or overrides the bundled one: tables merge key by key, lists
are extended (the analyst's entries first), scalars replaced.
"""
from __future__ import annotations

import functools
import tomllib
from typing import Any
from pathlib import Path

from pydantic import BaseModel, ValidationError

from ..errors import GrammarError
from .schema import (AgencyRules, CheckRules, DeadlineRules, Grammars, Layout, Lexicon, MeasureRules, MetaRules, MetricRules, Numbering, TableRules,
                     TargetRules, UnitRules, PlaceRules, CitationRules)


def per_grammar_set(build):
    """Decorator: `build(g)` runs once per loaded grammar set (the regexes a stage compiles from its word
    lists), not once per document or sentence; what it builds is kept by the grammar set itself."""

    @functools.wraps(build)
    def once(g):
        return g.built(build)

    return once


def bundled_grammars_dir() -> Path:
    """`grammars/` of the source tree, or its installed copy `planparse/_grammars`."""
    here = Path(__file__).resolve().parent.parent  # the planparse package
    for cand in (here.parent.parent / "grammars", here / "_grammars"):
        if (cand / "numbering.toml").is_file():
            return cand
    try:
        import planparse._grammars as pkg  # installed wheel: package-dir mapping

        return Path(pkg.__path__[0])
    except (ImportError, AttributeError, IndexError):
        raise GrammarError("bundled grammars not found (reinstall planparse)") from None


# Each rule file and the attribute of `Grammars` it fills.
FILE_MODELS: dict[str, tuple[str, type[BaseModel]]] = {
    "layout.toml": ("layout", Layout),
    "numbering.toml": ("numbering", Numbering),
    "meta.toml": ("meta", MetaRules),
    "targets.toml": ("targets", TargetRules),
    "deadlines.toml": ("deadlines", DeadlineRules),
    "agencies.toml": ("agencies", AgencyRules),
    "units.toml": ("units", UnitRules),
    "agency_lexicon.toml": ("lexicon", Lexicon),
    "tables.toml": ("tables", TableRules),
    "metrics.toml": ("metrics", MetricRules),
    "measures.toml": ("measures", MeasureRules),
    "places.toml": ("places", PlaceRules),
    "citations.toml": ("citations", CitationRules),
    "check.toml": ("check", CheckRules),
}


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        out = dict(base)
        for k, v in extra.items():
            out[k] = _merge(base[k], v) if k in base else v
        return out
    if isinstance(base, list) and isinstance(extra, list):
        return extra + base  # an analyst's rules are tried first
    return extra


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise GrammarError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise GrammarError(f"{path}: cannot read: {e.strerror}") from None


def _describe(err: ValidationError, path: Path) -> str:
    first = err.errors()[0]
    loc = ".".join(str(x) for x in first["loc"])
    return f"{path}: entry {loc}: {first['msg']} ({err.error_count()} error(s))"


@functools.lru_cache(maxsize=8)
def load_grammars(extra_dir: str | None = None) -> Grammars:
    """Bundled grammars, plus (merged over them) the files of `extra_dir`."""
    base_dir = bundled_grammars_dir()
    dirs = [base_dir] + ([Path(extra_dir)] if extra_dir else [])
    if extra_dir and Path(extra_dir).exists() and not Path(extra_dir).is_dir():
        raise GrammarError(f"{extra_dir}: is a file; --grammars needs a directory of rule files (numbering.toml, targets.toml, …)")
    if extra_dir and not Path(extra_dir).is_dir():
        raise GrammarError(f"{extra_dir}: grammar directory not found")
    if extra_dir:
        _refuse_oversized(Path(extra_dir))
    key = _validated_key(dirs)
    cached = _read_validated(key) if key else None
    if cached is not None:
        return cached
    g = _validate(dirs, base_dir, extra_dir)
    if key:
        _write_validated(key, g)
    return g


# The most an analyst's grammar directory may hold (its rule files and userdict.txt together): building a
# grammar set costs far more than its size (a 1 MB agency lexicon: about 16 s and 700 MB the first time,
# 1 s and 60 MB in every later process, from the cache below; 10 MB: 200 s and 5.5 GB, then 13 s and
# 800 MB in every batch worker). The bundled grammars are about 150 kB.
MAX_USER_GRAMMAR_BYTES = 1024 * 1024


def _refuse_oversized(directory: Path) -> None:
    try:
        total = sum(f.stat().st_size for f in directory.iterdir() if f.suffix == ".toml" or f.name == "userdict.txt")
    except OSError:
        return  # reading the files reports what is wrong with them
    if total > MAX_USER_GRAMMAR_BYTES:
        raise GrammarError(f"{directory}: its rule files hold {total / 2**20:.1f} MB; a grammar directory may hold "
                           f"at most {MAX_USER_GRAMMAR_BYTES // 2**20} MB (README: Limits)")


# A grammar set validated once is kept in the cache directory, as the word dictionary and the compiled
# patterns are: validating it builds a pydantic schema for every rule model and checks every rule, about
# a fifth of a short document's cold extraction. Named by the digest of everything validation depends on
# (the rule files' bytes, the schema's source, pydantic's version); a changed file is a new name.
_SCHEMA_SOURCE = Path(__file__).with_name("schema.py")
_VALIDATED_KEPT = 8


def _validated_key(dirs: list[Path]) -> str | None:
    import hashlib

    import pydantic

    digest = hashlib.sha256(f"{pydantic.VERSION}|{[str(d) for d in dirs]}".encode())
    try:
        digest.update(_SCHEMA_SOURCE.read_bytes())
        for d in dirs:
            for f in sorted(d.iterdir()):
                if f.suffix == ".toml" or f.name == "userdict.txt":
                    digest.update(f"|{f.name}|".encode() + f.read_bytes())
    except OSError:
        return None  # validated afresh; an unreadable file is then reported as such
    return digest.hexdigest()[:24]


def _validated_path(key: str) -> Path:
    from .programs import cache_dir

    return cache_dir() / f"grammars-{key}.pickle"


def _read_validated(key: str) -> Grammars | None:
    import pickle

    from .programs import own_file

    path = _validated_path(key)
    if not own_file(path):  # a pickle is code: only a file of ours that nobody else can write
        return None
    try:
        g = pickle.loads(path.read_bytes())
    except Exception:  # missing, damaged, or written by another version of a class: validate again
        return None
    return g if isinstance(g, Grammars) else None


def _write_validated(key: str, g: Grammars) -> None:
    import pickle

    from .programs import prune_cache, write_cache_file

    path = _validated_path(key)
    try:
        write_cache_file(path, pickle.dumps(g, protocol=pickle.HIGHEST_PROTOCOL))
        prune_cache(path.parent, "grammars-*.pickle", path, _VALIDATED_KEPT)
    except Exception:
        pass  # a cache: the next process validates again


def _validate(dirs: list[Path], base_dir: Path, extra_dir: str | None) -> Grammars:
    data: dict[str, Any] = {}
    for name, (key, model) in FILE_MODELS.items():
        merged: Any = None
        source = None
        for d in dirs:
            f = d / name
            if f.is_file():
                raw = _read_toml(f)
                merged = raw if merged is None else _merge(merged, raw)
                source = f
        if merged is None:
            raise GrammarError(f"{base_dir / name}: required grammar file missing")
        try:
            data[key] = model.model_validate(merged)
        except ValidationError as e:
            raise GrammarError(_describe(e, source)) from None
    unknown = [f.name for d in dirs[1:] for f in d.glob("*.toml") if f.name not in FILE_MODELS]
    if unknown:
        raise GrammarError(f"{extra_dir}: unknown grammar file(s) {', '.join(sorted(unknown))}")
    userdict: list[str] = []
    for d in dirs:
        f = d / "userdict.txt"
        if f.is_file():
            userdict += [ln.strip() for ln in f.read_text(encoding="utf-8").splitlines() if ln.strip() and not ln.startswith("#")]
    return Grammars(directory=str(dirs[-1]), userdict_lines=userdict, **data)
