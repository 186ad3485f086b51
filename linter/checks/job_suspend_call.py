"""A Task stopped by patching its Job (`{"spec": {"suspend": True}}` or `parallelism: 0`):
the Pod-based Task stops by deleting its Pod, with a grace period for the container."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from linter.context import CheckContext
from linter.findings import Edit, Fix, Violation
from linter.kube import batch_api, clients, code_jobs
from linter.levels import FixSafety
from linter.sources.python import PythonSource

TARGET = "python"
# Arguments of patch_namespaced_job that delete_namespaced_pod also takes.
_KEPT = frozenset({"name", "namespace", "pretty", "dry_run", "async_req", "_request_timeout"})


@dataclass(frozen=True)
class Params:
    """No parameters."""


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for use in clients.client_index(source).uses:
        stop = code_jobs.suspend_patch(source, use)
        if stop is None or use.call is None:
            continue
        reason = _unrewritable(use.call) or _client_stays(source, use.api)
        note = f" (not rewritten: {reason})"
        args = {"field": stop, "origin": use.api.origin, "note": note if reason else ""}
        fix = None
        if reason is None and use.api.cls.name == "BatchV1Api":
            edits = _edits(source, use, ctx.stop_grace_period_seconds)
            title = (
                f"Delete the Pod with a {ctx.stop_grace_period_seconds} s grace period "
                "(behaviour change: the Task's container gets SIGTERM and the Pod is gone; "
                "resuming means creating a new Pod)"
            )
            fix = Fix(tuple(edits), FixSafety.UNSAFE, title)
        yield Violation(source.span(use.attribute.attr), args, fix, source.scope_of(use.call))


def _unrewritable(call: cst.Call) -> str | None:
    for arg in call.args:
        if arg.star:
            return "it passes star arguments"
        if arg.keyword is not None and arg.keyword.value not in _KEPT | {"body"}:
            return f"it passes `{arg.keyword.value}`, which delete_namespaced_pod does not take"
    return None


def _client_stays(source: PythonSource, api: clients.Api) -> str | None:
    """Why the client stays a BatchV1Api (JP501 offers no rewrite), if it does."""
    group = batch_api.group_of(source, api)
    reason = group.reason if group is not None else "it is not a BatchV1Api job2pod follows"
    return f"the client stays a BatchV1Api: {reason}" if reason is not None else None


def _edits(source: PythonSource, use: clients.ApiUse, grace: int) -> list[Edit]:
    """The method renamed and the body argument replaced by the grace period, in place."""
    assert use.call is not None
    method = source.span(use.attribute.attr)
    body = code_jobs.patch_body(use.call)
    arg = next(a for a in use.call.args if a.value is body)
    where = source.span(arg)
    return [
        Edit(method.start, method.end, "delete_namespaced_pod"),
        Edit(where.start, where.end, f"grace_period_seconds={grace}"),
    ]
