"""A JSON array of findings, one finding a line (schemas/findings.schema.json).

Plain dicts through the standard library's C encoder (it is used only without `indent`),
a line at a time as the output is written: the main process never holds a whole run's
JSON text, and the findings need no model classes on the run path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from linter.findings import Finding
from linter.reporters import Report, encode_line
from linter.repository import RepositoryPaths


def finding_data(f: Finding, paths: RepositoryPaths) -> dict[str, Any]:
    obj = f.obj
    return {
        "code": f.rule_id,
        "name": f.rule_name,
        "severity": f.severity.value,
        "path": paths.relative(f.path),
        "start": {"line": f.start.line, "column": f.start.column},
        "end": {"line": f.end.line, "column": f.end.column},
        "message": f.message,
        "object": None
        if obj is None
        else {
            "apiVersion": obj.api_version,
            "kind": obj.kind,
            "namespace": obj.namespace,
            "name": obj.name,
        },
        "fix": None if f.fix is None else {"title": f.fix.title, "safety": f.fix.safety.value},
        "fingerprint": f.fingerprint,
    }


def render(report: Report) -> str:
    return "".join(render_lines(report))


def render_lines(report: Report) -> Iterator[str]:
    paths = RepositoryPaths()
    opening = "["
    for f in report.findings:
        yield f"{opening}\n  {encode_line(finding_data(f, paths))}"
        opening = ","
    yield "[]\n" if opening == "[" else "\n]\n"
