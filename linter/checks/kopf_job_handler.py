"""kopf handlers registered on batch/v1 Jobs. Once the Task creates its Pod itself the
handler watches Pods (`("", "v1", "pods")`), unless it reads status only a Job has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from linter.context import CheckContext
from linter.edits.python import replace_string_content
from linter.findings import Edit, Fix, Violation
from linter.kube import clients, code_jobs
from linter.levels import FixSafety
from linter.sources.python import PythonSource, walk

TARGET = "python"
# The decorators that take a resource: kopf.on.<cause>, kopf.timer, kopf.daemon, kopf.index.
_RESOURCE_DECORATORS = ("kopf.on.", "kopf.timer", "kopf.daemon", "kopf.index")
# Each string that names the Job resource, and what names the Pod in its place.
POD_OF = {"batch": "", "batch/v1": "v1", "jobs": "pods", "jobs.batch": "pods", "Job": "Pod"}
_RESOURCE_KEYWORDS = frozenset({"group", "version", "plural", "kind"})


@dataclass(frozen=True)
class Params:
    """No parameters."""


@dataclass(frozen=True)
class JobHandler:
    function: cst.FunctionDef
    decorator: cst.Call
    strings: tuple[cst.SimpleString, ...]


def job_handlers(source: PythonSource) -> Iterator[JobHandler]:
    if source.module is None or not clients.imports_any(source, ("kopf",)):
        return
    for node in walk(source.module):
        if not isinstance(node, cst.FunctionDef):
            continue
        for decorator in node.decorators:
            call = decorator.decorator
            if not isinstance(call, cst.Call):
                continue
            path = source.qualified(call.func) or ""
            if not path.startswith(_RESOURCE_DECORATORS):
                continue
            strings = _resource_strings(call)
            if strings is not None:
                yield JobHandler(node, call, strings)


def _resource_strings(call: cst.Call) -> tuple[cst.SimpleString, ...] | None:
    """The strings naming the resource when it is batch/v1 Jobs, else None."""
    named: list[tuple[str | None, cst.BaseExpression]] = []
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            named.append((None, arg.value))
        elif arg.keyword is not None and arg.keyword.value in _RESOURCE_KEYWORDS:
            named.append((arg.keyword.value, arg.value))
    values = [code_jobs.literal(v) for _, v in named]
    if not values or not all(isinstance(v, str) for v in values):
        return None
    texts = [str(v) for v in values]
    plural = {"jobs", "jobs.batch", "Job"} & set(texts)
    group = [t for k, t in zip((k for k, _ in named), texts, strict=True) if k == "group"]
    if (
        not plural
        or (group and group[0] != "batch")
        or any(t not in POD_OF and t != "v1" for t in texts)
    ):
        return None
    return tuple(v for _, v in named if isinstance(v, cst.SimpleString))


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    from linter.checks.code_job_status import status_reads

    reads_in_file = [(source.span(node), f) for node, f in status_reads(source)]
    for handler in job_handlers(source):
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
            note = f" (not rewritten: it reads Job status {', '.join(reads)}; map it to the Pod phase, see JP507)"
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
    from linter.checks.code_job_status import STATUS_FIELDS

    job_only = STATUS_FIELDS | {"conditions"}
    for arg in decorator.args:
        if arg.keyword is not None and arg.keyword.value == "field":
            value = code_jobs.literal(arg.value)
            parts = value.split(".") if isinstance(value, str) else []
            if parts[:1] == ["status"] and parts[1:2] and parts[1] in job_only:
                return {parts[1]}
    return set()


def _pod_string(source: PythonSource, node: cst.SimpleString) -> Edit | None:
    value = code_jobs.literal(node)
    if not isinstance(value, str) or value not in POD_OF:
        return None
    return replace_string_content(source, node, value, POD_OF[value])
