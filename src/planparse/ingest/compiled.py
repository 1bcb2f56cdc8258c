"""The reader's optional compiled part: `_glyphs`, C twins of the PDF reader's per-character loops
(`_glyphs.c`; built by `pip install` where a C compiler and Python's headers are present).

Without it (no compiler at install time, or PLANPARSE_PURE_PYTHON set to anything but "" or "0") the
reader runs its Python code, which gives the same results more slowly: the tests compare the two.
Callers look `GLYPHS` up when they run, so a test can set it to None.
"""
from __future__ import annotations

import os
from types import ModuleType

__all__ = ["GLYPHS", "PURE_PYTHON_VARIABLE"]

PURE_PYTHON_VARIABLE = "PLANPARSE_PURE_PYTHON"


def _load() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_VARIABLE, "") not in ("", "0"):
        return None
    try:
        from . import _glyphs
    except ImportError:
        return None
    return _glyphs


GLYPHS: ModuleType | None = _load()
