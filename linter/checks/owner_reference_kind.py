"""metadata.ownerReferences that name an owner of a given kind and API group (a batch Job):
the owner chain the migration replaces."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.context import CheckContext
from linter.findings import Violation
from linter.kube import extract
from linter.kube.job_features import kept_job_names
from linter.settings import param
from linter.sources import nodes
from linter.sources.yaml import K8sObject

if TYPE_CHECKING:
    from linter.sources.go import GoSource

TARGET = "object"


@dataclass(frozen=True)
class Params:
    kind: str = param(description="The owner kind to report.")
    api_group: str = param(
        description="The owner's API group (`batch`); a reference of another group with the "
        "same kind is not reported. A missing or templated apiVersion is reported."
    )
    kept_jobs_valid: bool = param(
        default=False,
        description="An owner that is a batch Job of the same file staying a Job (no thin "
        "wrapper, no patch) is valid: it still exists after the migration.",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    kept: frozenset[str] | None = None
    for reference in extract.owner_references(obj):
        kind = nodes.get(reference, "kind")
        if kind is None or nodes.scalar(kind) != params.kind:
            continue
        group = extract.api_group(nodes.scalar(nodes.get(reference, "apiVersion")))
        if group is not None and group != params.api_group:
            continue
        owner_node = nodes.get(reference, "name")
        owned_by = extract.name_text(obj, owner_node)
        if owned_by is not None and params.kept_jobs_valid:
            # A Job that stays a Job in this file keeps owning it (a fixture of its Pods).
            kept = kept_job_names(obj.source) if kept is None else kept
            if owned_by in kept:
                continue
        owner = "{{…}}" if nodes.is_templated(owner_node) else nodes.scalar(owner_node)
        args = {
            "kind": obj.kind,
            "name": obj.identity.name or "(unnamed)",
            "owner": owner or "(unnamed)",
        }
        yield Violation(obj.span(kind), args)


def check_go(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    """The same owner in Go: `metav1.OwnerReference{Kind: "Job", APIVersion: "batch/v1"}`,
    `batchv1.SchemeGroupVersion.WithKind("Job")` (for `metav1.NewControllerRef`), and
    `SetControllerReference` / `SetOwnerReference` with a Job as the owner."""
    from linter.kube.go.jobs import kept_job_note
    from linter.kube.go.owners import job_owners

    # The Job that stays a Job in this file keeps owning what it owns.
    if params.kept_jobs_valid and kept_job_note(source) is not None:
        return
    for node, owner in job_owners(source, params.kind, params.api_group):
        args = {"kind": "An object", "name": "built here", "owner": owner}
        yield Violation(source.span(node), args, obj=source.scope_of(node))
