"""Composed YAML nodes as the plain data Kubernetes would decode (for schema validation)."""

from __future__ import annotations

from linter.sources import nodes


def plain(node: nodes.Node) -> object:
    """A composed node as plain JSON-able data, typed the way Kubernetes reads YAML."""
    if isinstance(node, nodes.MappingNode):
        return {k.value: plain(v) for k, v in node.value}
    if isinstance(node, nodes.SequenceNode):
        return [plain(v) for v in node.value]
    number = nodes.as_int(node)
    if number is not None:
        return number
    flag = nodes.as_bool(node)
    if flag is not None and node.value in ("true", "false"):
        return flag
    return nodes.scalar(node)
