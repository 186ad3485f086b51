"""BatchV1Api calls on Jobs (`create_namespaced_job`, `list_job_for_all_namespaces` …)
through whatever holds the client (client_index follows them), and the BatchV1Api
clients themselves. Where the file builds only Jobs that become Pods, one fix on the
client turns it into a CoreV1Api and every Job call on it into the Pod call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

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
    index = clients.client_index(source)
    uses = batch_api.job_uses(source)
    if not uses:
        return
    edits, reason = batch_api.client_rewrite(source)
    holder = _first_client(source, index)
    for use in uses:
        new = batch_api.pod_method(use.method)
        detail = f"manages a Job: the Task's Pod takes CoreV1Api `{new}`"
        if reason is not None:
            detail += f" (not rewritten: {reason})"
        else:
            detail += " (rewritten by the fix on the client)"
        args = {"call": f"`{use.method}` on the BatchV1Api from {use.api.origin}", "detail": detail}
        yield Violation(source.span(use.attribute.attr), args, obj=source.scope_of(use.attribute))
    if reason is None and edits:
        fix = Fix(tuple(edits), FixSafety.UNSAFE, "Use CoreV1Api and its Pod methods")
        args = {
            "call": f"`{clients.short_code(source.code(holder))}`"
            + clients.where_in(source, holder),
            "detail": "serves only Jobs that become Pods: create a CoreV1Api and call its Pod methods",
        }
        yield Violation(source.span(holder), args, fix, source.scope_of(holder))


def _first_client(source: PythonSource, index: clients.ClientIndex) -> cst.CSTNode:
    """Where the file-wide fix is reported: the first construction, else annotation."""
    nodes: list[cst.CSTNode] = [
        c.func for c, cls in index.constructions if cls.name == batch_api.BATCH_API
    ]
    if not nodes:
        nodes = [a.node for a in index.annotations if a.cls.name == batch_api.BATCH_API]
    return min(nodes, key=lambda n: source.span(n).start)
