"""The documentation a clone carries: the contract and its JSON Schema in docs/, every README link resolvable."""
import json
import re
from pathlib import Path

import pytest

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
REGENERATE = "PYTHONPATH=src python3 -m planparse.cli schema > docs/schema.json"


@pytest.mark.cli
def test_committed_schema_is_what_planparse_schema_prints():
    r = run_cli(["schema"], cwd=ROOT)  # this checkout's planparse, not an installed one
    assert r.returncode == 0, r.stderr
    committed = (ROOT / "docs" / "schema.json").read_text(encoding="utf-8")
    assert json.loads(committed) == json.loads(r.stdout), (
        f"docs/schema.json is out of date with the models; regenerate it: {REGENERATE}")


def test_schema_names_its_dialect_and_id():
    s = json.loads((ROOT / "docs" / "schema.json").read_text(encoding="utf-8"))
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].startswith("urn:planparse:")


def test_every_contract_field_is_documented():
    """Each field of the models appears in docs/output-contract.md (the contract grows only by adding)."""
    from planparse import models

    doc = (ROOT / "docs" / "output-contract.md").read_text(encoding="utf-8")
    missing = [f"{m.__name__}.{name}" for m in (models.Document, models.Source, models.Meta, models.Clause,
                                                  models.Target, models.Deadline, models.Agencies,
                                                  models.AgencyMention, models.Task, models.Table,
                                                  models.Warning, models.Annex, models.CitedDocument)
               for name in m.model_fields if f"`{name}`" not in doc]
    assert not missing, f"fields missing from docs/output-contract.md: {missing}"


def test_readme_links_resolve_inside_the_repository():
    """Every relative link and every path the README names in backticks as a repository file exists here."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)", readme)
    targets += re.findall(r"`((?:docs|bench|tools|samples|grammars|tests)/[\w./-]+\.(?:md|json|py|sh|toml|txt))`", readme)
    assert targets and "../" not in readme.replace("](../", "")  # nothing outside the checkout
    for t in targets:
        if "://" in t:
            continue
        assert not t.startswith("../"), f"README points outside the repository: {t}"
        assert (ROOT / t).exists(), f"README points to a missing file: {t}"
