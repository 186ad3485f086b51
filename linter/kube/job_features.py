"""What keeps a Job a Job: the fields a Pod cannot express.

A Job is a thin wrapper (JP201) when none of these blockers apply; otherwise it stays a Job
and each blocker is named (JP206). Anything templated or unknown blocks: a rewrite that
guesses is worse than a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.kube.extract import JobParts
from linter.sources import nodes
from linter.sources.nodes import Node

# Job spec fields a thin wrapper may carry: the migration drops or moves them.
MIGRATABLE_SPEC_FIELDS = frozenset(
    {
        "template",
        "backoffLimit",
        "completions",
        "parallelism",
        "completionMode",
        "ttlSecondsAfterFinished",
        "activeDeadlineSeconds",
        "manualSelector",
        "selector",
    }
)
_SINGLE = {"completions", "parallelism"}
NUMBER_FIELDS = frozenset({"backoffLimit", *_SINGLE})
ABSENT_BACKOFF_LIMIT = "absent: the Job retries 6 times"
ABSENT_RESTART_POLICY = "absent; a Pod would default to Always"


@dataclass(frozen=True)
class Blocker:
    field: str
    reason: str
    node: Node | None

    def describe(self) -> str:
        return f"{self.field} ({self.reason})"


def migration_blockers(parts: JobParts, rendered: bool = False) -> list[Blocker]:
    """Every reason this Job cannot become a Pod, in source order where there is one.
    `rendered`: a template renders part of the spec, so what it holds is unknown."""
    spec = parts.spec
    if parts.in_cronjob:
        return [Blocker("jobTemplate", "a CronJob creates its Jobs on a schedule", spec)]
    if not isinstance(spec, nodes.MappingNode):
        return [Blocker("spec", "missing or templated", spec)]
    blockers: list[Blocker] = []
    if rendered:
        blockers.append(Blocker("spec", "partly rendered by a template", None))
    backoff_pair = nodes.entry(spec, "backoffLimit")
    if backoff_pair is None:
        blockers.append(Blocker("backoffLimit", ABSENT_BACKOFF_LIMIT, None))
    for key, value in nodes.entries(spec):
        name = key.value
        blocker = _spec_field_blocker(name, value)
        if blocker is not None:
            blockers.append(Blocker(name, blocker, key))
    if not isinstance(parts.template, nodes.MappingNode):
        blockers.append(Blocker("template", "missing or templated", parts.template))
    restart = nodes.entry(parts.pod_spec, "restartPolicy")
    if restart is None:
        if isinstance(parts.pod_spec, nodes.MappingNode):
            blockers.append(Blocker("restartPolicy", ABSENT_RESTART_POLICY, None))
    elif nodes.scalar(restart[1]) != "Never":
        shown = nodes.scalar(restart[1]) or "templated"
        blockers.append(
            Blocker("restartPolicy", f"{shown}: containers restart in place", restart[0])
        )
    return blockers


def _spec_field_blocker(name: str, value: Node) -> str | None:
    literal = nodes.as_int(value) if name in NUMBER_FIELDS else nodes.scalar(value)
    return spec_field_blocker(name, literal)


def spec_field_blocker(name: str, literal: int | str | None) -> str | None:
    """Why a Job spec field keeps the Job a Job, or None. `literal` is the field's value
    when it is a literal (a number or a string), None when it is computed or templated:
    YAML manifests and Jobs built in Python code are judged by this one table."""
    if name not in MIGRATABLE_SPEC_FIELDS:
        return "only a Job has it"
    if name == "backoffLimit":
        if not isinstance(literal, int):
            return "not a literal number"
        return None if literal == 0 else f"{literal} retries"
    if name in _SINGLE:
        if not isinstance(literal, int):
            return "not a literal number"
        return None if literal == 1 else f"{literal}"
    if name == "completionMode":
        return None if literal == "NonIndexed" else f"{literal or 'templated'}"
    # ttlSecondsAfterFinished, activeDeadlineSeconds and the selector are dropped or moved
    # as text: a template there decides nothing.
    return None


def is_thin_wrapper(parts: JobParts, rendered: bool = False) -> bool:
    return not migration_blockers(parts, rendered)
