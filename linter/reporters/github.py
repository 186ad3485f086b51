"""GitHub Actions workflow commands: annotations on the pull request's diff."""

from __future__ import annotations

from collections.abc import Iterator

from linter.levels import Severity
from linter.reporters import Report
from linter.repository import RepositoryPaths

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    return "".join(render_lines(report))


def render_lines(report: Report) -> Iterator[str]:
    # GitHub places an annotation by its path from the top of the repository.
    paths = RepositoryPaths()
    for f in report.findings:
        props = ",".join(
            [
                f"file={_property(paths.relative(f.path))}",
                f"line={f.start.line}",
                f"col={f.start.column}",
                f"endLine={f.end.line}",
                f"endColumn={f.end.column}",
                f"title={_property(f'{f.rule_id} [{f.rule_name}]')}",
            ]
        )
        yield f"::{_LEVEL[f.severity]} {props}::{_data(f.message)}\n"
