"""A JSON array of findings, one finding a line (schemas/findings.schema.json).

A line at a time as the output is written: the main process never holds a whole run's
JSON text, and the findings need no model classes on the run path. `finding_data` is the
shape of a finding; a line is that dict as the standard library would encode it, written
out with its string encoder: building the dicts and encoding them took a quarter of a warm
JSON run over the corpus (a test holds the two to the same text)."""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

from linter.findings import Finding
from linter.reporters import Report
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
        yield f"{opening}\n  {finding_line(f, paths.relative(f.path))}"
        opening = ","
    yield "[]\n" if opening == "[" else "\n]\n"


def finding_line(f: Finding, path: str) -> str:
    """`encode_line(finding_data(f, ...))` for a finding at `path`: the same keys in the
    same order, strings through the encoder's own function (`ensure_ascii=False`), and
    integers as it writes them."""
    obj, fix, start, end = f.obj, f.fix, f.start, f.end
    described = (
        "null"
        if obj is None
        else f'{{"apiVersion": {_nullable(obj.api_version)}, "kind": {_nullable(obj.kind)}, '
        f'"namespace": {_nullable(obj.namespace)}, "name": {_nullable(obj.name)}}}'
    )
    fixed = (
        "null"
        if fix is None
        else f'{{"title": {encode_basestring(fix.title)}, '
        f'"safety": {encode_basestring(fix.safety.value)}}}'
    )
    return (
        f'{{"code": {encode_basestring(f.rule_id)}, "name": {encode_basestring(f.rule_name)}, '
        f'"severity": {encode_basestring(f.severity.value)}, "path": {encode_basestring(path)}, '
        f'"start": {{"line": {start.line}, "column": {start.column}}}, '
        f'"end": {{"line": {end.line}, "column": {end.column}}}, '
        f'"message": {encode_basestring(f.message)}, "object": {described}, "fix": {fixed}, '
        f'"fingerprint": {encode_basestring(f.fingerprint)}}}'
    )


def _nullable(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)
