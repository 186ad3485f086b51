"""RBAC PolicyRules that grant resources of an API group (explicitly, or through `*`)."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from linter import extract
from linter.context import CheckContext
from linter.findings import Violation
from linter.sources import nodes
from linter.sources.nodes import Node
from linter.sources.yaml import K8sObject

TARGET = "object"


class Params(BaseModel):
    api_groups: list[str] = Field(description='API groups to look for (`""` is the core group).')
    resources: list[str] = Field(description="Resources (and subresources) to look for.")
    verbs: list[str] = Field(
        default_factory=list,
        description="Fire only when the rule grants one of these verbs (empty: any verb).",
    )
    wildcard: bool = Field(
        default=False,
        description="Report grants that reach the resources only through `*` instead of "
        "explicit ones.",
    )


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    for rule in extract.role_rules(obj):
        groups = _values(nodes.get(rule, "apiGroups"))
        resources = _values(nodes.get(rule, "resources"))
        verbs = _verbs(nodes.get(rule, "verbs"))
        if params.verbs and not ("*" in verbs or set(verbs) & set(params.verbs)):
            continue
        group_names = {g for g, _ in groups}
        explicit_group = bool(group_names & set(params.api_groups))
        explicit = [(r, n) for r, n in resources if r in params.resources]
        if not params.wildcard:
            if explicit_group and explicit:
                yield Violation(
                    obj.span(explicit[0][1]),
                    {
                        "kind": obj.kind,
                        "resources": [r for r, _ in explicit],
                        "groups": sorted(group_names & set(params.api_groups)),
                        "verbs": verbs or ["(none)"],
                    },
                )
            continue
        wild_group = "*" in group_names
        wild_resource = [(r, n) for r, n in resources if r == "*"]
        if (wild_group and (explicit or wild_resource)) or (explicit_group and wild_resource):
            at = next(n for g, n in groups if g == "*") if wild_group else wild_resource[0][1]
            reach = "apiGroups" if wild_group else "resources"
            yield Violation(
                obj.span(at),
                {
                    "kind": obj.kind,
                    "field": reach,
                    "resources": params.resources,
                    "groups": params.api_groups,
                    "verbs": verbs or ["(none)"],
                },
            )


def _values(node: Node | None) -> list[tuple[str, Node]]:
    """Plain strings of a list, with their nodes; templated items are not guessed at."""
    found = []
    for item in nodes.items(node):
        text = nodes.scalar(item)
        if text is not None:
            found.append((text, item))
    return found


def _verbs(node: Node | None) -> list[str]:
    return ["{{…}}" if nodes.is_templated(v) else nodes.scalar(v) or "" for v in nodes.items(node)]
