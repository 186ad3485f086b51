"""Jobs built in Go (`batchv1.Job{…}` with a spec, JP604): a thin wrapper becomes the Pod
literal of DESIGN.md's migration table; a Job that stays a Job is reported with the fields
that keep it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.edits.go import NotRewritable
from linter.findings import Fix, Violation
from linter.kube.go import job_to_pod, jobs
from linter.levels import FixSafety
from linter.sources.go import GoSource

TARGET = "go"
_THIN = "is a thin wrapper around one Pod: build the Pod itself and let the Task own it"


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for job in jobs.go_jobs(source):
        obj = source.scope_of(job.literal)
        type_node = job.literal.child_by_field_name("type")
        assert type_node is not None
        head = source.span(type_node)
        args = {"type": source.code(type_node)}
        found = jobs.blockers(source, job)
        if found:
            verdict = "stays a Job: a Pod cannot express " + "; ".join(b.describe() for b in found)
            yield Violation(head, {**args, "verdict": verdict}, obj=obj)
            continue
        try:
            conversion = job_to_pod.convert(source, job)
        except NotRewritable as exc:
            yield Violation(head, {**args, "verdict": f"{_THIN} (not rewritten: {exc})"}, obj=obj)
            continue
        title = "Build a Pod instead of the Job"
        if conversion.notes:
            title += " (" + "; ".join(conversion.notes) + ")"
        fix = Fix(tuple(conversion.edits), FixSafety.UNSAFE, title)
        yield Violation(head, {**args, "verdict": _THIN}, fix, obj)
