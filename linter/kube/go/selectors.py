"""Label selectors in Go code, and the label keys they select on: controller-runtime's
`client.MatchingLabels{…}` and `client.HasLabels{…}`, apimachinery's `labels.Set{…}` and
`labels.NewRequirement(key, …)`, a `metav1.LabelSelector`'s `MatchLabels` and
`MatchExpressions` keys, and selector strings (`LabelSelector: "job-name=" + name`,
`labels.Parse(…)`, `fmt.Sprintf("job-name=%s", …)`). Keys are string literals or the
label constants of batch/v1 (`batchv1.JobNameLabel`). A label map that is not a selector
(an object's `Labels`) is not one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.kube import extract
from linter.kube.go import api
from linter.sources.go import GoSource, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

CLIENT = api.CONTROLLER_RUNTIME_CLIENT
LABELS = "k8s.io/apimachinery/pkg/labels"
META_V1 = "k8s.io/apimachinery/pkg/apis/meta/v1"
# Composite literal types whose keys (or elements) are label keys of a selector.
_SELECTOR_TYPES = {
    (CLIENT, "MatchingLabels"): "MatchingLabels",
    (CLIENT, "HasLabels"): "HasLabels",
    (LABELS, "Set"): "labels.Set",
}
# Keyed elements whose value is a selector: a label map, or a selector string.
_SELECTOR_KEYS = frozenset({"MatchLabels", "LabelSelector"})
_STRING_CALLS = {(LABELS, "Parse"), (LABELS, "SelectorFromSet"), ("fmt", "Sprintf")}


@dataclass(frozen=True)
class GoSelectorLabel:
    label: str
    node: Node
    field: str
    negative: bool = False


def selector_labels(source: GoSource) -> Iterator[GoSelectorLabel]:
    for node in source.nodes("composite_literal", "call_expression", "keyed_element"):
        if node.type == "composite_literal":
            yield from _literal(source, node)
        elif node.type == "call_expression":
            yield from _call(source, node)
        elif node.type == "keyed_element":
            key = node.child_by_field_name("key")
            value = node.child_by_field_name("value")
            if key is None or value is None or source.code(api.unwrap(key)) != "LabelSelector":
                continue
            text = _static_text(source, api.unwrap(value))
            for label, negative in extract.selector_requirements(text):
                yield GoSelectorLabel(label, value, "LabelSelector", negative)


def _literal(source: GoSource, literal: Node) -> Iterator[GoSelectorLabel]:
    type_node = literal.child_by_field_name("type")
    body = literal.child_by_field_name("body")
    if type_node is None or body is None:
        return
    found = source.resolve(type_node)
    field = _SELECTOR_TYPES.get(found) if found is not None else None
    if field is None and type_node.type == "map_type":
        holder = literal.parent
        while holder is not None and holder.type == "literal_element":
            holder = holder.parent
        key = (
            holder.child_by_field_name("key") if holder and holder.type == "keyed_element" else None
        )
        if key is not None and source.code(api.unwrap(key)) == "MatchLabels":
            field = "MatchLabels"
    if found == (META_V1, "LabelSelectorRequirement"):
        key_field = api.keyed_elements(source, body).get("Key")
        if key_field is not None:
            label = _label(source, key_field[1])
            if label is not None:
                yield GoSelectorLabel(label, key_field[1], "MatchExpressions")
        return
    if field is None:
        return
    for element in body.named_children:
        key = element.child_by_field_name("key") if element.type == "keyed_element" else element
        if key is None:
            continue
        label = _label(source, api.unwrap(key))
        if label is not None:
            yield GoSelectorLabel(label, key, field)


def _call(source: GoSource, call: Node) -> Iterator[GoSelectorLabel]:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None or arguments is None or not arguments.named_children:
        return
    found = source.resolve(function)
    first = arguments.named_children[0]
    if found == (LABELS, "NewRequirement"):
        label = _label(source, first)
        if label is not None:
            yield GoSelectorLabel(label, first, "labels.NewRequirement")
    elif found in _STRING_CALLS and found != ("fmt", "Sprintf"):
        for label, negative in extract.selector_requirements(_static_text(source, first)):
            yield GoSelectorLabel(label, first, f"labels.{found[1]}", negative)


def _label(source: GoSource, node: Node) -> str | None:
    """A label key written as a string literal or a batch/v1 label constant."""
    node = api.unwrap(node)
    if node.type in ("interpreted_string_literal", "raw_string_literal"):
        return string_value(source, node)
    found = source.resolve(node)
    return api.LABEL_CONSTANTS.get(found) if found is not None else None


def _static_text(source: GoSource, node: Node) -> str:
    """The literal parts of a selector string: literals, constants, `+` concatenations
    and a `fmt.Sprintf` format; anything computed stands for no key."""
    node = api.unwrap(node)
    label = _label(source, node)
    if label is not None:
        return label
    if node.type == "binary_expression":
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is not None and right is not None:
            return _static_text(source, left) + _static_text(source, right)
    if node.type == "call_expression":
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if function is not None and source.resolve(function) == ("fmt", "Sprintf") and arguments:
            items = arguments.named_children
            return _static_text(source, items[0]) if items else "\0"
    return "\0"
