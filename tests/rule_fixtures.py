"""Reading fixtures/<RULE-ID>/: bad files with `# expect: ID` markers, good files, snapshots."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from linter.catalog import Rule, builtin_rules
from linter.engine import RuleSet, check_bytes
from linter.findings import Finding

FIXTURE_SUFFIXES = (".yaml", ".yml", ".py", ".go")
_MARKER = re.compile(
    rb"expect(?:\+(\d+))?: ?([A-Z][A-Z0-9]*[0-9]{3}(?:\s*,\s*[A-Z][A-Z0-9]*[0-9]{3})*)"
)


@dataclass(frozen=True)
class Case:
    rule: Rule
    path: Path

    @property
    def id(self) -> str:
        return f"{self.rule.id}/{self.path.name}"


def rules_by_id() -> dict[str, Rule]:
    return {r.id: r for r in builtin_rules()}


def cases(fixtures: Path, prefix: str) -> list[Case]:
    found = []
    for rule_id, rule in sorted(rules_by_id().items()):
        folder = fixtures / rule_id
        for path in sorted(folder.glob(f"{prefix}*")) if folder.is_dir() else []:
            if path.suffix in FIXTURE_SUFFIXES and not path.stem.endswith(".fixed"):
                found.append(Case(rule, path))
    return found


def expected_markers(data: bytes, rule_id: str) -> list[tuple[int, str]]:
    """(line, id) for every `expect: ID` (or `expect+N: ID`, N lines below) marker."""
    lines = re.split(rb"\r\n|\r|\n", data)
    found = []
    for number, line in enumerate(lines, start=1):
        for m in _MARKER.finditer(line):
            target = number + int(m.group(1) or 0)
            for rid in re.split(rb"\s*,\s*", m.group(2)):
                if rid.decode() == rule_id:
                    found.append((target, rule_id))
    return sorted(found)


def run_rule(rule: Rule, path: Path, data: bytes | None = None) -> list[Finding]:
    """The rule's findings in a run of the default rules plus this one, as users run it."""
    data = path.read_bytes() if data is None else data
    rules = [r for r in builtin_rules() if r.enabled and r.id != rule.id] + [rule]
    findings = check_bytes(
        path.name, data, RuleSet(rules, catalog=builtin_rules()), language=None
    ).findings
    return [f for f in findings if f.rule_id == rule.id]


def snapshot_text(findings: list[Finding]) -> str:
    return "".join(
        f"{f.start.line}:{f.start.column}-{f.end.line}:{f.end.column} {f.rule_id} {f.message}\n"
        for f in findings
    )


def fixed_path(path: Path) -> Path:
    """bad.yaml -> bad.fixed.yaml: the golden result of fixing it."""
    return path.with_name(f"{path.stem}.fixed{path.suffix}")


def fix_rule(rule: Rule, name: str, data: bytes) -> tuple[bytes, list[str]]:
    """Apply the rule's fixes (unsafe ones too); the new bytes and the rejection reasons."""
    from linter.engine import language_of
    from linter.fixes import fix_text
    from linter.sources.text import decode

    decoded = decode(data)
    language = language_of(name) or "yaml"
    rules = [r for r in builtin_rules() if r.enabled and r.id != rule.id] + [rule]
    ruleset = RuleSet(rules, catalog=builtin_rules())
    result = fix_text(name, decoded.text, ruleset, language, unsafe=True, fixable={rule.id})
    return decoded.encode(result.fixed), [r.reason for r in result.rejected]
