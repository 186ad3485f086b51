"""`check --statistics`: findings counted per rule instead of listed, as ruff does.

Text is a table (count, rule, fixability, name; the most frequent rule first) and the
run's summary line; JSON is a list of the same counts. "Fixable" means what `job2pod fix`
applies, the safe fixes, as in the summary line: the unsafe ones are counted apart.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass

from linter.levels import FixSafety
from linter.reporters import Report
from linter.reporters.text import summary


@dataclass(frozen=True)
class Statistic:
    code: str
    name: str
    count: int
    fixable_count: int
    unsafe_fixable_count: int


def statistics(report: Report) -> list[Statistic]:
    counts: dict[tuple[str, str], list[int]] = {}
    for f in report.findings:
        row = counts.setdefault((f.rule_id, f.rule_name), [0, 0, 0])
        row[0] += 1
        if f.fix is not None:
            row[1 if f.fix.safety is FixSafety.SAFE else 2] += 1
    rows = [Statistic(code, name, *row) for (code, name), row in counts.items()]
    return sorted(rows, key=lambda s: (-s.count, s.code))


def _marker(row: Statistic) -> str:
    """ruff's: [*] every finding of the rule is fixable, [~] some are, [ ] none."""
    if row.fixable_count == row.count:
        return "[*]"
    return "[~]" if row.fixable_count else "[ ]"


def table(rows: Sequence[Statistic]) -> list[str]:
    width = max((len(str(r.count)) for r in rows), default=1)
    code_width = max((len(r.code) for r in rows), default=0)
    return [f"{r.count:>{width}}  {r.code:<{code_width}}  {_marker(r)} {r.name}" for r in rows]


def render(report: Report) -> str:
    return "".join(line + "\n" for line in [*table(statistics(report)), summary(report)])


def render_json(report: Report) -> str:
    data = [dataclasses.asdict(row) for row in statistics(report)]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
