"""Batch step 2, run: engines that process the documents. One module per engine."""
from __future__ import annotations

from .base import Engine, Record
from .pool import PoolEngine

__all__ = ["Engine", "PoolEngine", "Record"]
