"""Jobs that a Pod can replace (JP201), and Jobs kept as Jobs with what keeps them (JP206)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from linter.context import CheckContext
from linter.findings import Violation
from linter.kube import extract, job_to_pod, kustomize
from linter.kube.job_features import HOOK_ANNOTATIONS, QUEUE_PREFIXES, Kept, migration_blockers
from linter.settings import param
from linter.sources import nodes
from linter.sources.yaml import K8sObject

TARGET = "object"


@dataclass(frozen=True)
class Params:
    report: Literal["thin-wrapper", "blocked"] = param(
        description="`thin-wrapper`: Jobs a Pod can replace; `blocked`: Jobs that must stay "
        "Jobs, with each field that keeps them."
    )
    hook_annotations: list[str] = param(
        factory=lambda: list(HOOK_ANNOTATIONS),
        description="Annotations that make a Job a deploy tool's hook (Helm, Argo CD): the "
        "tool waits for the Job to complete, so the Job stays a Job. Empty: hooks are "
        "judged like any Job.",
    )
    queue_prefixes: list[str] = param(
        factory=lambda: list(QUEUE_PREFIXES),
        description="Label and annotation prefixes of a queue controller that admits Jobs "
        "by unsuspending them (Kueue): such a Job stays a Job.",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    parts = extract.job_parts(obj)
    # A patch (a partial Job) is neither a Job that stays nor one to rewrite on its own.
    if parts is None or parts.in_cronjob or kustomize.is_patch(obj):
        return
    kept = Kept(params.hook_annotations, params.queue_prefixes)
    blockers = migration_blockers(parts, extract.spec_rendered(obj, parts), kept)
    kind = nodes.get(obj.node, "kind")
    assert kind is not None
    name = obj.identity.name or "(unnamed)"
    if params.report == "blocked":
        if not blockers:
            return
        at = next((b.node for b in blockers if b.node is not None), kind)
        yield Violation(obj.span(at), {"name": name, "blockers": [b.describe() for b in blockers]})
        return
    if blockers:
        return
    try:
        conversion = job_to_pod.convert(obj)
    except job_to_pod.NotConvertible as exc:
        yield Violation(obj.span(kind), {"name": name, "note": f" (no automatic rewrite: {exc})"})
        return
    yield Violation(obj.span(kind), {"name": name, "note": ""}, conversion.fix())
