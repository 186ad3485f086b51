"""One module per output format, each a function from findings to text."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, NamedTuple

from linter.levels import FixSafety, Severity

if TYPE_CHECKING:
    from linter.catalog import Rule
    from linter.findings import Finding

FORMATS = ("text", "json", "sarif", "github")
# One line of JSON through the standard library's C encoder (it is used only without
# `indent`): the JSON and SARIF reporters write a finding a line with it.
encode_line = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


class Tally:
    """Findings passed through once, counted on the way: a run that writes each finding
    as it is checked keeps the counts (for the summary line, the exit code), not them."""

    def __init__(self, findings: Iterable[Finding]) -> None:
        self._findings = findings
        self.by_severity: Counter[Severity] = Counter()
        self.safe = self.unsafe = 0

    def __iter__(self) -> Iterator[Finding]:
        for f in self._findings:
            self.by_severity[f.severity] += 1
            if f.fix is not None:
                if f.fix.safety is FixSafety.SAFE:
                    self.safe += 1
                else:
                    self.unsafe += 1
            yield f

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())

    def fails(self, fail_on: str) -> bool:
        if fail_on == "never":
            return False
        threshold = Severity(fail_on).rank
        return any(s.rank >= threshold for s, n in self.by_severity.items() if n)


def tally(findings: Iterable[Finding]) -> Tally:
    """The counts of findings: those a streamed report made while it was written, or,
    for a list, counted now."""
    if isinstance(findings, Tally):
        return findings
    counted = Tally(findings)
    for _ in counted:
        pass
    return counted


class Report(NamedTuple):
    """What every reporter is given: the findings (a list, or a Tally that each reporter
    goes through once, in order) and the context they were made in."""

    findings: Iterable[Finding]
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
