"""The lint rules, one module per family; importing this module registers every checker.

Locations: a finding about a clause carries the clause's id, source line and page; one about a target,
deadline or agency annotation carries the clause (or task row) it belongs to; one found by scanning
the text carries the source line of the paragraph it is in.
"""
from __future__ import annotations

from . import agencies, drafting, front_matter, goals, numbering, references  # noqa: F401  (registration)
