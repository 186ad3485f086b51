"""`path:line:col: ID [name] message`, one a line, then a summary; color on a TTY only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from linter.levels import FixSafety, Severity
from linter.reporters import Report

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
    if report.statistics:
        for row in statistics(report):
            yield row + "\n"
    yield summary(report) + "\n"


def statistics(report: Report) -> list[str]:
    counts = Counter((f.rule_id, f.rule_name) for f in report.findings)
    fixable = Counter((f.rule_id, f.rule_name) for f in report.findings if f.fix is not None)
    rows = [
        f"{n:6d}  {rid:<7} {name}"
        + (f"  ({fixable[(rid, name)]} fixable)" if fixable[(rid, name)] else "")
        for (rid, name), n in sorted(counts.items())
    ]
    return rows


def summary(report: Report) -> str:
    files = report.files_checked
    noun = "file" if files == 1 else "files"
    if not report.findings:
        return f"All checks passed ({files} {noun} checked)."
    by_severity = Counter(f.severity for f in report.findings)
    parts = [
        f"{by_severity[s]} {s.value}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if by_severity[s]
    ]
    total = len(report.findings)
    safe = sum(1 for f in report.findings if f.fix is not None and f.fix.safety is FixSafety.SAFE)
    unsafe = sum(1 for f in report.findings if f.fix is not None) - safe
    tail = f"; {safe} fixable with `job2pod fix`" if safe else ""
    if unsafe:
        tail += f"{' (' if safe else '; '}{unsafe} with `job2pod fix --unsafe-fixes`{')' if safe else ''}"
    return f"Found {total} finding{'s' if total != 1 else ''} ({', '.join(parts)}) in {files} {noun} checked{tail}."
