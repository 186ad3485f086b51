"""SARIF 2.1.0 for code scanning: rules in tool.driver.rules, URIs relative to the
repository root (%SRCROOT%), stable fingerprints."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from linter import __url__, __version__, ruledocs
from linter.catalog import Rule
from linter.findings import Finding
from linter.levels import Severity
from linter.reporters import Report, encode_line
from linter.repository import RepositoryPaths, root_of

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_SRCROOT = "%SRCROOT%"


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
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": docs["what_it_does"]},
        "help": {"text": docs["why_it_matters"], "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["kubernetes", *rule.languages],
            "fixable": rule.fixable,
        },
    }
    uri = ruledocs.help_uri(rule)
    if uri is not None:
        descriptor["helpUri"] = uri
    return descriptor


def _artifact(path: str, paths: RepositoryPaths, srcroot: str) -> dict[str, str]:
    """Relative to %SRCROOT% (the repository the run started in); a file of another
    repository, named explicitly, by its absolute URI."""
    root = paths.root(path)
    if root == srcroot:
        return {"uri": quote(paths.relative(path)), "uriBaseId": _SRCROOT}
    return {"uri": Path(root, paths.relative(path)).as_uri()}


def _directory_uri(directory: str) -> str:
    """SARIF: a base URI names a directory, so it ends with a slash."""
    uri = Path(directory).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _result(
    f: Finding, index: dict[str, int], paths: RepositoryPaths, srcroot: str
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule_id,
        "level": _LEVEL[f.severity],
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(f.path, paths, srcroot),
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
    return "".join(render_lines(report))


def render_lines(report: Report) -> Iterator[str]:
    """The document around the results, then a result a line (the C encoder, which the
    standard library uses only without `indent`): never a whole run's text at once."""
    rules = sorted({r.id: r for r in report.rules}.values(), key=lambda r: r.id)
    index = {r.id: i for i, r in enumerate(rules)}
    paths = RepositoryPaths()
    srcroot = root_of(".")
    run = {
        "tool": {
            "driver": {
                "name": "job2pod",
                "version": __version__,
                "informationUri": __url__,
                "rules": [_rule(r) for r in rules],
            }
        },
        "originalUriBaseIds": {_SRCROOT: {"uri": _directory_uri(srcroot)}},
        "columnKind": "unicodeCodePoints",
    }
    members = ", ".join(f"{encode_line(k)}: {encode_line(v)}" for k, v in run.items())
    yield f'{{"$schema": {encode_line(SCHEMA_URI)}, "version": "2.1.0", "runs": [{{{members}, "results": ['
    separator = "\n  "
    for f in report.findings:
        yield f"{separator}{encode_line(_result(f, index, paths, srcroot))}"
        separator = ",\n  "
    yield "]}]}\n"
