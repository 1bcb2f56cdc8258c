"""`planparse report`: self-contained HTML pages where every extracted fact sits on its text."""
from __future__ import annotations

from .index import IndexEntry, render_index
from .page import render_report

__all__ = ["render_report", "render_index", "IndexEntry"]
