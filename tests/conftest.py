"""Shared fixtures: the samples rendered as PDFs (once per test session), and the real documents and
gold the tests read (tests/fixtures, their sources in tests/fixtures/SOURCES.md: the suite needs
nothing outside this repository)."""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"
REAL = FIXTURES / "real"  # original government files (PDF, .doc, OFD)
SCORED = FIXTURES / "scored"  # docs/*.md scraped from government pages, gold/*.json for each
GOLD = FIXTURES / "gold"  # the gold of the five samples
# Runs from a checkout without `pip install -e .`: the package (src layout) and tools/ import from here.
for _p in (ROOT / "src", ROOT):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

# The CLI as a user runs it, in a process of its own, from this checkout (not an installed copy).
PLANPARSE = [sys.executable, "-m", "planparse.cli"]
CLI_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}


def run_cli(args: list[str], cwd: Path, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(PLANPARSE + args, cwd=cwd, env=CLI_ENV, capture_output=True, text=True, timeout=timeout, **kw)


def real_file(prefix: str, suffix: str = ".pdf") -> Path:
    """The real document numbered `prefix` (a missing one fails the test: it ships with the suite)."""
    [found] = sorted(REAL.glob(f"{prefix}_*{suffix}"))
    return found


def gold_scorer():
    """The project's scorer of an output against a gold file (tests/fixtures/score.py)."""
    spec = importlib.util.spec_from_file_location("gold_score", FIXTURES / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="session")
def rendered_pdfs(tmp_path_factory) -> dict[str, Path]:
    """stem -> PDF rendered from samples/<stem>.txt by tools/render_pdf.py (a failure fails the tests)."""
    from tools.render_pdf import render_sample

    out_dir = tmp_path_factory.mktemp("rendered_pdfs")
    txts = sorted(SAMPLES.glob("*.txt"))
    assert txts, f"no samples in {SAMPLES}"
    return {t.stem: render_sample(t, out_dir / f"{t.stem}.pdf") for t in txts}
