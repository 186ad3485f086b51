"""BatchV1Api calls on Jobs (`create_namespaced_job`, `list_job_for_all_namespaces` …)
through whatever holds the client (client_index follows them), and the BatchV1Api
clients themselves. Where the file builds only Jobs that become Pods, one fix on the
client turns it into a CoreV1Api and every Job call on it into the Pod call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from linter.context import CheckContext
from linter.findings import Fix, Violation
from linter.kube import batch_api, clients
from linter.levels import FixSafety
from linter.sources.python import PythonSource

TARGET = "python"


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for group in batch_api.client_groups(source):
        for use in group.uses:
            new = batch_api.pod_method(use.method)
            detail = f"manages a Job: the Task's Pod takes CoreV1Api `{new}`"
            if group.reason is not None:
                detail += f" (not rewritten: {group.reason})"
            elif not source.planned:
                # In a migration the unit decides; the report says whether it converted.
                detail += " (rewritten by the fix on the client)"
            call = f"`{use.method}` on the BatchV1Api from {use.api.origin}"
            args = {"call": call, "detail": detail}
            span = source.span(use.attribute.attr)
            yield Violation(span, args, obj=source.scope_of(use.attribute))
        # A client made here for another module's calls converts with them (a migration).
        serves = group.uses or group.stops or source.planned
        if group.reason is None and group.edits and serves:
            fix = Fix(tuple(group.edits), FixSafety.UNSAFE, "Use CoreV1Api and its Pod methods")
            holder = group.anchor
            args = {
                "call": f"`{clients.short_code(source.code(holder))}`"
                + clients.where_in(source, holder),
                "detail": "serves only Jobs that become Pods: create a CoreV1Api and call its "
                "Pod methods",
            }
            yield Violation(source.span(holder), args, fix, source.scope_of(holder))
