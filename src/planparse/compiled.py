"""planparse's optional compiled part: `_speedups`, C twins of its hottest loops (the PDF reader's
per-character work, the word-frequency look-up; `_speedups.c`, built by `pip install` where a C compiler
and Python's headers are present).

Without it (no compiler at install time, or PLANPARSE_PURE_PYTHON set to anything but "" or "0") each
caller runs its Python code, which gives the same results more slowly: the tests compare the two.
Callers look the module up when they run (`SPEEDUPS`, or `with_pdfium()` for the functions that call
pdfium), so a test can set `SPEEDUPS` to None.
"""
from __future__ import annotations

import os
from types import ModuleType

__all__ = ["PURE_PYTHON_VARIABLE", "SPEEDUPS", "address", "with_pdfium"]

PURE_PYTHON_VARIABLE = "PLANPARSE_PURE_PYTHON"


def _load() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ImportError:
        return None
    return _speedups


SPEEDUPS: ModuleType | None = _load()


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
