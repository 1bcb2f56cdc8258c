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


# A document's extraction makes a few hundred objects a line (strings, matches, spans) and frees them by
# reference counting: almost none is part of a cycle. At the default threshold (700) the collector walks
# the young generation every 700 of them, and every tenth time the older one too, for nothing (a pass
# over the 21 real PDFs: 97 collections, 26 ms; at 20,000: 15, 11 ms). Fewer collections cost a few MB.
YOUNG_THRESHOLD = 20_000
_fewer_lock = threading.Lock()
_fewer_depth = [0, 0]  # documents under way in any thread; the threshold they found


@contextlib.contextmanager
def fewer_collections():
    """The young generation collected every YOUNG_THRESHOLD objects (unless the process collects more
    rarely already) while the block runs, then as before; nested and threaded blocks share one change."""
    with _fewer_lock:
        if _fewer_depth[0] == 0:
            young, *older = gc.get_threshold()
            _fewer_depth[1] = young
            if 0 < young < YOUNG_THRESHOLD:
                gc.set_threshold(YOUNG_THRESHOLD, *older)
        _fewer_depth[0] += 1
    try:
        yield
    finally:
        with _fewer_lock:
            _fewer_depth[0] -= 1
            if _fewer_depth[0] == 0 and gc.get_threshold()[0] == YOUNG_THRESHOLD != _fewer_depth[1]:
                gc.set_threshold(_fewer_depth[1], *gc.get_threshold()[1:])


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
_FUNCTIONS: dict[str, frozenset[str]] = {}  # package -> its functions a lookup may take before its body runs


class _DeferredPackage(types.ModuleType):
    """A package whose `__init__` has not run yet: its submodules import as usual (the package's
    `__path__` is there), and the first name looked up that is not there runs the `__init__` (but for
    the functions named to defer_package_body: `from package import function` takes a stand-in that
    runs it at the first call)."""

    def __getattr__(self, attr: str):
        if type(self) is _DeferredPackage and attr in _FUNCTIONS.get(self.__name__, ()):
            return _called_later(self, attr)
        _run_body(self, attr)
        return getattr(self, attr)


def _run_body(module: types.ModuleType, asked: str) -> None:
    with _body_lock:  # another thread waits for the body rather than find the package half-run
        if module.__dict__.get("_body_running"):  # the body itself asks (hasattr): not there yet
            raise AttributeError(asked)
        if type(module) is _DeferredPackage:
            module.__dict__["_body_running"] = True
            try:
                module.__spec__.loader.exec_module(module)
            finally:
                del module.__dict__["_body_running"]
                module.__class__ = types.ModuleType  # a plain module from now on: no second run


def _called_later(module: types.ModuleType, name: str):
    def call(*args, **kwargs):
        _run_body(module, name)
        return getattr(module, name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module.__name__}.{name}, whose package runs its body at the first call"
    return call


def defer_package_body(name: str, functions: tuple[str, ...] = ()) -> None:
    """Let `import name.sub` load `sub` without running the package's `__init__` until the package
    itself is used; `from name import f` of one of `functions` takes a stand-in for `f` that runs the
    `__init__` when it is first called.

    The command line needs it for two packages pydantic imports and a command never uses. On Python
    < 3.13 typing_extensions' `@deprecated` does `import asyncio.coroutines` when it marks a function,
    and pydantic_core marks a few at import: every start-up ran asyncio's `__init__` (its event loops,
    futures, streams, ssl: ~30 ms of a short document's 0.4 s CPU) for the one small submodule it
    reads. pydantic's plugin loader imports `importlib.metadata` (`from importlib.metadata import
    entry_points` since pydantic 2.14), whose `__init__` imports email, zipfile, socket and more
    (~15 ms), and calls `entry_points` only when plugins are on. Anything that later uses either
    package itself (`asyncio.run`, `importlib.metadata.version`) runs its `__init__` then."""
    if name in sys.modules:
        return
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or spec.submodule_search_locations is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    _FUNCTIONS[name] = frozenset(functions)
    module.__class__ = _DeferredPackage
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system binds a submodule it loads (`import importlib.metadata` reads it there)
        setattr(sys.modules[parent], child, module)
