"""RBAC PolicyRules that grant resources of an API group (explicitly, or through `*`).

With `replace_with`, the fix removes the matched resources and makes sure a core-group
rule grants what replaces them, least privilege: the verbs of the matched resource (not
its subresources) mapped through `verb_map` (linter/kube/rbac.py computes the grant). A
ClusterRole with an aggregationRule has controller-managed rules and is never edited.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.context import CheckContext
from linter.edits import yaml as yaml_edits
from linter.findings import Edit, Fix, Violation
from linter.kube import extract, rbac
from linter.levels import FixSafety
from linter.settings import param
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, SequenceNode
from linter.sources.yaml import K8sObject

if TYPE_CHECKING:
    from linter.migration.tree import TreeFacts

TARGET = "object"
_FINALIZERS = "/finalizers"


@dataclass(frozen=True)
class Params:
    api_groups: list[str] = param(description='API groups to look for (`""` is the core group).')
    resources: list[str] = param(description="Resources (and subresources) to look for.")
    verbs: list[str] = param(
        factory=list,
        description="Fire only when the rule grants one of these verbs (empty: any verb).",
    )
    wildcard: bool = param(
        default=False,
        description="Report grants that reach the resources only through `*` (or "
        "`*/<subresource>`) instead of explicit ones.",
    )
    replace_with: str | None = param(
        default=None,
        description="Core-group resource that takes over the grant in the fix (e.g. `pods`); "
        "unset: no fix. Only the resources without a subresource are replaced; "
        "subresource grants (`jobs/status`) are removed, never mapped.",
    )
    verb_map: dict[str, list[str]] = param(
        factory=lambda: {k: list(v) for k, v in rbac.JOBS_TO_PODS_VERBS.items()},
        description="What each verb of the replaced grant becomes on `replace_with`; a verb "
        "not in the map gives nothing (least privilege: update and patch become delete).",
    )


@dataclass(frozen=True)
class _Grant:
    index: int
    rule: MappingNode
    groups: list[tuple[str, Node]]
    resources: list[tuple[str, Node]]
    verbs: list[str]


def check(obj: K8sObject, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    grants = _grants(obj)
    if params.wildcard:
        yield from _wildcards(obj, grants, params)
        return
    offenders = [g for g in grants if _explicit(g, params) and _grants_verbs(g, params)]
    aggregation = _aggregation(obj)
    fixes = {}
    if params.replace_with and aggregation is None:
        fixes = _fixes(obj, offenders, params, params.replace_with, ctx.tree)
    for grant in offenders:
        matched = _explicit(grant, params)
        if aggregation is not None:
            note = (
                "; its rules are managed by the aggregation controller, which fills them from "
                f"the ClusterRoles labelled {aggregation}: change those, not this one"
            )
        else:
            note = _finalizers_note(obj, [r for r, _ in matched], params)
        yield Violation(
            obj.span(matched[0][1]),
            {
                "kind": obj.kind,
                "resources": [r for r, _ in matched],
                "groups": sorted({g for g, _ in grant.groups} & set(params.api_groups)),
                "verbs": grant.verbs or ["(none)"],
                "note": note,
            },
            fixes.get(grant.index),
        )


def _grants(obj: K8sObject) -> list[_Grant]:
    found = []
    for index, rule in enumerate(nodes.items(nodes.get(obj.node, "rules"))):
        if not isinstance(rule, MappingNode) or obj.kind not in extract.ROLE_KINDS:
            continue
        found.append(
            _Grant(
                index,
                rule,
                _values(nodes.get(rule, "apiGroups")),
                _values(nodes.get(rule, "resources")),
                _verbs(nodes.get(rule, "verbs")),
            )
        )
    return found


def _explicit(grant: _Grant, params: Params) -> list[tuple[str, Node]]:
    if not {g for g, _ in grant.groups} & set(params.api_groups):
        return []
    return [(r, n) for r, n in grant.resources if r in params.resources]


def _grants_verbs(grant: _Grant, params: Params) -> bool:
    return not params.verbs or "*" in grant.verbs or bool(set(grant.verbs) & set(params.verbs))


def _wildcards(obj: K8sObject, grants: list[_Grant], params: Params) -> Iterator[Violation]:
    for grant in grants:
        if not _grants_verbs(grant, params):
            continue
        group_names = {g for g, _ in grant.groups}
        explicit_group = bool(group_names & set(params.api_groups))
        explicit = [n for r, n in grant.resources if r in params.resources]
        wild_group = [n for g, n in grant.groups if g == rbac.WILDCARD]
        wild_resource = [n for r, n in grant.resources if r == rbac.WILDCARD]
        # `*/status` covers the status subresource of every resource (the RBAC authorizer's
        # ResourceMatches): in the batch group that is jobs/status.
        wild_sub = [
            (r, n)
            for r, n in grant.resources
            if r.startswith("*/") and any(p.endswith(r[1:]) for p in params.resources)
        ]
        reached = wild_group and (explicit or wild_resource or wild_sub)
        if not (reached or (explicit_group and (wild_resource or wild_sub))):
            continue
        if wild_group:
            at, field = wild_group[0], "apiGroups"
        else:
            at, field = (wild_resource or [n for _, n in wild_sub])[0], "resources"
        covered = params.resources
        if not wild_resource and not explicit and wild_sub:
            covered = [p for p in params.resources if any(p.endswith(r[1:]) for r, _ in wild_sub)]
        yield Violation(
            obj.span(at),
            {
                "kind": obj.kind,
                "field": field,
                "resources": covered,
                "groups": params.api_groups,
                "verbs": grant.verbs or ["(none)"],
            },
        )


def _aggregation(obj: K8sObject) -> str | None:
    """The label selectors of a ClusterRole's aggregationRule, as text; None without one."""
    rule = nodes.get(obj.node, "aggregationRule")
    if obj.kind != "ClusterRole" or rule is None:
        return None
    selectors = []
    for selector in nodes.items(nodes.get(rule, "clusterRoleSelectors")):
        labels = [
            f"{k.value}={nodes.scalar(v) or '…'}"
            for k, v in nodes.entries(nodes.get(selector, "matchLabels"))
        ]
        for expression in nodes.items(nodes.get(selector, "matchExpressions")):
            key = nodes.scalar(nodes.get(expression, "key")) or "…"
            operator = nodes.scalar(nodes.get(expression, "operator")) or "…"
            labels.append(f"{key} {operator}")
        if labels:
            selectors.append(",".join(labels))
    return " or ".join(f"`{s}`" for s in selectors) or "its clusterRoleSelectors"


