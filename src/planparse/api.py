"""The Python API: `extract`, `compare` and `check`, re-exported by the package (docs/api.md).

Each takes what a program has in hand — a path, the bytes, or an open binary file — and returns the
contract's models, so that a caller never needs the CLI or a temporary file.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import IO, TYPE_CHECKING, Iterable, Optional, Union

from . import ingest
from .errors import InputError, MissingFileError, UnknownFormatError, UsageError
from .grammar import Grammars, load_grammars
from .ingest.base import OCR_MODES, OcrMode
from .models import Document
from .pipeline import extract_raw

if TYPE_CHECKING:
    from .check import Finding
    from .compare import Comparison

__all__ = ["DocumentInput", "extract", "compare", "check"]

DocumentInput = Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, IO[bytes]]
GrammarsArg = Union[str, "os.PathLike[str]", Grammars, None]


def extract(source: DocumentInput, *, ocr: OcrMode = "auto", grammars: GrammarsArg = None,
            filename: Optional[str] = None) -> Document:
    """Read one document and return its `Document` (the JSON contract of `planparse extract`).

    Args:
        source: a path (``str`` or ``pathlib.Path``; ``ARCHIVE!/member`` names a file in an archive),
            the file's ``bytes``, or a binary file object open for reading.
        ocr: ``"auto"`` (OCR the PDF pages that have no usable text layer), ``"always"`` (every page)
            or ``"never"``. ``"always"`` without an OCR engine installed raises `OcrUnavailableError`.
        grammars: a directory of rule files merged over the bundled grammars, or a `Grammars` object
            from `planparse.grammar.load_grammars` (to load them once for many documents).
        filename: the document's name when `source` is bytes or a file object (or a path whose name
            misleads): its suffix is the format hint where the content does not say (plain text,
            markdown), and it is the name in error messages and ``source.path``.

    Raises:
        InputError: the input cannot be read as a document (a subclass says why: `MissingFileError`,
            `EmptyFileError`, `UnknownFormatError`, `EncryptedError`, `CorruptFileError`,
            `NoTextLayerError`, `OcrUnavailableError`). ``str(error)`` names the file.
        UsageError: a bad argument (an unknown `ocr` mode, a `source` of another type).
        GrammarError: the grammar directory is invalid.

    Example:
        >>> import planparse
        >>> text = "示范市行动方案\\n一、工作目标\\n到2027年，新建充电桩1000个。\\n"
        >>> doc = planparse.extract(text.encode("utf-8"), filename="plan.txt")
        >>> [(c.id, c.heading) for c in doc.clauses]
        [('1', '工作目标')]
        >>> [(t.value, t.unit, t.target_year) for t in doc.targets]
        [(1000.0, '个', 2027)]
    """
    g = _grammars(grammars)
    return extract_raw(_read(source, ocr=_ocr_mode(ocr), filename=filename), g)


def compare(parent: Union[DocumentInput, Document], child: Union[DocumentInput, Document], *,
            grammars: GrammarsArg = None, clause_threshold: Optional[float] = None,
            ocr: OcrMode = "auto") -> "Comparison":
    """How an implementing plan (`child`) measures up to the plan it implements (`parent`).

    Either side is a `Document` (from `extract`), a path to a document or to planparse's JSON output
    of one, its bytes, or a binary file object. Returns the `Comparison` that ``planparse compare -f
    json`` prints: targets kept, tightened, loosened, dropped or added; clauses taken up; the citation.
    `clause_threshold` is the score from which a child clause takes up a parent clause (default 0.35).

    Example:
        >>> import planparse
        >>> province = planparse.extract("示范省行动方案\\n一、工作目标\\n到2025年，全省森林覆盖率达到30%以上。\\n"
        ...                              .encode(), filename="province.txt")
        >>> city = planparse.extract("示范市实施方案\\n一、工作目标\\n到2025年，全市森林覆盖率达到35%以上。\\n"
        ...                          .encode(), filename="city.txt")
        >>> result = planparse.compare(province, city)
        >>> [(p.parent.value, p.child.value, p.verdict) for p in result.targets.pairs]
        [(30.0, 35.0, 'stricter')]
    """
    from .compare import DEFAULT_THRESHOLD, compare_documents, load_side

    g = _grammars(grammars)
    mode = _ocr_mode(ocr)

    def side(source: Union[DocumentInput, Document], default_name: str) -> Document:
        if isinstance(source, Document):
            return source
        if isinstance(source, (str, os.PathLike)):
            return load_side(Path(source), grammars=g, ocr=mode)
        return extract_raw(_read(source, ocr=mode, filename=None, default_name=default_name), g)

    threshold = DEFAULT_THRESHOLD if clause_threshold is None else clause_threshold
    return compare_documents(side(parent, "<parent>"), side(child, "<child>"), g, clause_threshold=threshold)


def check(source: DocumentInput, *, select: Union[str, Iterable[str], None] = None,
          ignore: Union[str, Iterable[str], None] = None, ocr: OcrMode = "auto", grammars: GrammarsArg = None,
          filename: Optional[str] = None) -> "list[Finding]":
    """Lint one document: the `Finding`s of ``planparse check``, in page and line order.

    `select` and `ignore` take what ``--select``/``--ignore`` take: rule codes (``"PP001"``), code
    prefixes (``"PP0"``), rule names, or ``"ALL"`` — a comma-separated string or a list. By default
    every rule runs. The other arguments are `extract`'s.

    Example:
        >>> import planparse
        >>> draft = "示范市行动方案\\n一、工作目标\\n三、保障措施\\n加强组织领导。\\n"
        >>> [(f.code, f.name) for f in planparse.check(draft.encode(), filename="draft.txt", select="numbering-gap")]
        [('PP001', 'numbering-gap')]
    """
    from .check import select_rules
    from .check.core import check_context, context_of

    g = _grammars(grammars)
    raw = _read(source, ocr=_ocr_mode(ocr), filename=filename)
    return check_context(context_of(raw, g), select_rules(select, ignore))


# ------------------------------------------------------------------------------------------ helpers


def _grammars(grammars: GrammarsArg) -> Grammars:
    if isinstance(grammars, Grammars):
        return grammars
    return load_grammars(os.fspath(grammars) if grammars is not None else None)


def _ocr_mode(ocr: str) -> OcrMode:
    if ocr not in OCR_MODES:
        raise UsageError(f"ocr must be one of {', '.join(OCR_MODES)}, not {ocr!r}")
    return ocr  # type: ignore[return-value]


def _read(source: object, *, ocr: OcrMode, filename: Optional[str], default_name: str = "<bytes>") -> ingest.RawDocument:
    """The RawDocument of a path, bytes or binary file object (`filename` names it and hints its format)."""
    options = ingest.ReadOptions(ocr=ocr)
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if filename is None:
            return ingest.read(path, ocr=ocr)
        return ingest.read_bytes(filename, _file_bytes(Path(path)), options)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return _read_named(filename, default_name, bytes(source), options)
    read = getattr(source, "read", None)
    if callable(read):
        name = filename or _stream_name(source) or "<stream>"
        data = read()
        if isinstance(data, str):
            raise UsageError("the file object gives text: open it in binary mode ('rb')", path=name)
        if not isinstance(data, (bytes, bytearray)):
            raise UsageError(f"the file object's read() gave {type(data).__name__}, not bytes", path=name)
        return _read_named(filename or _stream_name(source), "<stream>", bytes(data), options)
    raise UsageError(f"source must be a path, bytes or a binary file object, not {type(source).__name__}")


def _read_named(name: Optional[str], default_name: str, data: bytes, options: ingest.ReadOptions) -> ingest.RawDocument:
    try:
        return ingest.read_bytes(name or default_name, data, options)
    except UnknownFormatError as e:
        if name:
            raise
        # text carries no signature: only a name with a suffix says it is .txt, .md or .html
        raise UnknownFormatError(f"{e.message}: pass filename= with the document's name (e.g. filename=\"plan.txt\")",
                                 path=e.path) from None


def _stream_name(stream: object) -> Optional[str]:
    name = getattr(stream, "name", None)
    return os.fspath(name) if isinstance(name, (str, os.PathLike)) else None


def _file_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise MissingFileError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a document", path=str(path)) from None
    except OSError as e:
        raise InputError(f"cannot read file ({e.strerror})", path=str(path)) from None
