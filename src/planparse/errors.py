"""Errors that end a document's processing with a clear one-line message and a documented exit code."""
from __future__ import annotations

# Exit codes (documented in README and the output contract).
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_INTERNAL = 4  # a bug in planparse, reported in one line

# Document warnings about the input as a whole, which `extract` also shows on stderr (exit code 0):
# bytes it had to replace, or a text in which no clause was found.
INPUT_WARNING_CODES = frozenset({"invalid-bytes-replaced", "lone-surrogates-replaced", "control-characters-removed",
                                 "no-clauses"})


class PlanparseError(Exception):
    """Base class: `kind` is a stable machine-readable tag, str(self) a one-line human message."""

    kind = "error"
    exit_code = EXIT_UNREADABLE

    def __init__(self, message: str, *, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        # A caller that only prints the exception still learns which file it was about.
        return f"{self.path}: {self.message}" if self.path else self.message

    def one_line(self) -> str:
        return " ".join(str(self).split())


class InputError(PlanparseError):
    """The input cannot be read as a document (exit 3)."""

    kind = "unreadable"


class MissingFileError(InputError):
    kind = "missing"


class EmptyFileError(InputError):
    kind = "empty"


class UnknownFormatError(InputError):
    kind = "unknown_format"


class EncryptedError(InputError):
    kind = "encrypted"


class CorruptFileError(InputError):
    kind = "corrupt"


class NoTextLayerError(InputError):
    kind = "no_text_layer"


class OcrUnavailableError(InputError):
    """OCR was asked for (`--ocr always`) and no OCR engine is installed (exit 3)."""

    kind = "ocr_unavailable"


class UsageError(PlanparseError):
    """Bad arguments, options or configuration (exit 2)."""

    kind = "usage"
    exit_code = EXIT_USAGE


class GrammarError(PlanparseError):
    """A grammar file is invalid (exit 2: the user's configuration is wrong, not the document)."""

    kind = "grammar"
    exit_code = EXIT_USAGE
