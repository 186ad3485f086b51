"""SARIF 2.1.0 for code scanning: rules in tool.driver.rules, relative URIs, stable fingerprints."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from linter import __version__
from linter.catalog import Rule
from linter.findings import Finding
from linter.levels import Severity
from linter.reporters import Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _rule(rule: Rule) -> dict[str, Any]:
    docs = rule.docs
    markdown = "\n\n".join(
        [
            docs["what_it_does"],
            f"**Why it matters.** {docs['why_it_matters']}",
            f"Example:\n\n```yaml\n{docs['example'].rstrip()}\n```",
            f"Use instead:\n\n```yaml\n{docs['use_instead'].rstrip()}\n```",
        ]
    )
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs["what_it_does"]},
        "help": {"text": docs["why_it_matters"], "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {"tags": [rule.language], "fixable": rule.fixable},
    }


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": quote(f.path), "uriBaseId": "%SRCROOT%"},
                    "region": {
                        "startLine": f.start.line,
                        "startColumn": f.start.column,
                        "endLine": f.end.line,
                        "endColumn": f.end.column,
                    },
                }
            }
        ],
        "partialFingerprints": {"job2pod/v1": f.fingerprint},
    }
    if f.rule_id in index:
        result["ruleIndex"] = index[f.rule_id]
    if f.obj is not None:
        result["locations"][0]["logicalLocations"] = [
            {"name": f.obj.name or "?", "fullyQualifiedName": str(f.obj), "kind": "object"}
        ]
    return result


def render(report: Report) -> str:
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    document = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "job2pod",
                        "version": __version__,
                        "informationUri": "https://github.com/job2pod/job2pod",
                        "rules": [_rule(r) for r in rules],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(f, index) for f in report.findings],
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
