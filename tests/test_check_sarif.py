"""`check --format sarif`: SARIF 2.1.0 that code-scanning tools and editors read.

The official SARIF 2.1.0 JSON schema ships in no PyPI package this project can use, so the test checks
the output against the required structure of the SARIF 2.1.0 standard (OASIS, §3), written out below as
a JSON schema of the parts planparse emits: every required property, the level enumeration, 1-based
lines, rule ids that the driver declares."""
from __future__ import annotations

import json

import jsonschema
from typer.testing import CliRunner

from planparse.check import check_file, render
from planparse.cli import app
from test_check import S004, variant
from test_check_locations import DEFECT_TEXT, write_docx

runner = CliRunner()

MESSAGE = {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}],
           "properties": {"text": {"type": "string", "minLength": 1}}}
ARTIFACT_LOCATION = {"type": "object", "required": ["uri"], "properties": {"uri": {"type": "string", "minLength": 1}}}
REGION = {"type": "object", "anyOf": [{"required": ["startLine"]}, {"required": ["charOffset"]}, {"required": ["byteOffset"]}],
          "properties": {"startLine": {"type": "integer", "minimum": 1},
                         "snippet": {"type": "object", "required": ["text"]}}}
LOCATION = {"type": "object", "properties": {
    "physicalLocation": {"type": "object", "required": ["artifactLocation"],
                         "properties": {"artifactLocation": ARTIFACT_LOCATION, "region": REGION}},
    "logicalLocations": {"type": "array", "items": {"type": "object", "required": ["name"]}}}}
LEVEL = {"enum": ["none", "note", "warning", "error"]}
SARIF_2_1_0_REQUIRED = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string"},
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}, "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id"],
                        "properties": {"id": {"type": "string"}, "shortDescription": MESSAGE, "fullDescription": MESSAGE,
                                       "help": MESSAGE,
                                       "defaultConfiguration": {"type": "object", "properties": {"level": LEVEL}}}}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {"ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": 0},
                                   "level": LEVEL, "message": MESSAGE,
                                   "locations": {"type": "array", "items": LOCATION},
                                   "properties": {"type": "object"}}}},
                "invocations": {"type": "array", "items": {
                    "type": "object", "required": ["executionSuccessful"],
                    "properties": {"executionSuccessful": {"type": "boolean"},
                                   "toolExecutionNotifications": {"type": "array", "items": {
                                       "type": "object", "required": ["message"], "properties": {"message": MESSAGE,
                                                                                                "level": LEVEL}}}}}},
            }}},
    },
}


def valid(log: dict) -> dict:
    jsonschema.validate(log, SARIF_2_1_0_REQUIRED)
    for run in log["runs"]:
        ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
        for res in run["results"]:
            assert ids[res["ruleIndex"]] == res["ruleId"]  # §3.27.6: ruleIndex points at its descriptor
    return log


def test_sarif_of_a_text_file_has_regions():
    r = runner.invoke(app, ["check", S004, "--format", "sarif"])
    assert r.exit_code == 1
    log = valid(json.loads(r.stdout))
    results = log["runs"][0]["results"]
    assert len(results) == 4 and all(x["ruleId"] == "PP004" and x["level"] == "warning" for x in results)
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == 73 and region["snippet"]["text"].startswith("(十六)")
    assert results[0]["locations"][0]["logicalLocations"] == [{"name": "clause 8.16", "kind": "module"}]


def test_sarif_of_a_docx_names_the_paragraph(tmp_path):
    path = write_docx(tmp_path / "草案.docx", DEFECT_TEXT)
    log = valid(json.loads(render(check_file(path), "sarif")))
    [res] = log["runs"][0]["results"]
    assert "region" not in res["locations"][0]["physicalLocation"]  # a paragraph is no line of the file
    assert res["properties"]["location"].startswith("paragraph ") and "“(二)优化能源结构" in res["message"]["text"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("%E8%8D%89%E6%A1%88.docx")


def test_sarif_info_is_a_note_and_unreadable_files_are_notifications(tmp_path):
    from test_check import NO_HORIZON

    p = tmp_path / "d.txt"
    p.write_text(variant(*NO_HORIZON, ("到2025年，非化石能源", "非化石能源")), encoding="utf-8")
    missing = tmp_path / "missing.docx"
    r = runner.invoke(app, ["check", str(p), str(missing), "-f", "sarif"])
    assert r.exit_code == 3
    log = valid(json.loads(r.stdout))
    run = log["runs"][0]
    assert [x["level"] for x in run["results"]] == ["note"]
    assert run["invocations"][0]["executionSuccessful"] is False
    assert run["invocations"][0]["toolExecutionNotifications"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("missing.docx")


def test_sarif_clean_run_is_valid(tmp_path):
    from test_check import BASE

    p = tmp_path / "clean.txt"
    p.write_text(BASE, encoding="utf-8")
    log = valid(json.loads(render(check_file(p), "sarif", rules=["PP001", "PP018"])))
    assert log["runs"][0]["results"] == [] and [d["id"] for d in log["runs"][0]["tool"]["driver"]["rules"]] == ["PP001", "PP018"]
