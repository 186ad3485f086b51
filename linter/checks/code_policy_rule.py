"""RBAC rules built in Python code (`V1PolicyRule(…)` or a rule dict) that grant batch
jobs: an operator that writes its own Roles keeps granting Jobs after the migration."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from linter.context import CheckContext
from linter.findings import Violation
from linter.kube import clients, code_jobs
from linter.settings import param
from linter.sources.python import PythonSource, walk

TARGET = "python"


@dataclass(frozen=True)
class Params:
    api_group: str = param(default="batch", description="The API group of the resources.")
    resources: list[str] = param(
        factory=lambda: ["jobs", "jobs/status", "jobs/finalizers"],
        description="Resources of the group that must not be granted.",
    )


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if source.module is None or not clients.uses_kubernetes(source):
        return
    for node in walk(source.module):
        fields = None
        if isinstance(node, cst.Call):
            found = clients.symbol(source, node.func)
            if found is not None and found.name == "V1PolicyRule":
                fields = code_jobs.fields_of(node)
        elif isinstance(node, cst.Dict):
            fields = code_jobs.fields_of(node)
        if fields is None:
            continue
        groups = _strings(fields.value("apiGroups"))
        resources = _strings(fields.value("resources"))
        if groups is None or resources is None:
            continue
        if params.api_group not in groups and "*" not in groups:
            continue
        granted = [r for r in resources if r in params.resources or r == "*"]
        if granted:
            args = {"resources": granted, "group": params.api_group}
            yield Violation(source.span(node), args, obj=source.scope_of(node))


def _strings(node: cst.BaseExpression | None) -> list[str] | None:
    if not isinstance(node, (cst.List, cst.Tuple)):
        return None
    values = [code_jobs.literal(e.value) for e in node.elements]
    return [v for v in values if isinstance(v, str)]
