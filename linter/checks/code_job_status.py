"""Controller code reading a Job's status (succeeded, failed, active, conditions Complete
or Failed). A Pod has none of it: its phase says the same, by DESIGN.md's mapping, which
the finding gives. Only files that handle Jobs or the Task's Pods are read (BatchV1Api
Job calls, CoreV1Api Pod calls, Job or Pod models and manifests, kopf handlers on Jobs):
elsewhere `status.succeeded` is some other system's."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Fix, Violation
from linter.kube.job_status import (
    CONDITION_TYPES,
    PHASE_OF,
    api_results,
    handles_jobs,
    handles_pods,
    off_api_call,
    phase_rewrite,
    root_name,
    status_reads,
    write_targets,
)
from linter.levels import FixSafety
from linter.sources.python import PythonSource

TARGET = "python"


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if source.module is None:
        return
    # Where Jobs are handled every status read is suspect; where only Pods are (after the
    # calls were migrated), the reads of what a Pod call returned: `pod.status.succeeded`
    # is None forever, while a Task's own `status.get("failed")` is its own business.
    if handles_jobs(source):
        roots = None
    elif handles_pods(source):
        roots = api_results(source)
    else:
        return
    written = write_targets(source)
    for node, field in status_reads(source):
        if id(node) in written:
            continue
        if roots is not None and (
            field in CONDITION_TYPES
            or (root_name(node) not in roots and not off_api_call(source, node))
        ):
            continue
        what = f"condition `{field}`" if field in CONDITION_TYPES else f"`status.{field}`"
        rewrite = phase_rewrite(source, node, field)
        fix = None
        if rewrite.edits:
            fix = Fix(rewrite.edits, FixSafety.UNSAFE, rewrite.title)
        args = {
            "what": what,
            "phase": PHASE_OF[field],
            "note": f" (not rewritten: {rewrite.reason})" if rewrite.reason else "",
        }
        yield Violation(source.span(node), args, fix, obj=source.scope_of(node))
