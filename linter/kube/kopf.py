"""kopf handlers registered on batch/v1 Jobs, and the strings that name the resource."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from linter.kube import clients, code_jobs
from linter.sources.python import PythonSource, walk

# The decorators that take a resource: kopf.on.<cause>, kopf.timer, kopf.daemon, kopf.index.
_RESOURCE_DECORATORS = ("kopf.on.", "kopf.timer", "kopf.daemon", "kopf.index")
# Each string that names the Job resource, and what names the Pod in its place.
POD_OF = {"batch": "", "batch/v1": "v1", "jobs": "pods", "jobs.batch": "pods", "Job": "Pod"}
_RESOURCE_KEYWORDS = frozenset({"group", "version", "plural", "kind"})


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
