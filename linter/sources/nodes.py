"""Reading composed YAML nodes: lookups, scalar values as Kubernetes reads them, templates.

Nodes come from the composer, unconstructed: a scalar is its source text and style, so
job2pod decides what `yes`, `0x10` or a masked Helm expression means, not a YAML resolver.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from linter.sources.template import TEMPLATE_MARK

__all__ = [
    "MappingNode",
    "Node",
    "ScalarNode",
    "SequenceNode",
    "as_bool",
    "as_int",
    "entries",
    "entry",
    "get",
    "is_plain",
    "is_templated",
    "items",
    "path_text",
    "scalar",
    "walk",
]

_INT = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)\Z")
# Kubernetes decodes YAML with YAML 1.1 booleans (sigs.k8s.io/yaml), so `yes` and `on` count.
_TRUE = frozenset({"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"})
_FALSE = frozenset({"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"})


def is_plain(node: Node) -> bool:
    return isinstance(node, ScalarNode) and not node.style


def scalar(node: Node | None) -> str | None:
    """The text of a scalar node; None for collections, nulls and templates."""
    if not isinstance(node, ScalarNode) or TEMPLATE_MARK in node.value:
        return None
    if not node.style and node.value in ("", "~", "null", "Null", "NULL"):
        return None
    return str(node.value)


def as_int(node: Node | None) -> int | None:
    if node is None or not is_plain(node) or not _INT.match(node.value):
        return None
    return int(node.value.replace("_", ""))


def as_bool(node: Node | None) -> bool | None:
    if node is None or not is_plain(node):
        return None
    if node.value in _TRUE:
        return True
    if node.value in _FALSE:
        return False
    return None


def is_templated(node: Node | None) -> bool:
    """True when a Helm/Go-template expression stands in the node (or is the node)."""
    return isinstance(node, ScalarNode) and TEMPLATE_MARK in node.value


def entries(node: Node | None) -> Iterator[tuple[ScalarNode, Node]]:
    """Key/value pairs of a mapping whose keys are scalars (others are skipped)."""
    if not isinstance(node, MappingNode):
        return
    for key, value in node.value:
        if isinstance(key, ScalarNode):
            yield key, value


def entry(node: Node | None, key: str) -> tuple[ScalarNode, Node] | None:
    """The last pair named `key` (the one Kubernetes keeps when a key repeats)."""
    found = None
    for k, v in entries(node):
        if k.value == key:
            found = (k, v)
    return found


def get(node: Node | None, *path: str) -> Node | None:
    for key in path:
        pair = entry(node, key)
        if pair is None:
            return None
        node = pair[1]
    return node


def items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def walk(
    node: Node | None, skip: Collection[Node] = (), max_depth: int = 64
) -> Iterator[tuple[MappingNode, ScalarNode, Node, tuple[str, ...]]]:
    """(mapping, key, value, path) for every scalar-keyed entry of the mappings under `node`;
    the path holds the keys and `[i]` indexes down to the mapping. Nodes in `skip` are not
    entered; the depth is bounded so that a pathological document cannot run away."""
    stack: list[tuple[Node, tuple[str, ...]]] = [(node, ())] if node is not None else []
    while stack:
        current, path = stack.pop()
        if len(path) > max_depth or any(current is s for s in skip):
            continue
        children: list[tuple[Node, tuple[str, ...]]] = []
        if isinstance(current, MappingNode):
            for key, value in entries(current):
                yield current, key, value, path
                children.append((value, (*path, key.value)))
        elif isinstance(current, SequenceNode):
            children = [(item, (*path, f"[{i}]")) for i, item in enumerate(current.value)]
        stack.extend(reversed(children))


def path_text(path: tuple[str, ...]) -> str:
    """`spec.runs[0].jobName` from ("spec", "runs", "[0]", "jobName")."""
    return "".join(p if p.startswith("[") else f".{p}" for p in path).lstrip(".")