def _finalizers_note(obj: K8sObject, matched: Sequence[str], params: Params) -> str:
    """After the migration the Task owns its Pod: setting blockOwnerDeletion on that
    ownerReference needs update on the Task's finalizers, not the Job's
    (OwnerReferencesPermissionEnforcement)."""
    if not params.replace_with or not any(r.endswith(_FINALIZERS) for r in matched):
        return ""
    owners = [
        f"{resource}/finalizers ({group})"
        for rule in rbac.policy_rules(obj)
        for group in rule.api_groups
        if extract.is_custom_group(group)
        for resource in rule.resources
        if "/" not in resource and resource not in (rbac.WILDCARD, rbac.TEMPLATED)
    ]
    where = ", ".join(dict.fromkeys(owners)) or "<tasks>/finalizers of the Task's API group"
    return (
        "; blockOwnerDeletion on the Pod's ownerReference to its Task then needs update on "
        f"{where}, not on jobs/finalizers"
    )


def _code_grants(needed: Sequence[tuple[str, str]]) -> list[rbac.Grant]:
    """(resource, verb) pairs as one grant per resource, verbs in the order first needed."""
    by_resource: dict[str, list[str]] = {}
    for resource, verb in needed:
        verbs = by_resource.setdefault(resource, [])
        if verb not in verbs:
            verbs.append(verb)
    return [rbac.Grant((resource,), tuple(verbs)) for resource, verbs in by_resource.items()]


def _grant_only(
    obj: K8sObject, grant: _Grant, rules: Sequence[rbac.PolicyRule], missing: Sequence[rbac.Grant]
) -> dict[int, Fix]:
    """The batch jobs grant stays (a unit that stays a Job still needs it); the converted
    code's pods grant is added beside it."""
    if not missing:
        return {}
    granted = rbac.grant_edits(obj, missing, rules, after=grant.index)
    if granted is None:
        return {}
    title = "Keep the jobs grant (a Job that stays a Job needs it)"
    for extra in missing:
        title += f"; grant {', '.join(extra.verbs)} on core {', '.join(extra.resources)}"
    return {grant.index: Fix(tuple(granted.edits), FixSafety.UNSAFE, title)}


