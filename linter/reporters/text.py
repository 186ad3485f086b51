"""`path:line:col: ID [name] message`, one a line, then a summary; color on a TTY only."""

from __future__ import annotations

from collections.abc import Iterator

from linter.levels import Severity
from linter.reporters import Report, tally

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def render(report: Report) -> str:
    return "".join(render_lines(report))


def render_lines(report: Report) -> Iterator[str]:
    """Each line with its newline, as it is made."""
    for f in report.findings:
        where = _paint(f"{f.path}:{f.start.line}:{f.start.column}:", "1", report.color)
        rule = _paint(f.rule_id, _COLORS[f.severity], report.color)
        yield f"{where} {rule} [{f.rule_name}] {f.message}\n"
    yield summary(report) + "\n"


def counted(count: int, noun: str) -> str:
    """`1 finding`, `17 findings`; severities too (`2 errors`), but `3 info`."""
    plural = noun if count == 1 or noun == "info" else f"{noun}s"
    return f"{count} {plural}"


def summary(report: Report) -> str:
    files = counted(report.files_checked, "file")
    counts = tally(report.findings)
    if not counts.total:
        return f"All checks passed ({files} checked)."
    parts = [
        counted(counts.by_severity[s], s.value)
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts.by_severity[s]
    ]
    safe, unsafe = counts.safe, counts.unsafe
    tail = f"; {safe} fixable with `job2pod fix`" if safe else ""
    if unsafe:
        tail += f"{' (' if safe else '; '}{unsafe} with `job2pod fix --unsafe-fixes`{')' if safe else ''}"
    return (
        f"Found {counted(counts.total, 'finding')} ({', '.join(parts)}) in {files} checked{tail}."
    )
