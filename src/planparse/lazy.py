"""Late imports, one way: `lazy("planparse.pipeline")` is a module whose import happens at its first
attribute access. The CLI names every module it may need at its top, so a command loads only what it
runs (`--help` and `schema` never import the stages, the PDF readers or jinja2)."""
from __future__ import annotations

import importlib
import sys
import types


class LazyModule(types.ModuleType):
    """Stands for a module until something is looked up in it, then for good (the lookup is cached)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_target"] = name

    def __getattr__(self, attr: str):
        module = sys.modules.get(self._lazy_target) or importlib.import_module(self._lazy_target)
        value = getattr(module, attr)
        self.__dict__[attr] = value  # later lookups never reach __getattr__
        return value

    def __repr__(self) -> str:
        loaded = "loaded" if self._lazy_target in sys.modules else "not yet imported"
        return f"<lazy module {self._lazy_target!r} ({loaded})>"


def lazy(name: str) -> types.ModuleType:
    """The module `name` if it is imported already, else a stand-in that imports it when first used."""
    return sys.modules.get(name) or LazyModule(name)