def _fixes(
    obj: K8sObject,
    offenders: list[_Grant],
    params: Params,
    target: str,
    plan: TreeFacts | None = None,
) -> dict[int, Fix]:
    """One fix per offending rule; the first also carries the replacement grant, computed
    for the whole Role so that two jobs rules do not add two pods rules."""
    rules_node = nodes.get(obj.node, "rules")
    if not isinstance(rules_node, SequenceNode) or not offenders:
        return {}
    rules = rbac.policy_rules(obj)
    by_index = {rule.index: rule for rule in rules}
    replaced = [r for r in params.resources if "/" not in r]
    mapped = [by_index[g.index] for g in offenders if set(replaced) & {r for r, _ in g.resources}]
    planned = plan.roles.get(obj.source.path) if plan is not None else None
    if planned is not None and planned.needed is not None:
        # In a migration, the pods grant is what the converted code calls.
        needed = _code_grants(planned.needed)
    elif any(rbac.TEMPLATED in rule.verbs for rule in mapped):
        return {}  # what a templated verb needs on pods is unknown: mapped by hand
    else:
        needed = [
            grant
            for resource in replaced
            for grant in rbac.replacement_grants(mapped, resource, target, params.verb_map)
        ]
    missing = rbac.missing_grants(needed, rules)
    if planned is not None and planned.keep_jobs:
        return _grant_only(obj, offenders[0], rules, missing)
    fixes: dict[int, Fix] = {}
    for position, grant in enumerate(offenders):
        add = missing if position == 0 else []
        edits = _rule_edits(obj, rules_node, grant, params, by_index[grant.index], rules, add)
        if edits is None:
            continue
        title = f"Remove {', '.join(r for r, _ in _explicit(grant, params))} from the rule"
        for extra in add:
            title += f"; grant {', '.join(extra.verbs)} on core {', '.join(extra.resources)}"
            if extra.resource_names:
                title += f" named {', '.join(extra.resource_names)}"
        title += _finalizers_note(obj, [r for r, _ in _explicit(grant, params)], params)
        fixes[grant.index] = Fix(tuple(edits), FixSafety.UNSAFE, title)
    return fixes


def _rule_edits(
    obj: K8sObject,
    rules_node: SequenceNode,
    grant: _Grant,
    params: Params,
    rule: rbac.PolicyRule,
    rules: Sequence[rbac.PolicyRule],
    add: Sequence[rbac.Grant],
) -> list[Edit] | None:
    resources_node = nodes.get(grant.rule, "resources")
    if not isinstance(resources_node, SequenceNode) or any(
        nodes.scalar(n) is None for n in resources_node.value
    ):
        return None
    removed = [i for i, n in enumerate(resources_node.value) if nodes.scalar(n) in params.resources]
    left_empty = len(removed) == len(resources_node.value)
    reuse = rule if left_empty else None
    granted = rbac.grant_edits(obj, add, rules, after=grant.index, reuse=reuse)
    if granted is None:
        return None
    if granted.reused:
        return granted.edits
    if left_empty:
        removal = [yaml_edits.remove_item(obj, rules_node, grant.index, with_comments=True)]
    else:
        removal = _remove_items(obj, resources_node, removed)
    return removal + granted.edits


def _remove_items(obj: K8sObject, seq: SequenceNode, indexes: Sequence[int]) -> list[Edit]:
    """Remove several items of one list: flow lists are rewritten as one edit."""
    if not yaml_edits.is_flow(seq):
        return [yaml_edits.remove_item(obj, seq, i) for i in indexes]
    keep = [obj.source_text(n) for i, n in enumerate(seq.value) if i not in indexes]
    first, last = obj.span(seq.value[0]), obj.span(seq.value[-1])
    return [Edit(first.start, last.end, ", ".join(keep))]


def _values(node: Node | None) -> list[tuple[str, Node]]:
    """Plain strings of a list, with their nodes; templated items are not guessed at."""
    found = []
    for item in nodes.items(node):
        text = nodes.scalar(item)
        if text is not None:
            found.append((text, item))
    return found


def _verbs(node: Node | None) -> list[str]:
    return [
        rbac.TEMPLATED if nodes.is_templated(v) else nodes.scalar(v) or ""
        for v in nodes.items(node)
    ]
