"""A Job built in Python code without a spec field that policy wants written down (TTL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import libcst as cst

from linter.context import CheckContext
from linter.edits.python import append_member
from linter.findings import Fix, Violation
from linter.kube import code_jobs
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.python import PythonSource

TARGET = "python"


@dataclass(frozen=True)
class Params:
    field: str = param(description="The Job spec field (camelCase) that must be present.")
    fix_value: Literal["ttl_seconds_after_finished", "backoff_limit"] | None = param(
        default=None, description="The configured value the fix inserts (none: no fix)."
    )


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for job in code_jobs.code_jobs(source):
        spec = job.spec
        # CronJob templates are cleaned up by their history limits; thin wrappers become
        # Pods (JP502, JP503), owned by the Task; a spec passed as **kwargs may hold it.
        if spec is None or job.in_cronjob or job.library != "kubernetes" or spec.dynamic:
            continue
        if params.field in spec.members or not code_jobs.blockers(job):
            continue
        shown = params.field if spec.is_dict else code_jobs.snake(params.field)
        fix = None
        if params.fix_value is not None:
            value = getattr(ctx, params.fix_value)
            edit = append_member(source, spec.node, spec.member_text(params.field, str(value)))
            fix = Fix((edit,), FixSafety.SAFE, f"Set {shown} to {value}")
        span = source.span(spec.node.func if isinstance(spec.node, cst.Call) else spec.node)
        yield Violation(span, {"field": shown}, fix, source.scope_of(spec.node))
