"""Rule documentation rendered from the catalog: `job2pod rules` and docs/rules.md."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from linter import __url__
from linter.catalog import Rule

DOCS_URL = f"{__url__}/blob/main/docs/rules.md"

_SECTIONS = (
    ("what_it_does", "What it does"),
    ("why_it_matters", "Why it matters"),
)


def anchor(rule: Rule) -> str:
    """The id of the rule's section in docs/rules.md (as GitHub makes it from the heading)."""
    return f"{rule.id.lower()}-{rule.name}"


def help_uri(rule: Rule) -> str | None:
    """Where a built-in rule is documented; custom rules have no section there."""
    return f"{DOCS_URL}#{anchor(rule)}" if rule.origin.startswith("rules/") else None


def _fix_line(rule: Rule) -> str:
    if not rule.fixable or rule.fix.safety is None:
        return "No automatic fix."
    return f"{rule.fix.title} ({rule.fix.safety.value} fix, available {rule.fix.availability})."


def catalog_table(rules: Sequence[Rule]) -> str:
    rows = [f"{'ID':<7} {'NAME':<32} {'SEVERITY':<8} {'FIX':<7} {'DEFAULT':<7} SUMMARY"]
    for r in rules:
        fix = r.fix.safety.value if r.fixable and r.fix.safety else "-"
        default = "on" if r.enabled else ("migrate" if r.migrate else "off")
        rows.append(
            f"{r.id:<7} {r.name:<32} {r.severity.value:<8} {fix:<7} {default:<7} {r.summary}"
        )
    return "\n".join(rows) + "\n"


def catalog_json(rules: Sequence[Rule]) -> str:
    data = [
        {
            "id": r.id,
            "name": r.name,
            "summary": r.summary,
            "severity": r.severity.value,
            "language": r.language,
            "enabled": r.enabled,
            "fix": {
                "availability": r.fix.availability,
                "safety": r.fix.safety.value if r.fix.safety else None,
            },
            "check": r.check,
            "origin": r.origin,
        }
        for r in rules
    ]
    return json.dumps(data, indent=2) + "\n"


def explain(rule: Rule, markdown: bool = False) -> str:
    return _rule_markdown(rule, level=1) if markdown else _rule_text(rule)


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(p, 88) for p in text.strip().split("\n\n"))


def _indent(text: str) -> str:
    return textwrap.indent(text.rstrip("\n"), "    ")


def _rule_text(rule: Rule) -> str:
    docs = rule.docs
    parts = [
        f"{rule.id} [{rule.name}] ({rule.severity.value}{'' if rule.enabled else ', off by default'})",
        rule.summary,
        "",
    ]
    for key, title in _SECTIONS:
        parts += [f"{title}:", _wrap(docs[key]), ""]
    parts += [
        "Example:",
        _indent(docs["example"]),
        "",
        "Use instead:",
        _indent(docs["use_instead"]),
        "",
    ]
    parts += ["Fix:", _fix_line(rule)]
    if "fix_safety" in docs:
        parts += [_wrap(docs["fix_safety"])]
    if "remediation" in docs:
        parts += ["", "Remediation:", _wrap(docs["remediation"])]
    return "\n".join(parts) + "\n"


def _rule_markdown(rule: Rule, level: int) -> str:
    docs = rule.docs
    lang = rule.language if rule.language in ("python", "go") else "yaml"
    h = "#" * level
    parts = [
        f"{h} {rule.id} {rule.name}",
        "",
        f"{rule.summary} Severity: **{rule.severity.value}**"
        + (
            ""
            if rule.enabled
            else " (off by default" + (", on in `migrate`)" if rule.migrate else ")")
        )
        + f". Check: `{rule.check}`.",
        "",
    ]
    for key, title in _SECTIONS:
        parts += [f"{h}# {title}", "", docs[key].strip(), ""]
    parts += [f"{h}# Example", "", f"```{lang}", docs["example"].rstrip(), "```", ""]
    parts += [f"{h}# Use instead", "", f"```{lang}", docs["use_instead"].rstrip(), "```", ""]
    parts += [f"{h}# Fix", "", _fix_line(rule), ""]
    if "fix_safety" in docs:
        parts += [docs["fix_safety"].strip(), ""]
    if "remediation" in docs:
        parts += [f"{h}# Remediation", "", docs["remediation"].strip(), ""]
    return "\n".join(parts)


def catalog_markdown(rules: Sequence[Rule]) -> str:
    header = [
        "# job2pod rules",
        "",
        "Generated from rules/*.yaml by `job2pod generate`; do not edit by hand.",
        "",
        "| id | name | severity | fix | summary |",
        "|---|---|---|---|---|",
    ]
    for r in rules:
        fix = r.fix.safety.value if r.fixable and r.fix.safety else "—"
        header.append(
            f"| [{r.id}](#{anchor(r)}) | {r.name} | {r.severity.value} | {fix} | {r.summary} |"
        )
    body = [_rule_markdown(r, level=2) for r in rules]
    return "\n".join(header) + "\n\n" + "\n".join(body)
