"""`check --explain`, `--statistics`, per-file ignores and planparse.toml, and the README rules table
written from the rules' own docs."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from planparse.check import RULES, load_config
from planparse.check.core import CheckUsageError
from planparse.check.docs import rules_table, with_rules_table
from planparse.check.run import rules_for
from planparse.cli import app
from test_check import ROOT, S003, S004

runner = CliRunner()


def test_every_rule_explains_itself():
    for r in RULES.values():
        assert r.why and "bad:" in r.example and "fine:" in r.example, r.code


@pytest.mark.parametrize("token", ["PP012", "pp012", "target-no-unit"])
def test_explain(token):
    r = runner.invoke(app, ["check", "--explain", token])
    assert r.exit_code == 0
    assert r.stdout.startswith("PP012 target-no-unit (warning)\n")
    assert "What it checks:" in r.stdout and "Why:" in r.stdout and "PUE" in r.stdout and "bad:" in r.stdout


@pytest.mark.parametrize("token", ["PP0", "PP999", "ALL"])
def test_explain_takes_one_rule(token):
    r = runner.invoke(app, ["check", "--explain", token])
    assert r.exit_code == 2 and "one rule" in r.stderr


def test_statistics():
    r = runner.invoke(app, ["check", S004, S003, "--statistics"])
    assert r.exit_code == 1
    assert r.stdout == "4\tPP004\tmixed-bracket-width\twarning\n"
    clean = runner.invoke(app, ["check", S003, "--statistics"])
    assert clean.exit_code == 0 and clean.stdout == ""


def test_readme_rules_table_is_generated_from_the_rules():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rules_table() in readme
    assert with_rules_table(readme) == readme  # tools/rules_table.py would change nothing
    for r in RULES.values():
        assert f"| {r.code} | `{r.name}` | {r.severity} |" in readme


def test_per_file_ignores():
    table = {"drafts/annex-*.txt": ["PP004"], "legacy.txt": "PP004,target-no-unit"}
    rules = ["PP004", "PP012", "PP018"]
    assert rules_for("drafts/annex-1.txt", rules, table) == ["PP012", "PP018"]
    assert rules_for("drafts/plan.txt", rules, table) == rules
    assert rules_for("/abs/legacy.txt", rules, table) == ["PP018"]  # a bare file name matches anywhere
    assert rules_for("x.txt", rules, None) == rules


def test_per_file_ignores_in_pyproject(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.planparse.check]\nformat = "json"\n\n[tool.planparse.check.per-file-ignores]\n"004_*.txt" = ["PP004"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["check", S004])
    assert r.exit_code == 0 and json.loads(r.stdout) == []


def test_planparse_toml_is_found_and_wins(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[tool.planparse.check]\nformat = "json"\n', encoding="utf-8")
    (tmp_path / "planparse.toml").write_text('format = "github"\nignore = ["PP004"]\n', encoding="utf-8")
    assert load_config(cwd=tmp_path) == {"format": "github", "ignore": ["PP004"]}
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["check", S004]).exit_code == 0


def test_bad_per_file_ignores_are_usage_errors(tmp_path):
    cfg = tmp_path / "planparse.toml"
    cfg.write_text('[per-file-ignores]\n"*.txt" = ["PP999"]\n', encoding="utf-8")
    with pytest.raises(CheckUsageError, match="PP999"):
        load_config(cfg)
    cfg.write_text('per-file-ignores = "PP004"\n', encoding="utf-8")
    r = runner.invoke(app, ["check", S004, "--config", str(cfg)])
    assert r.exit_code == 2 and "per-file-ignores" in r.stderr
