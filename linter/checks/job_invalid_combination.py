"""Job field combinations the API server rejects or that do not do what they say.

Each rule follows the Job API reference (JobSpec, PodFailurePolicyRule,
PodFailurePolicyOnExitCodesRequirement, SuccessPolicyRule) and the API server's Job
validation; a templated or computed value is never judged. A partial Job (a
strategic-merge patch) is left alone: its base holds the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Violation
from linter.kube import extract, kustomize
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node
from linter.sources.yaml import K8sObject

TARGET = "object"
# Fields that only mean something with completionMode: Indexed.
_INDEXED_ONLY = ("backoffLimitPerIndex", "maxFailedIndexes", "successPolicy")
_INTERVAL = re.compile(r"(\d+)(?:-(\d+))?\Z")


@dataclass(frozen=True)
class Params:
    """No parameters: the combinations are the Job API's own rules."""


@dataclass(frozen=True)
class _Job:
    """What the rules compare, read once: literal values, None when absent or templated."""

    spec: MappingNode
    restart: str | None
    restart_known: bool
    mode: str | None
    completions: int | None


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    parts = extract.job_parts(obj)
    if parts is None or not isinstance(parts.spec, MappingNode) or kustomize.is_patch(obj):
        return
    spec = parts.spec
    kind = "CronJob jobTemplate" if parts.in_cronjob else "Job"
    restart_pair = nodes.entry(parts.pod_spec, "restartPolicy")
    mode_pair = nodes.entry(spec, "completionMode")
    job = _Job(
        spec=spec,
        restart=nodes.scalar(restart_pair[1]) if restart_pair else None,
        restart_known=restart_pair is None or nodes.scalar(restart_pair[1]) is not None,
        mode=nodes.scalar(mode_pair[1]) if mode_pair else "NonIndexed",
        completions=nodes.as_int(nodes.get(spec, "completions")),
    )
    found = [
        *_restart_policy(obj, parts, job),
        *_indexed(job),
        *_pod_failure_policy(job),
        *_success_policy(job),
    ]
    for node, problem in found:
        yield Violation(obj.span(node), {"kind": kind, "problem": problem})


def _restart_policy(
    obj: K8sObject, parts: extract.JobParts, job: _Job
) -> Iterator[tuple[Node, str]]:
    restart_pair = nodes.entry(parts.pod_spec, "restartPolicy")
    policy = nodes.entry(job.spec, "podFailurePolicy")
    if policy is not None and job.restart_known and job.restart != "Never":
        yield policy[0], "podFailurePolicy requires the pod template's restartPolicy: Never"
    per_index = nodes.entry(job.spec, "backoffLimitPerIndex")
    if per_index is not None and job.restart == "OnFailure":
        # JobSpec.backoffLimitPerIndex: "It can only be set when ... the Pod's restart
        # policy is Never."
        yield per_index[0], "backoffLimitPerIndex requires the pod template's restartPolicy: Never"
    if restart_pair is not None and job.restart == "Always":
        yield restart_pair[0], "restartPolicy: Always is not allowed in a Job (Never or OnFailure)"
    elif restart_pair is None and isinstance(parts.pod_spec, MappingNode):
        holder = nodes.entry(parts.template, "spec")
        if holder is not None and not extract.spec_rendered(obj, parts):
            yield (
                holder[0],
                "the pod template sets no restartPolicy (a Job needs Never or OnFailure)",
            )


def _indexed(job: _Job) -> Iterator[tuple[Node, str]]:
    spec = job.spec
    if job.mode is not None and job.mode != "Indexed":
        for name in _INDEXED_ONLY:
            pair = nodes.entry(spec, name)
            if pair is not None:
                yield pair[0], f"{name} requires completionMode: Indexed"
    failed = nodes.entry(spec, "maxFailedIndexes")
    if failed is not None and nodes.entry(spec, "backoffLimitPerIndex") is None:
        yield failed[0], "maxFailedIndexes requires backoffLimitPerIndex"
    mode_pair = nodes.entry(spec, "completionMode")
    if job.mode == "Indexed" and mode_pair is not None and nodes.entry(spec, "completions") is None:
        yield mode_pair[0], "completionMode: Indexed requires completions"
    most = nodes.as_int(failed[1]) if failed is not None else None
    completions = job.completions
    # The API server: "spec.maxFailedIndexes: must be less than or equal to completions".
    if failed is not None and most is not None and completions is not None and most > completions:
        problem = f"maxFailedIndexes ({most}) must not be greater than completions ({completions})"
        yield failed[0], problem


