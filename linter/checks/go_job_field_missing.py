"""A Job built in Go that stays a Job without a spec field policy wants written down (the
TTL, JP610); thin wrappers become Pods (JP604) and need none."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.edits import go as go_edits
from linter.edits.go import NotRewritable
from linter.findings import Fix, Violation
from linter.kube.go import api, jobs
from linter.kube.go.job_to_pod import last_element
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource

TARGET = "go"


@dataclass(frozen=True)
class Params:
    field: str = param(description="The JobSpec field (Go name) that must be present.")
    fix_value: str | None = param(
        default=None,
        description="The CheckContext value the fix sets it to, as an `*int32` (none: no fix).",
    )


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for job in jobs.go_jobs(source):
        if job.spec is None or params.field in job.assigned:
            continue
        if params.field in api.keyed_elements(source, job.spec):
            continue
        if not jobs.blockers(source, job):
            continue
        spec_type = api.literal_type(job.spec_value)
        assert spec_type is not None
        yield Violation(
            source.span(spec_type),
            {"field": params.field},
            _fix(source, job, params, ctx),
            source.scope_of(job.literal),
        )


def _fix(source: GoSource, job: jobs.GoJob, params: Params, ctx: CheckContext) -> Fix | None:
    if params.fix_value is None or job.spec is None:
        return None
    value = getattr(ctx, params.fix_value)
    pointer = api.values(source).int32_pointer(value)
    # Without a pointer helper in the file, the fix would have to add an import the
    # module may not have: no fix, the finding stays.
    if pointer is None:
        return None
    literal = api.unwrap(job.spec_value) if job.spec_value is not None else None
    if literal is None:
        return None
    try:
        edit = go_edits.rewritten(
            source, literal, [last_element(source, job.spec, f"{params.field}: {pointer}")]
        )
    except NotRewritable:
        return None
    return Fix((edit,), FixSafety.SAFE, f"Set {params.field} to {value}")
