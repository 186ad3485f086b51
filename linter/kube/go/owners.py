"""Owner references to a Job in Go code: `metav1.OwnerReference{…}` literals of the kind,
the GroupVersionKind handed to `metav1.NewControllerRef` (`batchv1.SchemeGroupVersion.
WithKind("Job")`), and controller-runtime's `SetControllerReference(owner, object, …)` /
`SetOwnerReference(owner, object, …)` with an owner that holds a Job."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from linter.kube import extract
from linter.kube.go import api
from linter.kube.go.objects import job_values
from linter.sources.go import GoSource

if TYPE_CHECKING:
    from tree_sitter import Node

META_V1 = "k8s.io/apimachinery/pkg/apis/meta/v1"
_SETTERS = frozenset({"SetControllerReference", "SetOwnerReference"})
_GROUP_VERSIONS = {(api.BATCH_V1, "SchemeGroupVersion"): "batch"}


def job_owners(source: GoSource, kind: str, group: str) -> Iterator[tuple[Node, str]]:
    """(node, how the owner is named) for each reference to an owner of `kind` in `group`."""
    values = api.values(source)
    jobs = job_values(source)
    for node in source.nodes("composite_literal", "call_expression"):
        if node.type == "composite_literal":
            for body in _reference_bodies(source, node):
                fields = api.keyed_elements(source, body)
                kind_field = fields.get("Kind")
                if kind_field is None or values.literal(kind_field[1]) != kind:
                    continue
                version = fields.get("APIVersion")
                if version is not None and _group_of(source, values, version[1]) not in (
                    group,
                    None,
                ):
                    continue
                name = fields.get("Name")
                yield kind_field[1], f"`{source.code(name[1])}`" if name else "(unnamed)"
        elif node.type == "call_expression":
            function = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if function is None or function.type != "selector_expression" or arguments is None:
                continue
            field = function.child_by_field_name("field")
            items = arguments.named_children
            method = source.code(field) if field is not None else ""
            if method == "WithKind" and items and values.literal(items[0]) == kind:
                operand = function.child_by_field_name("operand")
                found = source.resolve(operand) if operand is not None else None
                if found is not None and _GROUP_VERSIONS.get(found) == group:
                    yield node, "(named at run time)"
            elif method in _SETTERS and items and kind == "Job" and jobs.holds_job(items[0]):
                yield items[0], f"`{source.code(items[0])}`"


def _reference_bodies(source: GoSource, literal: Node) -> list[Node]:
    """The bodies of OwnerReference literals: `metav1.OwnerReference{…}`, and the elements
    of `[]metav1.OwnerReference{{…}}` whose type is elided."""
    type_node = literal.child_by_field_name("type")
    body = literal.child_by_field_name("body")
    if type_node is None or body is None:
        return []
    if api.names(source, type_node, META_V1, "OwnerReference"):
        return [body]
    element = type_node.child_by_field_name("element") if type_node.type == "slice_type" else None
    if element is None or not api.names(source, element, META_V1, "OwnerReference"):
        return []
    return [
        inner
        for item in body.named_children
        if item.type == "literal_element"
        for inner in item.named_children
        if inner.type == "literal_value"
    ]


def _group_of(source: GoSource, values: api.Values, node: Node) -> str | None:
    """The API group an APIVersion expression names, or None when it is computed."""
    literal = values.literal(node)
    if isinstance(literal, str):
        return extract.api_group(literal)
    text = source.code(node)
    if text.endswith(".SchemeGroupVersion.String()"):
        operand = node.child_by_field_name("function")
        inner = operand.child_by_field_name("operand") if operand is not None else None
        found = source.resolve(inner) if inner is not None else None
        return _GROUP_VERSIONS.get(found) if found is not None else None
    return None