def _pod_failure_policy(job: _Job) -> Iterator[tuple[Node, str]]:
    policy = nodes.get(job.spec, "podFailurePolicy")
    if policy is None:
        return
    replacement = nodes.entry(job.spec, "podReplacementPolicy")
    if replacement is not None and nodes.scalar(replacement[1]) == "TerminatingOrFailed":
        # JobSpec.podReplacementPolicy: "When using podFailurePolicy, Failed is the only
        # allowed value."
        yield (
            replacement[0],
            "podReplacementPolicy: TerminatingOrFailed is not allowed with a podFailurePolicy "
            "(only Failed)",
        )
    per_index = nodes.entry(job.spec, "backoffLimitPerIndex") is not None
    for rule in nodes.items(nodes.get(policy, "rules")):
        action = nodes.get(rule, "action")
        if nodes.scalar(action) == "FailIndex" and not per_index and action is not None:
            yield action, "podFailurePolicy action FailIndex requires backoffLimitPerIndex"
        exit_codes = nodes.get(rule, "onExitCodes")
        if nodes.scalar(nodes.get(exit_codes, "operator")) != "In":
            continue
        for value in nodes.items(nodes.get(exit_codes, "values")):
            if nodes.as_int(value) == 0:
                # PodFailurePolicyOnExitCodesRequirement.values: "Value '0' cannot be used
                # for the In operator."
                yield value, "an onExitCodes rule with operator In cannot list exit code 0"


def _success_policy(job: _Job) -> Iterator[tuple[Node, str]]:
    """SuccessPolicyRule: succeededIndexes "must be within 0 to .spec.completions-1";
    the API server also rejects a succeededCount above completions or above the number of
    indexes the rule's succeededIndexes hold."""
    completions = job.completions
    if completions is None or job.mode != "Indexed":
        return
    for rule in nodes.items(nodes.get(job.spec, "successPolicy", "rules")):
        indexes_node = nodes.get(rule, "succeededIndexes")
        indexes = nodes.scalar(indexes_node)
        intervals = index_intervals(indexes) if indexes is not None else None
        total = None
        if indexes_node is not None and indexes is not None:
            if intervals is None:
                problem = f"succeededIndexes {indexes!r} is not an increasing list of indexes"
                yield indexes_node, problem + " and ranges (`0,2-3`)"
            elif intervals[-1][1] >= completions:
                problem = f"succeededIndexes {indexes!r} reaches outside 0..{completions - 1}"
                yield indexes_node, problem + f" (completions: {completions})"
            else:
                total = sum(last - first + 1 for first, last in intervals)
        count_pair = nodes.entry(rule, "succeededCount")
        count = nodes.as_int(count_pair[1]) if count_pair is not None else None
        if count_pair is None or count is None:
            continue
        if count > completions:
            problem = f"succeededCount ({count}) must not be greater than completions"
            yield count_pair[0], problem + f" ({completions})"
        elif total is not None and count > total:
            problem = f"succeededCount ({count}) must not be greater than the {total} indexes"
            yield count_pair[0], problem + " of succeededIndexes"


def index_intervals(text: str) -> list[tuple[int, int]] | None:
    """`0,2-3` as [(0, 0), (2, 3)]; None unless every interval parses and each starts
    after the one before ends (the API server's own format)."""
    intervals: list[tuple[int, int]] = []
    for part in text.split(","):
        m = _INTERVAL.match(part)
        if m is None:
            return None
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) is not None else first
        if last < first or (intervals and intervals[-1][1] >= first):
            return None
        intervals.append((first, last))
    return intervals
