"""The migration report: each unit, converted (what changed, where) or staying (the member
that blocks it, why, what a human must do); what the units share; then per file what was
rewritten and what still needs a human."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from linter.findings import Finding
from linter.migration.plan import Migration
from linter.migration.units import Unit


@dataclass(frozen=True)
class MigrationReport:
    migration: Migration
    dry_run: bool = False


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _where(f: Finding) -> str:
    return f"line {f.start.line}"


def render(report: MigrationReport) -> str:
    migration = report.migration
    outcomes = migration.outcomes
    rewritten = [(p, o) for p, o in outcomes if o.fix is not None and o.fix.changed]
    human: dict[str, list[str]] = {}
    applied_by_rule: Counter[str] = Counter()
    human_by_rule: Counter[str] = Counter()
    for path, outcome in outcomes:
        notes = []
        for f in outcome.findings:
            notes.append(f"{_where(f)}: {f.rule_id} [{f.rule_name}] {f.message}")
            human_by_rule[f.rule_id] += 1
        for (refused_path, _), reason in migration.plan.refused.items():
            if refused_path == path:
                notes.append(reason)
        if outcome.error:
            notes.append(f"not written: {outcome.error}")
        if notes:
            human[path] = notes
        for f in outcome.fix.applied if outcome.fix else []:
            applied_by_rule[f.rule_id] += 1
    units = migration.plan.units
    converted = [u for u in units if u.converts]
    verb = "would be rewritten" if report.dry_run else "rewritten"
    applied = "would be applied" if report.dry_run else "applied"
    lines = [
        "# job2pod migration report",
        "",
        "| | count |",
        "|---|---|",
        f"| files scanned | {len(outcomes)} |",
        f"| files {verb} | {len(rewritten)} |",
        f"| units that convert to Pods | {len(converted)} |",
        f"| units that stay Jobs | {len(units) - len(converted)} |",
        f"| fixes {applied} | {sum(applied_by_rule.values())} |",
        f"| findings that need a human | {sum(human_by_rule.values())} |",
        "",
    ]
    rules = sorted(set(applied_by_rule) | set(human_by_rule))
    if rules:
        lines += ["| rule | rewritten | needs a human |", "|---|---|---|"]
        lines += [f"| {r} | {applied_by_rule[r]} | {human_by_rule[r]} |" for r in rules]
        lines.append("")
    lines += ["## Units", ""]
    if not units:
        lines += ["No Job-based Task execution was found.", ""]
    for unit in units:
        lines += _unit(migration, unit, applied)
    if migration.plan.shared:
        lines += ["## Shared by the units", ""]
        for shared in migration.plan.shared:
            where = ", ".join(str(p) for p in shared.places[:3])
            more = f" and {len(shared.places) - 3} more" if len(shared.places) > 3 else ""
            lines.append(f"- {shared.what} ({where}{more}): {_escape(shared.decision)}")
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


def _unit(migration: Migration, unit: Unit, applied: str) -> list[str]:
    if unit.converts:
        lines = [f"### Converts to a Pod: {unit.title}", ""]
        for member in unit.members:
            for title in migration.applied_at(member):
                lines.append(f"- {member.place}: {_escape(member.what)}: {_escape(title)}")
        lines.append(f"- files: {', '.join(unit.paths())}")
        lines.append("")
        return lines
    lines = [f"### Stays a Job: {unit.title}", ""]
    blocking = unit.blocked_by
    where = f" by {blocking.place} ({_escape(blocking.what)})" if blocking is not None else ""
    lines.append(f"- blocked{where}: {_escape(unit.reason or '')}")
    for other in unit.other_blockers()[:5]:
        lines.append(f"- also blocked by {other.place}: {_escape(other.blocker or '')}")
    lines.append(
        "- what a human must do: make that member convert or rewrite it by hand; nothing of "
        f"this unit was {'changed' if applied == 'applied' else 'going to change'} "
        "(policy fixes aside)"
    )
    others = [m for m in unit.members if m is not blocking]
    if others:
        lines.append("- members: " + "; ".join(f"{m.place} {_escape(m.what)}" for m in others[:8]))
    lines.append("")
    return lines
