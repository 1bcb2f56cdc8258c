"""Configuration of `check`: `--config FILE`, else ./planparse.toml, else `[tool.planparse]` in ./pyproject.toml.

Keys: select, ignore (a list or a comma-separated string of codes, code prefixes or rule names),
per-file-ignores (a table: glob pattern -> codes to ignore in the files it matches), format (text |
json | github | junit | sarif), fail-on (error | warning | info). Options on the command
line win over the file. In pyproject.toml, other keys of [tool.planparse] belong to other commands and
are ignored; a [tool.planparse.check] table, when present, is read instead.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Optional

from .core import SEVERITIES, CheckUsageError, select_rules

FORMATS = ("text", "json", "github", "junit", "sarif")
KEYS = {"select", "ignore", "format", "fail-on", "fail_on", "per-file-ignores", "per_file_ignores"}


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise CheckUsageError(f"{path}: config file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise CheckUsageError(f"{path}: invalid TOML: {e}") from None
    except OSError as e:
        raise CheckUsageError(f"{path}: cannot read config: {e.strerror}") from None


def _validate(data: dict, source: str, strict: bool) -> dict:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if k not in KEYS:
            if strict and not isinstance(v, dict):
                raise CheckUsageError(f"{source}: unknown key {k!r} (known: select, ignore, per-file-ignores, format, fail-on)")
            continue
        key = k.replace("-", "_")
        if key == "per_file_ignores":
            if not isinstance(v, dict):
                raise CheckUsageError(f"{source}: per-file-ignores must be a table of glob = codes")
            for pattern, codes in v.items():
                if not isinstance(codes, (str, list)) or (isinstance(codes, list) and not all(isinstance(x, str) for x in codes)):
                    raise CheckUsageError(f"{source}: per-file-ignores.{pattern} must be a string or a list of strings")
                select_rules(None, codes)  # an unknown code fails here, naming it, not when a file matches
        elif key in ("select", "ignore"):
            if not isinstance(v, (str, list)) or (isinstance(v, list) and not all(isinstance(x, str) for x in v)):
                raise CheckUsageError(f"{source}: {k} must be a string or a list of strings")
        elif key == "format":
            if v not in FORMATS:
                raise CheckUsageError(f"{source}: format must be one of {', '.join(FORMATS)}, not {v!r}")
        elif key == "fail_on":
            if v not in SEVERITIES:
                raise CheckUsageError(f"{source}: fail-on must be one of {', '.join(SEVERITIES)}, not {v!r}")
        out[key] = v
    return out


def load_config(config: Optional[str | Path] = None, cwd: Optional[str | Path] = None) -> dict:
    """The check settings from `config`, ./planparse.toml or ./pyproject.toml [tool.planparse]; {} when none."""
    if config is not None:
        path = Path(config)
        data = _read(path)
        if isinstance(data.get("tool", {}).get("planparse"), dict):
            table = data["tool"]["planparse"]
            return _validate(table.get("check", table), str(path), strict=False)
        if isinstance(data.get("check"), dict):
            return _validate(data["check"], str(path), strict=True)
        return _validate(data, str(path), strict=True)
    own = Path(cwd or ".") / "planparse.toml"
    if own.is_file():  # as ruff.toml beside pyproject.toml: the tool's own file wins
        return load_config(own)
    pyproject = Path(cwd or ".") / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    table = _read(pyproject).get("tool", {}).get("planparse")
    if not isinstance(table, dict):
        return {}
    if isinstance(table.get("check"), dict):
        table = table["check"]
    return _validate(table, f"{pyproject} [tool.planparse]", strict=False)
