"""planparse: Chinese government policy documents → clause tree, targets, deadlines, agencies (JSON).

    >>> import planparse
    >>> doc = planparse.extract("plan.pdf")                  # doctest: +SKIP
    >>> findings = planparse.check("draft.docx", select="PP0")  # doctest: +SKIP

`extract`, `compare` and `check` are described in docs/api.md; the models they return are the
output contract (docs/output-contract.md). Names are imported on first use, so that `import planparse`
(and the CLI's start) stays quick.
"""
# no `from __future__ import annotations` here: it would be a public-looking `planparse.annotations`
import sys
import types
from typing import TYPE_CHECKING

from .errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedError,
    GrammarError,
    InputError,
    MissingFileError,
    NoTextLayerError,
    OcrUnavailableError,
    PlanparseError,
    UnknownFormatError,
    UsageError,
)

if TYPE_CHECKING:
    from .api import check, compare, extract
    from .check.core import Finding
    from .check.registry import Rule
    from .compare.models import Chain, Comparison
    from .models import (
        Agencies,
        AgencyMention,
        AgencyName,
        Annex,
        CitedDocument,
        Clause,
        Deadline,
        Document,
        Measure,
        Meta,
        PageInfo,
        Source,
        Table,
        Target,
        Task,
        Warning,
    )

__version__ = "0.1.0"

# name -> the module that defines it
_LAZY = {
    "extract": "api", "compare": "api", "check": "api",
    **{name: "models" for name in (
        "Document", "Source", "PageInfo", "Meta", "CitedDocument", "Clause", "Target", "Measure", "Deadline",
        "Agencies", "AgencyName", "AgencyMention", "Task", "Table", "Annex", "Warning")},
    "Comparison": "compare.models", "Chain": "compare.models",
    "Finding": "check.core", "Rule": "check.registry",
}

__all__ = [
    "__version__", "extract", "compare", "check",
    # the output contract
    "Document", "Source", "PageInfo", "Meta", "CitedDocument", "Clause", "Target", "Measure", "Deadline",
    "Agencies", "AgencyName", "AgencyMention", "Task", "Table", "Annex",
    # `Warning` is exported too, but left out of `import *`: it would hide the builtin Warning
    "Comparison", "Chain", "Finding", "Rule",
    # errors
    "PlanparseError", "InputError", "MissingFileError", "EmptyFileError", "UnknownFormatError", "EncryptedError",
    "CorruptFileError", "NoTextLayerError", "OcrUnavailableError", "UsageError", "GrammarError",
]


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'planparse' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), name)
    setattr(sys.modules[__name__], name, value)
    return value


def __dir__() -> list[str]:
    """The public names (what completion offers), not the helpers this module imports."""
    return sorted({*__all__, *_LAZY})


class _Package(types.ModuleType):
    """`planparse.compare` and `planparse.check` are the API's functions. Importing the subpackages of
    the same names would otherwise rebind them on this module (the import system sets a loaded
    submodule as an attribute of its parent); the subpackages stay reachable by `from planparse.check
    import …` and in sys.modules."""

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("compare", "check") and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
