"""One module per output format, each a function from findings to text."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from linter.catalog import Rule
    from linter.findings import Finding

FORMATS = ("text", "json", "sarif", "github")


class Report(NamedTuple):
    """What every reporter is given: the findings and the context they were made in."""

    findings: Sequence[Finding]
    rules: Sequence[Rule]
    files_checked: int
    color: bool = False


def reporter(name: str) -> Callable[[Report], str]:
    module = importlib.import_module(f"linter.reporters.{name}")
    render: Callable[[Report], str] = module.render
    return render


def chunks(name: str, report: Report) -> Iterable[str]:
    """The output in pieces, for writing as it is made: a reporter with `render_lines`
    (text: a line a finding) never holds a whole run's output in memory."""
    module = importlib.import_module(f"linter.reporters.{name}")
    lines: Callable[[Report], Iterable[str]] | None = getattr(module, "render_lines", None)
    return lines(report) if lines is not None else [reporter(name)(report)]
