"""Findings as text, JSON, GitHub workflow annotations, JUnit XML or SARIF 2.1.0."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Iterable, Optional

from .core import RULES, Finding, severity_at_least

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _file_line(f: Finding) -> bool:
    """Whether `line` can go where editors and CI read a line of the file (path:line:, line=)."""
    return f.line is not None and (f.source_format is None or f.file_lines)


def _text(findings: list[Finding]) -> str:
    out = []
    for f in findings:
        loc = f"{f.path}:{f.line}:" if _file_line(f) else f"{f.path}:"
        where = f" [{f.where()}]" if f.where() else ""
        out.append(f"{loc} {f.code} {f.severity} {f.message}{where}")
        if f.text and not _file_line(f):  # a .docx or a PDF: show the paragraph or line, as ruff shows code
            out.append(f"    | {f.text}")
    return "".join(line + "\n" for line in out)


def _gh_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(s: str) -> str:
    return _gh_data(s).replace(":", "%3A").replace(",", "%2C")


def _github(findings: list[Finding]) -> str:
    out = []
    for f in findings:
        props = [f"file={_gh_prop(f.path)}"]
        # A line of a PDF page or a .docx paragraph means nothing in a diff: the title says where.
        if _file_line(f):
            props.append(f"line={f.line}")
        title = f"{f.code} {f.name}" + (f" ({f.location()})" if f.location() else "")
        props.append(f"title={_gh_prop(title)}")
        where = f" [{f.where()}]" if f.where() else ""
        quote = f" — “{f.text}”" if f.text else ""
        out.append(f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_gh_data(f.message + quote + where)}")
    return "".join(line + "\n" for line in out)


def _junit(findings: list[Finding], files: list[str], rules: list[str], errors: dict[str, tuple[str, str]],
           fail_on: str) -> str:
    root = ET.Element("testsuites", name="planparse check")
    total_tests = total_failures = total_errors = 0
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.path, []).append(f)
    for path in files:
        suite = ET.SubElement(root, "testsuite", name=path)
        if path in errors:
            kind, message = errors[path]
            case = ET.SubElement(suite, "testcase", classname=path, name="read")
            err = ET.SubElement(case, "error", message=message, type=kind)
            err.text = f"{path}: {kind}: {message}"
            suite.set("tests", "1")
            suite.set("failures", "0")
            suite.set("errors", "1")
            total_tests += 1
            total_errors += 1
            continue
        failures = 0
        mine = by_file.get(path, [])
        for code in rules:
            rule = RULES[code]
            case = ET.SubElement(suite, "testcase", classname=path, name=f"{code} {rule.name}")
            hits = [f for f in mine if f.code == code]
            failing = [f for f in hits if severity_at_least(f.severity, fail_on)]
            body = "\n".join(
                (f"{f.path}:{f.line}:" if _file_line(f) else f"{f.path}:") + f" {f.severity} {f.message}"
                + (f" [{f.where()}]" if f.where() else "") + (f" “{f.text}”" if f.text and not _file_line(f) else "")
                for f in hits
            )
            if failing:
                failures += 1
                worst = min((f.severity for f in failing), key=("error", "warning", "info").index)
                fail = ET.SubElement(case, "failure", message=f"{len(hits)} finding(s): {hits[0].message}", type=worst)
                fail.text = body
            elif hits:
                out = ET.SubElement(case, "system-out")
                out.text = body
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += len(rules)
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _sarif_uri(path: str) -> str:
    from pathlib import PurePath
    from urllib.parse import quote

    return quote(PurePath(path).as_posix(), safe="/:")


def _sarif(findings: list[Finding], rules: list[str], errors: dict[str, tuple[str, str]]) -> str:
    """SARIF 2.1.0: one run; a finding in a text file has a region (startLine, snippet), one in a PDF
    or .docx names its page/line or paragraph in the message and in the result's properties."""
    from .. import __version__

    codes = list(dict.fromkeys(list(rules) + [f.code for f in findings]))
    index = {c: i for i, c in enumerate(codes)}
    descriptors = []
    for c in codes:
        r = RULES[c]
        d: dict = {
            "id": r.code, "name": r.name,
            "shortDescription": {"text": r.summary.split(". ")[0].rstrip(".") + "."},
            "fullDescription": {"text": r.summary},
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
            "help": {"text": r.summary + (f" Why: {r.why}" if r.why else "")},
        }
        descriptors.append(d)
    results = []
    for f in findings:
        physical: dict = {"artifactLocation": {"uri": _sarif_uri(f.path)}}
        if _file_line(f):
            region: dict = {"startLine": f.line}
            if f.text:
                region["snippet"] = {"text": f.text}
            physical["region"] = region
        where = "" if _file_line(f) or not f.location() else f" ({f.location()}" + (f": “{f.text}”)" if f.text else ")")
        result: dict = {
            "ruleId": f.code, "ruleIndex": index[f.code], "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message + where},
            "locations": [{"physicalLocation": physical}],
        }
        if f.clause_id or f.task_seq is not None:
            name = f"clause {f.clause_id}" if f.clause_id else f"task {f.task_seq}"
            result["locations"][0]["logicalLocations"] = [{"name": name, "kind": "module"}]
        props = {k: v for k, v in (("page", f.page), ("line", f.line), ("location", f.location() or None),
                                   ("text", f.text)) if v is not None}
        if props:
            result["properties"] = props
        results.append(result)
    run: dict = {
        "tool": {"driver": {"name": "planparse", "version": __version__,
                            "informationUri": "https://pypi.org/project/planparse/", "rules": descriptors}},
        "results": results,
        "invocations": [{
            "executionSuccessful": not errors,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": f"{kind}: {message}"},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": _sarif_uri(path)}}}]}
                for path, (kind, message) in errors.items()
            ],
        }],
    }
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def render(findings: Iterable[Finding], fmt: str = "text", *, files: Optional[list[str]] = None,
           rules: Optional[list[str]] = None, errors: Optional[dict[str, tuple[str, str]]] = None,
           fail_on: str = "info") -> str:
    """`errors`: path -> (kind, one-line message) for files that could not be read (junit shows them)."""
    findings = list(findings)
    if fmt == "text":
        return _text(findings)
    if fmt == "json":
        return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        return _github(findings)
    if fmt == "junit":
        paths = list(files) if files is not None else sorted({f.path for f in findings})
        return _junit(findings, paths, list(rules) if rules is not None else sorted(RULES), errors or {}, fail_on)
    if fmt == "sarif":
        return _sarif(findings, list(rules) if rules is not None else sorted(RULES), errors or {})
    raise ValueError(f"unknown format {fmt!r}")
