"""Late imports, one way: `lazy("planparse.pipeline")` is a module whose import happens at its first
attribute access. The CLI names every module it may need at its top, so a command loads only what it
runs (`--help` and `schema` never import the stages, the PDF readers or jinja2)."""
from __future__ import annotations

import contextlib
import gc
import importlib
import sys
import threading
import types


@contextlib.contextmanager
def collector_paused():
    """No garbage collection while modules import: what an import makes lives as long as the process
    (classes, schemas, compiled patterns), and the collector would walk it again and again for nothing
    (the stages' imports make a few hundred thousand objects: ~5% of a short document's start-up)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class LazyModule(types.ModuleType):
    """Stands for a module until something is looked up in it, then for good (the lookup is cached)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.__dict__["_lazy_target"] = name

    def __getattr__(self, attr: str):
        module = sys.modules.get(self._lazy_target)
        if module is None:
            with collector_paused():
                module = importlib.import_module(self._lazy_target)
        value = getattr(module, attr)
        self.__dict__[attr] = value  # later lookups never reach __getattr__
        return value

    def __repr__(self) -> str:
        loaded = "loaded" if self._lazy_target in sys.modules else "not yet imported"
        return f"<lazy module {self._lazy_target!r} ({loaded})>"


def lazy(name: str) -> types.ModuleType:
    """The module `name` if it is imported already, else a stand-in that imports it when first used."""
    return sys.modules.get(name) or LazyModule(name)


_body_lock = threading.RLock()


class _DeferredPackage(types.ModuleType):
    """A package whose `__init__` has not run yet: its submodules import as usual (the package's
    `__path__` is there), and the first name looked up that is not there runs the `__init__`."""

    def __getattr__(self, attr: str):
        with _body_lock:  # another thread waits for the body rather than find the package half-run
            if self.__dict__.get("_body_running"):  # the body itself asks (hasattr): not there yet
                raise AttributeError(attr)
            if type(self) is _DeferredPackage:
                self.__dict__["_body_running"] = True
                try:
                    self.__spec__.loader.exec_module(self)
                finally:
                    del self.__dict__["_body_running"]
                    self.__class__ = types.ModuleType  # a plain module from now on: no second run
        return getattr(self, attr)


def defer_package_body(name: str) -> None:
    """Let `import name.sub` load `sub` without running the package's `__init__` until the package
    itself is used.

    The command line needs it for one package: on Python < 3.13 typing_extensions' `@deprecated`
    does `import asyncio.coroutines` when it marks a function, and pydantic_core marks a few at import,
    so every start-up ran asyncio's `__init__` (its event loops, futures, streams, ssl: ~30 ms of a
    short document's 0.4 s CPU) for the one small submodule it reads. Anything that later uses
    `asyncio` itself (`asyncio.run`, `from asyncio import ...`) runs the `__init__` then."""
    if name in sys.modules:
        return
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _DeferredPackage
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system binds a submodule it loads (`import importlib.metadata` reads it there)
        setattr(sys.modules[parent], child, module)
