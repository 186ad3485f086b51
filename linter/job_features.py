"""What keeps a Job a Job: the fields a Pod cannot express.

A Job is a thin wrapper (JP201) when none of these blockers apply; otherwise it stays a Job
and each blocker is named (JP206). Anything templated or unknown blocks: a rewrite that
guesses is worse than a finding.
"""

from __future__ import annotations

from dataclasses import dataclass

from linter.extract import JobParts
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
        blockers.append(Blocker("backoffLimit", "absent: the Job retries 6 times", None))
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
            blockers.append(Blocker("restartPolicy", "absent; a Pod would default to Always", None))
    elif nodes.scalar(restart[1]) != "Never":
        shown = nodes.scalar(restart[1]) or "templated"
        blockers.append(
            Blocker("restartPolicy", f"{shown}: containers restart in place", restart[0])
        )
    return blockers


def _spec_field_blocker(name: str, value: Node) -> str | None:
    if name not in MIGRATABLE_SPEC_FIELDS:
        return "only a Job has it"
    if name == "backoffLimit":
        limit = nodes.as_int(value)
        if limit is None:
            return "not a literal number"
        return None if limit == 0 else f"{limit} retries"
    if name in _SINGLE:
        count = nodes.as_int(value)
        if count is None:
            return "not a literal number"
        return None if count == 1 else f"{count}"
    if name == "completionMode":
        mode = nodes.scalar(value)
        return None if mode == "NonIndexed" else f"{mode or 'templated'}"
    # ttlSecondsAfterFinished, activeDeadlineSeconds and the selector are dropped or moved
    # as text: a template there decides nothing.
    return None


def is_thin_wrapper(parts: JobParts, rendered: bool = False) -> bool:
    return not migration_blockers(parts, rendered)
