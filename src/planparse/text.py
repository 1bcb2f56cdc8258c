"""Small text helpers shared by several stages."""
from __future__ import annotations

import regex as re

_OPEN, _CLOSE = "（(〔[【《", "）)〕]】》"


def split_top_level(s: str, seps: str) -> list[str]:
    """Split on separators outside brackets (`各县（市、区）人民政府` stays one name)."""
    if not any(ch in s for ch in _OPEN):
        parts = re.split("[" + re.escape(seps) + "]", s) if seps else [s]
        return [x.strip() for x in parts if x.strip()]
    out, depth, start = [], 0, 0
    for m in re.finditer("[" + re.escape(seps + _OPEN + _CLOSE) + "]", s):
        ch = m.group(0)
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(s[start : m.start()])
            start = m.end()
    out.append(s[start:])
    return [x.strip() for x in out if x.strip()]
