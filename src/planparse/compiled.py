"""planparse's optional compiled part: `_speedups`, C twins of its hottest loops (the PDF reader's
per-character work, the word-frequency look-up; `_speedups.c`, built by `pip install` where a C compiler
and Python's headers are present), and `_glyph_cache`, a cache of glyph metrics inside pdfium
(`_glyph_cache.c`: on Linux, the same characters' boxes at a fraction of pdfium's cost).

Without it (no compiler at install time, or PLANPARSE_PURE_PYTHON set to anything but "" or "0") each
caller runs its Python code, which gives the same results more slowly: the tests compare the two.
Callers look the module up when they run (`SPEEDUPS`, or `with_pdfium()` for the functions that call
pdfium), so a test can set `SPEEDUPS` to None. The glyph cache is put in place by the PDF reader
(`cache_glyph_metrics()`); PLANPARSE_GLYPH_CACHE=0 (or PLANPARSE_PURE_PYTHON) leaves pdfium as it is.
"""
from __future__ import annotations

import os
from types import ModuleType

__all__ = ["GLYPH_CACHE", "GLYPH_CACHE_VARIABLE", "PURE_PYTHON_VARIABLE", "SPEEDUPS", "address", "cache_glyph_metrics",
           "put_glyph_cache_back", "with_pdfium"]

PURE_PYTHON_VARIABLE = "PLANPARSE_PURE_PYTHON"
GLYPH_CACHE_VARIABLE = "PLANPARSE_GLYPH_CACHE"


def _load() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ImportError:
        return None
    return _speedups


SPEEDUPS: ModuleType | None = _load()


def _load_glyph_cache() -> ModuleType | None:
    if SPEEDUPS is None or os.environ.get(GLYPH_CACHE_VARIABLE, "") == "0":
        return None
    try:
        from . import _glyph_cache
    except ImportError:
        return None
    return _glyph_cache


GLYPH_CACHE: ModuleType | None = _load_glyph_cache()
_glyph_cache_asked = False


# whether pdfium's functions are bound: None not yet asked, True bound, False this pypdfium2 lacks one
_bound: bool | None = None


def address(pointer) -> int:
    """The address a ctypes pointer or function holds, as the compiled functions take it."""
    import ctypes

    return ctypes.cast(pointer, ctypes.c_void_p).value


def with_pdfium() -> ModuleType | None:
    """SPEEDUPS with pdfium's functions bound (once: the addresses of the library pypdfium2 loaded; its
    import is left to the first PDF), or None."""
    global _bound
    twin = SPEEDUPS
    if twin is None or _bound:
        return twin
    if _bound is False:
        return None
    import pypdfium2.raw as pdfium_c

    try:
        twin.bind({name: address(getattr(pdfium_c, name)) for name in twin.PDFIUM_FUNCTIONS},
                  pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM)
    except (AttributeError, KeyError, ValueError, TypeError) as e:
        # a pypdfium2 without one of the functions: its PDFs are read by the Python code
        import logging

        logging.getLogger(__name__).debug("compiled PDF reader not bound (%s): the Python code reads PDFs", e)
        _bound = False
        return None
    _bound = True
    return twin


def cache_glyph_metrics() -> bool:
    """The glyph cache in front of pdfium's FreeType from now on (asked once a process; a test may take it
    out and put it back with GLYPH_CACHE itself): True when it is in place."""
    global _glyph_cache_asked
    cache = GLYPH_CACHE
    if cache is None:
        return False
    if not _glyph_cache_asked:
        _glyph_cache_asked = True
        if not put_glyph_cache_back():
            import logging

            logging.getLogger(__name__).debug("glyph cache not installed: pdfium measures every glyph itself")
    return bool(cache.stats()["installed"])


def put_glyph_cache_back() -> bool:
    """The glyph cache in front of the FreeType of the pdfium pypdfium2 loaded (again, after
    GLYPH_CACHE.uninstall(): a test or a benchmark of pdfium as it comes): True when it is in place."""
    if GLYPH_CACHE is None:
        return False
    import pypdfium2.raw as pdfium_c

    return bool(GLYPH_CACHE.install(address(pdfium_c.FPDF_LoadPage)))
