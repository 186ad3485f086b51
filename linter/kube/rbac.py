"""RBAC PolicyRules as plain data, what they authorize, and the grant a Pod-based Task
controller needs instead of batch Jobs: least privilege, as text edits of a Role.

Matching follows the RBAC authorizer (RBAC reference, Referring to resources): a rule
covers a request when its apiGroups hold the group or `*`, its resources hold the
resource, `*`, or `*/<subresource>`, its verbs hold the verb or `*`, and it names no
resourceNames (a rule with names covers only those objects, so it never counts as
covering a grant). `create` and `deletecollection` cannot be restricted by name, and
list/watch restricted by name need a field selector: such verbs always go to a rule
without names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from linter.edits import yaml as yaml_edits
from linter.findings import Edit
from linter.sources import nodes
from linter.sources.nodes import MappingNode, Node, SequenceNode
from linter.sources.yaml import K8sObject

TEMPLATED = "{{…}}"
WILDCARD = "*"
CORE_GROUP = ""
# Verbs a rule with resourceNames cannot usefully restrict (RBAC reference, Referring to
# resources): they go to a rule without names.
UNNAMEABLE_VERBS = frozenset({"create", "deletecollection", "list", "watch"})
# The least-privilege map from the verbs of a batch jobs grant to the pods grant of a
# Pod-based Task controller: stop becomes deletion, and a Pod's spec is immutable, so
# update and patch (write access to every Pod's metadata) are never granted on pods.
JOBS_TO_PODS_VERBS: Mapping[str, tuple[str, ...]] = {
    "create": ("create",),
    "get": ("get",),
    "list": ("list",),
    "watch": ("watch",),
    "delete": ("delete",),
    "deletecollection": ("deletecollection",),
    "update": ("delete",),
    "patch": ("delete",),
    "*": ("create", "get", "list", "watch", "delete", "deletecollection"),
}


@dataclass(frozen=True)
class PolicyRule:
    """One rule of a Role or ClusterRole; a templated item reads as TEMPLATED."""

    index: int
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()
    node: MappingNode | None = field(default=None, compare=False)

    def covers(self, group: str, resource: str, verb: str) -> bool:
        """Whether the rule authorizes `verb` on every object of `resource` in `group`."""
        if self.resource_names:
            return False
        if not {group, WILDCARD} & set(self.api_groups):
            return False
        if not {verb, WILDCARD} & set(self.verbs):
            return False
        _, slash, sub = resource.partition("/")
        return (
            resource in self.resources
            or WILDCARD in self.resources
            or (bool(slash) and f"*/{sub}" in self.resources)
        )


@dataclass(frozen=True)
class Grant:
    """Verbs on resources of one API group, optionally only for some object names."""

    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    group: str = CORE_GROUP
    resource_names: tuple[str, ...] = ()


def policy_rules(obj: K8sObject) -> list[PolicyRule]:
    """The rules of a Role or ClusterRole, in order; non-mapping items are skipped."""
    found = []
    for index, rule in enumerate(nodes.items(nodes.get(obj.node, "rules"))):
        if isinstance(rule, MappingNode):
            found.append(
                PolicyRule(
                    index,
                    _texts(nodes.get(rule, "apiGroups")),
                    _texts(nodes.get(rule, "resources")),
                    _texts(nodes.get(rule, "verbs")),
                    _texts(nodes.get(rule, "resourceNames")),
                    rule,
                )
            )
    return found


def _texts(node: Node | None) -> tuple[str, ...]:
    return tuple(
        TEMPLATED if nodes.is_templated(item) else nodes.scalar(item) or ""
        for item in nodes.items(node)
    )


def mapped_verbs(verbs: Sequence[str], verb_map: Mapping[str, Sequence[str]]) -> list[str]:
    """The verbs `verbs` become through `verb_map`, in the map's order of first use;
    verbs the map does not know (TEMPLATED among them) give nothing."""
    found: list[str] = []
    for verb in verbs:
        for target in verb_map.get(verb, ()):
            if target not in found:
                found.append(target)
    return found


def replacement_grants(
    rules: Sequence[PolicyRule],
    resource: str,
    target: str,
    verb_map: Mapping[str, Sequence[str]],
) -> list[Grant]:
    """What `target` (core group) needs for the rules that grant `resource`: their verbs
    mapped through `verb_map`. Subresource grants (`jobs/status`, `jobs/finalizers`) are
    never mapped. A rule with resourceNames keeps its names for the verbs that names can
    restrict; the others join the grant without names."""
    unnamed: list[str] = []
    named: list[Grant] = []
    for rule in rules:
        if resource not in rule.resources:
            continue
        verbs = mapped_verbs(rule.verbs, verb_map)
        if rule.resource_names:
            restricted = tuple(v for v in verbs if v not in UNNAMEABLE_VERBS)
            if restricted:
                named.append(Grant((target,), restricted, resource_names=rule.resource_names))
            verbs = [v for v in verbs if v in UNNAMEABLE_VERBS]
        unnamed.extend(v for v in verbs if v not in unnamed)
    grants = [Grant((target,), tuple(unnamed))] if unnamed else []
    return grants + named


def missing_grants(needed: Sequence[Grant], rules: Sequence[PolicyRule]) -> list[Grant]:
    """What of `needed` no rule of `rules` authorizes. Rules with resourceNames never count;
    a named grant is covered only by a rule without names. Resources that miss the same
    verbs (for the same group and names) are joined into one grant, in `needed`'s order."""
    joined: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[str]] = {}
    for grant in needed:
        for resource in grant.resources:
            verbs = tuple(
                v for v in grant.verbs if not any(r.covers(grant.group, resource, v) for r in rules)
            )
            if verbs:
                key = (grant.group, grant.resource_names, verbs)
                joined.setdefault(key, [])
                if resource not in joined[key]:
                    joined[key].append(resource)
    return [
        Grant(tuple(resources), verbs, group, names)
        for (group, names, verbs), resources in joined.items()
    ]


