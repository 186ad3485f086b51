"""Job field combinations the API server rejects or that do not do what they say."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Violation
from linter.kube import extract
from linter.sources import nodes
from linter.sources.yaml import K8sObject

TARGET = "object"
# Fields that only mean something with completionMode: Indexed.
_INDEXED_ONLY = ("backoffLimitPerIndex", "maxFailedIndexes", "successPolicy")


@dataclass(frozen=True)
class Params:
    """No parameters: the combinations are the Job API's own rules."""


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    parts = extract.job_parts(obj)
    if parts is None or not isinstance(parts.spec, nodes.MappingNode):
        return
    spec = parts.spec
    kind = "CronJob jobTemplate" if parts.in_cronjob else "Job"
    restart_pair = nodes.entry(parts.pod_spec, "restartPolicy")
    restart = nodes.scalar(restart_pair[1]) if restart_pair else None
    restart_known = restart_pair is None or restart is not None
    mode_pair = nodes.entry(spec, "completionMode")
    mode = nodes.scalar(mode_pair[1]) if mode_pair else "NonIndexed"

    def problem(key: nodes.Node, text: str) -> Violation:
        return Violation(obj.span(key), {"kind": kind, "problem": text})

    policy = nodes.entry(spec, "podFailurePolicy")
    if policy is not None and restart_known and restart != "Never":
        yield problem(
            policy[0], "podFailurePolicy requires the pod template's restartPolicy: Never"
        )
    if mode is not None:
        for name in _INDEXED_ONLY:
            pair = nodes.entry(spec, name)
            if pair is not None and mode != "Indexed":
                yield problem(pair[0], f"{name} requires completionMode: Indexed")
    failed = nodes.entry(spec, "maxFailedIndexes")
    if failed is not None and nodes.entry(spec, "backoffLimitPerIndex") is None:
        yield problem(failed[0], "maxFailedIndexes requires backoffLimitPerIndex")
    if mode == "Indexed" and mode_pair is not None and nodes.entry(spec, "completions") is None:
        yield problem(mode_pair[0], "completionMode: Indexed requires completions")
    if restart_pair is not None and restart == "Always":
        yield problem(
            restart_pair[0], "restartPolicy: Always is not allowed in a Job (Never or OnFailure)"
        )
    elif restart_pair is None and isinstance(parts.pod_spec, nodes.MappingNode):
        holder = nodes.entry(parts.template, "spec")
        if holder is not None and not extract.spec_rendered(obj, parts):
            yield problem(
                holder[0], "the pod template sets no restartPolicy (a Job needs Never or OnFailure)"
            )
