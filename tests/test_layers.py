"""The layers hold: a module imports only from the layers below its own (the import-linter contract in
pyproject.toml, the same check `lint-imports` runs). A new upward import fails here, with the chain."""
from __future__ import annotations

import tomllib

import pytest

from tests.conftest import ROOT


def test_the_layer_contract_is_kept(capsys):
    # a declared test dependency ([test]); an environment made before it was declared says so
    pytest.importorskip("importlinter", reason="import-linter is not installed: pip install -e '.[test]'")
    from importlinter.cli import lint_imports

    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_the_contract_orders_the_stages_as_the_pipeline_runs_them():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    [contract] = [c for c in config["contracts"] if c["type"] == "layers"]
    order = [layer.split()[0].removeprefix("planparse.") for layer in contract["layers"]]
    # the stages, top to bottom: nothing below may import the pipeline, a stage nothing above it
    stages = ["pipeline", "assemble", "extraction", "segment", "normalise", "words", "ingest"]
    assert [name for name in order if name in stages] == stages
    assert order[0] == "cli" and order[-1] == "models"
