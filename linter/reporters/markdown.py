"""The migration report: per file what was rewritten, what still needs a human and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from linter.findings import Finding
from linter.fixes import PathFix


@dataclass(frozen=True)
class MigrationReport:
    results: Sequence[tuple[str, PathFix]]
    dry_run: bool = False


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _where(f: Finding) -> str:
    return f"line {f.start.line}"


def render(report: MigrationReport) -> str:
    rewritten = [(p, o) for p, o in report.results if o.fix is not None and o.fix.changed]
    human: dict[str, list[str]] = {}
    applied_by_rule: Counter[str] = Counter()
    human_by_rule: Counter[str] = Counter()
    for path, outcome in report.results:
        notes = []
        for f in outcome.findings:
            notes.append(f"{_where(f)}: {f.rule_id} [{f.rule_name}] {f.message}")
            human_by_rule[f.rule_id] += 1
        for rejected in outcome.fix.rejected if outcome.fix else []:
            f = rejected.finding
            notes.append(f"{_where(f)}: {f.rule_id} fix not applied: {rejected.reason}")
        if outcome.error:
            notes.append(f"not written: {outcome.error}")
        if notes:
            human[path] = notes
        for f in outcome.fix.applied if outcome.fix else []:
            applied_by_rule[f.rule_id] += 1
    verb = "would be rewritten" if report.dry_run else "rewritten"
    lines = [
        "# job2pod migration report",
        "",
        "| | count |",
        "|---|---|",
        f"| files scanned | {len(report.results)} |",
        f"| files {verb} | {len(rewritten)} |",
        f"| fixes applied | {sum(applied_by_rule.values())} |",
        f"| findings that need a human | {sum(human_by_rule.values())} |",
        "",
    ]
    rules = sorted(set(applied_by_rule) | set(human_by_rule))
    if rules:
        lines += ["| rule | rewritten | needs a human |", "|---|---|---|"]
        lines += [f"| {r} | {applied_by_rule[r]} | {human_by_rule[r]} |" for r in rules]
        lines.append("")
    lines += [f"## {'Would be rewritten' if report.dry_run else 'Rewritten'}", ""]
    if not rewritten:
        lines += ["Nothing.", ""]
    for path, outcome in rewritten:
        assert outcome.fix is not None
        lines.append(f"### {path}")
        lines.append("")
        for f in outcome.fix.applied:
            title = f.fix.title if f.fix else ""
            lines.append(f"- {_where(f)}: {f.rule_id} {_escape(title)}")
        lines.append("")
    lines += ["## Needs a human", ""]
    if not human:
        lines += ["Nothing: the migration is complete.", ""]
    for path, notes in sorted(human.items()):
        lines += [f"### {path}", ""] + [f"- {_escape(n)}" for n in notes] + [""]
    return "\n".join(lines)
