"""RBAC PolicyRules that grant resources of an API group (explicitly, or through `*`).

With `replace_with`, the fix removes the matched resources and makes sure a core-group
rule grants the same verbs on that resource (plus `delete` where the old grant could
patch or update: stopping becomes deleting).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from linter.context import CheckContext
from linter.edits import yaml as yaml_edits
from linter.findings import Edit, Fix, Violation
from linter.kube import extract
from linter.levels import FixSafety
from linter.settings import param
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, SequenceNode
from linter.sources.yaml import K8sObject

TARGET = "object"
_WRITE_VERBS = {"patch", "update"}
_TEMPLATED = "{{…}}"


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
        description="Report grants that reach the resources only through `*` instead of "
        "explicit ones.",
    )
    replace_with: str | None = param(
        default=None,
        description="Core-group resource that takes over the grant in the fix (e.g. `pods`); "
        "unset: no fix.",
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
    fixes = _fixes(obj, grants, offenders, params) if params.replace_with else {}
    for grant in offenders:
        matched = _explicit(grant, params)
        yield Violation(
            obj.span(matched[0][1]),
            {
                "kind": obj.kind,
                "resources": [r for r, _ in matched],
                "groups": sorted({g for g, _ in grant.groups} & set(params.api_groups)),
                "verbs": grant.verbs or ["(none)"],
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
        wild_group = [n for g, n in grant.groups if g == "*"]
        wild_resource = [n for r, n in grant.resources if r == "*"]
        if not ((wild_group and (explicit or wild_resource)) or (explicit_group and wild_resource)):
            continue
        at = wild_group[0] if wild_group else wild_resource[0]
        yield Violation(
            obj.span(at),
            {
                "kind": obj.kind,
                "field": "apiGroups" if wild_group else "resources",
                "resources": params.resources,
                "groups": params.api_groups,
                "verbs": grant.verbs or ["(none)"],
            },
        )


def _fixes(
    obj: K8sObject, grants: list[_Grant], offenders: list[_Grant], params: Params
) -> dict[int, Fix]:
    """One fix per offending rule; the first also carries the replacement grant, computed
    for the whole Role so that two jobs rules do not add two pods rules."""
    rules_node = nodes.get(obj.node, "rules")
    if not isinstance(rules_node, SequenceNode) or not offenders:
        return {}
    target = params.replace_with or ""
    missing = _missing_verbs(grants, offenders, target)
    fixes: dict[int, Fix] = {}
    for position, grant in enumerate(offenders):
        add = missing if position == 0 else []
        edits = _rule_edits(obj, rules_node, grant, params, target, add)
        if edits is None:
            continue
        title = f"Remove {', '.join(r for r, _ in _explicit(grant, params))} from the rule"
        if add:
            title += f"; grant {', '.join(add)} on core {target}"
        fixes[grant.index] = Fix(tuple(edits), FixSafety.UNSAFE, title)
    return fixes


def _missing_verbs(grants: list[_Grant], offenders: list[_Grant], target: str) -> list[str]:
    needed: list[str] = []
    for grant in offenders:
        for verb in grant.verbs:
            if verb not in needed:
                needed.append(verb)
    if _WRITE_VERBS & set(needed) and "delete" not in needed:
        needed.append("delete")
    covered: set[str] = set()
    for grant in grants:
        groups = {g for g, _ in grant.groups}
        resources = {r for r, _ in grant.resources}
        if groups & {"", "*"} and resources & {target, "*"}:
            covered.update(grant.verbs)
    if "*" in covered:
        return []
    return [v for v in needed if v not in covered]


def _rule_edits(
    obj: K8sObject,
    rules_node: SequenceNode,
    grant: _Grant,
    params: Params,
    target: str,
    add: list[str],
) -> list[Edit] | None:
    resources_node = nodes.get(grant.rule, "resources")
    if not isinstance(resources_node, SequenceNode) or any(
        nodes.scalar(n) is None for n in resources_node.value
    ):
        return None
    removed = [i for i, n in enumerate(resources_node.value) if nodes.scalar(n) in params.resources]
    left_empty = len(removed) == len(resources_node.value)
    if left_empty and add:
        return _retarget(obj, grant, target, add)
    if left_empty:
        return [yaml_edits.remove_item(obj, rules_node, grant.index, with_comments=True)]
    if _TEMPLATED in add:
        return None  # the verbs cannot be copied into a new rule without the template
    edits = _remove_items(obj, resources_node, removed)
    if add:
        _, end = _rule_region(obj, rules_node, grant.index)
        rendered = _render_rule(obj, grant.rule, rules_node, target, add)
        if yaml_edits.is_flow(rules_node):
            rendered = ", " + rendered
        elif not obj.source.text[:end].endswith(("\n", "\r")):
            # The rule ends the file without a final line break: the new rule starts one.
            nl = yaml_edits.newline_of(obj.source.text)
            rendered = nl + rendered[: -len(nl)]
        edits.append(Edit(end, end, rendered))
    return edits


def _retarget(obj: K8sObject, grant: _Grant, target: str, add: list[str]) -> list[Edit] | None:
    """Turn a rule that granted only the removed resources into the core-group grant,
    in place: its layout, comments and (when they are all needed) its verbs stay."""
    groups = nodes.get(grant.rule, "apiGroups")
    resources = nodes.get(grant.rule, "resources")
    verbs = nodes.get(grant.rule, "verbs")
    if not isinstance(groups, SequenceNode) or not isinstance(resources, SequenceNode):
        return None
    edits = [
        yaml_edits.replace_list(obj, groups, [""]),
        yaml_edits.replace_list(obj, resources, [target]),
    ]
    if sorted(add) != sorted(grant.verbs) and _TEMPLATED not in add:
        if not isinstance(verbs, SequenceNode):
            return None
        edits.append(yaml_edits.replace_list(obj, verbs, add))
    return edits


def _remove_items(obj: K8sObject, seq: SequenceNode, indexes: Sequence[int]) -> list[Edit]:
    """Remove several items of one list: flow lists are rewritten as one edit."""
    if not yaml_edits.is_flow(seq):
        return [yaml_edits.remove_item(obj, seq, i) for i in indexes]
    keep = [obj.source_text(n) for i, n in enumerate(seq.value) if i not in indexes]
    first, last = obj.span(seq.value[0]), obj.span(seq.value[-1])
    return [Edit(first.start, last.end, ", ".join(keep))]


def _rule_region(obj: K8sObject, rules_node: SequenceNode, index: int) -> tuple[int, int]:
    if yaml_edits.is_flow(rules_node):
        span = obj.span(rules_node.value[index])
        return span.start, span.end
    return yaml_edits.block_item_region(obj, rules_node, index)


def _render_rule(
    obj: K8sObject, like: MappingNode, rules_node: SequenceNode, target: str, verbs: list[str]
) -> str:
    """A core-group rule for `target` in the layout and quoting of the rule `like`."""
    fields = [("apiGroups", [""]), ("resources", [target]), ("verbs", verbs)]
    parts = [f"{key}: {_flow_list(values, nodes.get(like, key))}" for key, values in fields]
    flow = "{" + ", ".join(parts) + "}"
    if yaml_edits.is_flow(rules_node):
        return flow
    text = obj.source.text
    nl = yaml_edits.newline_of(text)
    first_key = like.value[0][0] if not yaml_edits.is_flow(like) else like
    key_col = yaml_edits.column(obj, first_key)
    item_start = yaml_edits.line_start(text, obj.span(first_key).start)
    dash_col = text.index("-", item_start) - item_start
    if yaml_edits.is_flow(like):
        # A flow mapping as an item of a block list: `- {apiGroups: …}` on a line of its own.
        return " " * dash_col + "-" + " " * (key_col - dash_col - 1) + flow + nl
    lines = []
    for position, (key, values) in enumerate(fields):
        original = nodes.get(like, key)
        prefix = (
            " " * dash_col + "-" + " " * (key_col - dash_col - 1)
            if position == 0
            else " " * key_col
        )
        if original is None or yaml_edits.is_flow(original) or not nodes.items(original):
            lines.append(f"{prefix}{key}: {_flow_list(values, original)}")
            continue
        item_col = yaml_edits.column(obj, original.value[0]) - 2
        example = original.value[0]
        lines.append(f"{prefix}{key}:")
        lines.extend(f"{' ' * item_col}- {yaml_edits.quote_like(v, example)}" for v in values)
    return nl.join(lines) + nl


def _flow_list(values: list[str], original: Node | None) -> str:
    example = yaml_edits.first_item(original)
    return "[" + ", ".join(yaml_edits.quote_like(v, example) for v in values) + "]"


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
        _TEMPLATED if nodes.is_templated(v) else nodes.scalar(v) or "" for v in nodes.items(node)
    ]
