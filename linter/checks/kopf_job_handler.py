"""kopf handlers registered on batch/v1 Jobs. Once the Task creates its Pod itself the
handler watches Pods (`("", "v1", "pods")`), unless it reads status only a Job has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from linter.context import CheckContext
from linter.edits.python import replace_string_content
from linter.findings import Edit, Fix, Violation
from linter.kube import code_jobs, job_status, kopf
from linter.levels import FixSafety
from linter.sources.python import PythonSource

TARGET = "python"


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    # A read JP507 rewrites to the Pod phase goes with the handler; any other keeps it.
    reads_in_file = [
        (source.span(node), f)
        for node, f in job_status.status_reads(source)
        if not job_status.phase_rewrite(source, node, f).edits
    ]
    for handler in kopf.job_handlers(source):
        # The body, and the decorator's own filters (`when=lambda status, **_: …`).
        spans = (source.span(handler.function), source.span(handler.decorator))
        reads = sorted(
            {
                f
                for at, f in reads_in_file
                if any(s.start <= at.start and at.end <= s.end for s in spans)
            }
            | _field_reads(handler.decorator)
        )
        name = handler.function.name.value
        fix = None
        note = ""
        if reads:
            note = (
                f" (not rewritten: it reads Job status {', '.join(reads)} that no Pod phase "
                "says; see JP507)"
            )
        else:
            edits = [e for e in (_pod_string(source, s) for s in handler.strings) if e]
            fix = Fix(tuple(edits), FixSafety.UNSAFE, 'Handle the Task\'s Pods: ("", "v1", "pods")')
        args = {"handler": name, "note": note}
        yield Violation(
            source.span(handler.decorator), args, fix, source.scope_of(handler.function)
        )


def _field_reads(decorator: cst.Call) -> set[str]:
    """`field="status.succeeded"` (or its conditions): the handler is about Job status
    even when its body reads none. `field="status"` alone is not: Pods have one too."""
    job_only = job_status.STATUS_FIELDS | {"conditions"}
    for arg in decorator.args:
        if arg.keyword is not None and arg.keyword.value == "field":
            value = code_jobs.literal(arg.value)
            parts = value.split(".") if isinstance(value, str) else []
            if parts[:1] == ["status"] and parts[1:2] and parts[1] in job_only:
                return {parts[1]}
    return set()


def _pod_string(source: PythonSource, node: cst.SimpleString) -> Edit | None:
    value = code_jobs.literal(node)
    if not isinstance(value, str) or value not in kopf.POD_OF:
        return None
    return replace_string_content(source, node, value, kopf.POD_OF[value])
