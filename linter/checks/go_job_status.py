"""Go code reading a Job's status (`job.Status.Succeeded`, `.Failed`, `.Active`, `.Ready`,
`.CompletionTime`, `.Conditions`) on a value that holds a batch Job. A Pod has none of
it: its phase says the same, by DESIGN.md's mapping; a count compared with 0 is rewritten
to the phase comparison, any other read is reported with the phase to read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.edits.go import NotRewritable
from linter.findings import Fix, Violation
from linter.kube.go.job_to_pod import core_alias
from linter.kube.go.jobs import kept_job_note
from linter.kube.go.status import PHASE_OF, status_reads
from linter.levels import FixSafety
from linter.sources.go import GoSource

TARGET = "go"


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    try:
        core, import_edits = core_alias(source)
    except NotRewritable:
        core, import_edits = "", None
    kept = kept_job_note(source)
    for read in status_reads(source, core or "corev1"):
        args = {"what": f"`Status.{read.field}`", "phase": PHASE_OF[read.field]}
        edit = read.edit(source) if import_edits is not None and kept is None else None
        if edit is None:
            reason = read.reason or kept or "the file cannot name k8s.io/api/core/v1"
            note = f" (not rewritten: {reason})"
            yield Violation(
                source.span(read.node), {**args, "note": note}, obj=source.scope_of(read.node)
            )
            continue
        assert import_edits is not None
        fix = Fix((edit, *import_edits), FixSafety.UNSAFE, f"Read the Pod's phase: {read.rewrite}")
        yield Violation(
            source.span(read.node), {**args, "note": ""}, fix, source.scope_of(read.node)
        )