@dataclass(frozen=True)
class GrantEdits:
    edits: list[Edit]
    # Whether the `reuse` rule was turned into a grant (so it must not be removed too).
    reused: bool = False


def grant_edits(
    obj: K8sObject,
    missing: Sequence[Grant],
    rules: Sequence[PolicyRule],
    after: int | None = None,
    reuse: PolicyRule | None = None,
) -> GrantEdits | None:
    """Edits that make the Role grant `missing`: a rule that grants exactly those
    resources (same group, no names) gains the verbs; `reuse` (a rule whose own resources
    are all being removed) is turned into the first grant it fits, in place; the others
    are new rules after rule `after` (default: the last), in the layout of the rules
    around. None when it cannot be written exactly (flow or templated lists)."""
    rules_node = nodes.get(obj.node, "rules")
    if not isinstance(rules_node, SequenceNode) or not rules_node.value:
        return None
    edits: list[Edit] = []
    new: list[Grant] = []
    reused = False
    for grant in missing:
        holder = _holder(grant, rules)
        if holder is not None and holder.node is not None:
            verbs = nodes.get(holder.node, "verbs")
            if not isinstance(verbs, SequenceNode):
                return None
            extended = [*holder.verbs, *(v for v in grant.verbs if v not in holder.verbs)]
            edits.append(yaml_edits.replace_list(obj, verbs, extended))
        elif reuse is not None and reuse.resource_names == grant.resource_names:
            retarget = _retarget(obj, reuse, grant)
            if retarget is None:
                return None
            edits.extend(retarget)
            reuse, reused = None, True
        else:
            new.append(grant)
    if new:
        position = after if after is not None else len(rules_node.value) - 1
        like = rules_node.value[position]
        if not isinstance(like, MappingNode):
            return None
        _, end = _rule_region(obj, rules_node, position)
        pieces = [_render_rule(obj, like, rules_node, g) for g in new]
        rendered = "".join(pieces)
        if yaml_edits.is_flow(rules_node):
            rendered = "".join(", " + piece for piece in pieces)
        elif not obj.source.text[:end].endswith(("\n", "\r")):
            # The rule ends the file without a final line break: the new rule starts one.
            nl = yaml_edits.newline_of(obj.source.text)
            rendered = nl + rendered[: -len(nl)]
        edits.append(Edit(end, end, rendered))
    return GrantEdits(edits, reused)


def _holder(grant: Grant, rules: Sequence[PolicyRule]) -> PolicyRule | None:
    """An existing rule for exactly these resources, which can take more verbs without
    granting them on anything else."""
    if grant.resource_names:
        return None
    for rule in rules:
        if (
            not rule.resource_names
            and rule.api_groups == (grant.group,)
            and sorted(rule.resources) == sorted(grant.resources)
            and TEMPLATED not in rule.verbs
            and WILDCARD not in rule.verbs
        ):
            return rule
    return None


def _retarget(obj: K8sObject, rule: PolicyRule, grant: Grant) -> list[Edit] | None:
    """Turn `rule` into `grant` in place: its layout and comments stay, and so do its
    verbs when they are already the ones needed."""
    assert rule.node is not None
    groups = nodes.get(rule.node, "apiGroups")
    resources = nodes.get(rule.node, "resources")
    verbs = nodes.get(rule.node, "verbs")
    if not all(isinstance(n, SequenceNode) for n in (groups, resources, verbs)):
        return None
    assert isinstance(groups, SequenceNode) and isinstance(resources, SequenceNode)
    assert isinstance(verbs, SequenceNode)
    edits = [
        yaml_edits.replace_list(obj, groups, [grant.group]),
        yaml_edits.replace_list(obj, resources, list(grant.resources)),
    ]
    if sorted(grant.verbs) != sorted(rule.verbs):
        edits.append(yaml_edits.replace_list(obj, verbs, list(grant.verbs)))
    return edits


def _rule_region(obj: K8sObject, rules_node: SequenceNode, index: int) -> tuple[int, int]:
    if yaml_edits.is_flow(rules_node):
        span = obj.span(rules_node.value[index])
        return span.start, span.end
    return yaml_edits.block_item_region(obj, rules_node, index)


def _render_rule(obj: K8sObject, like: MappingNode, rules_node: SequenceNode, grant: Grant) -> str:
    """A rule for `grant` in the layout and quoting of the rule `like`."""
    fields: list[tuple[str, Sequence[str]]] = [
        ("apiGroups", [grant.group]),
        ("resources", grant.resources),
    ]
    if grant.resource_names:
        fields.append(("resourceNames", grant.resource_names))
    fields.append(("verbs", grant.verbs))
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
        original = nodes.get(like, key) or nodes.get(like, "resources")
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


def _flow_list(values: Sequence[str], original: Node | None) -> str:
    example = yaml_edits.first_item(original)
    return "[" + ", ".join(yaml_edits.quote_like(v, example) for v in values) + "]"
