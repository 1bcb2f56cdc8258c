"""planparse: Chinese government policy documents → clause tree, targets, deadlines, agencies (JSON)."""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "extract"]


def extract(path, *, grammars_dir=None):
    """Run the whole pipeline on one file and return a `planparse.models.Document`."""
    from .pipeline import extract_file

    return extract_file(path, grammars_dir=grammars_dir)
