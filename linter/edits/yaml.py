"""Minimal text edits on YAML source: line ranges of nodes, removing list items, rendering
small snippets in the surrounding style. Checks build their fixes from these; nothing
here re-dumps YAML."""

from __future__ import annotations

import re

from linter.findings import Edit
from linter.sources import nodes
from linter.sources.nodes import Node, ScalarNode, SequenceNode
from linter.sources.yaml import K8sObject

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*\Z")


def newline_of(text: str) -> str:
    m = re.search(r"\r\n|\r|\n", text)
    return m.group() if m else "\n"


def line_start(text: str, offset: int) -> int:
    """Start of the line holding `offset` (the LF of a CRLF belongs to its line)."""
    if 0 < offset < len(text) and text[offset] == "\n" and text[offset - 1] == "\r":
        offset -= 1
    return max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1


def line_end(text: str, offset: int) -> int:
    """Offset just past the line break of the line holding `offset` (or end of text)."""
    m = re.compile(r"\r\n|\r|\n").search(text, offset)
    return m.end() if m else len(text)


def content_end(text: str, start: int, end: int) -> int:
    """Past the line break of the last line in [start, end) that holds more than blanks or
    a comment (a trailing comment on that line goes with it): block nodes end at the next
    token, after the comments that belong to what follows."""
    cursor = end
    while cursor > start:
        begin = line_start(text, cursor - 1) if cursor > 0 else 0
        begin = max(begin, start)
        stripped = text[begin:cursor].strip()
        if stripped and not stripped.startswith("#"):
            return line_end(text, begin)
        cursor = begin
    return start


def comment_lines_above(text: str, offset: int) -> int:
    """Start of the run of comment-only lines directly above the line holding `offset`."""
    begin = line_start(text, offset)
    while begin > 0:
        prev = line_start(text, begin - 1)
        stripped = text[prev:begin].strip()
        if not stripped.startswith("#"):
            break
        begin = prev
    return begin


def is_flow(node: Node) -> bool:
    return bool(getattr(node, "flow_style", False))


def block_item_region(obj: K8sObject, seq: SequenceNode, index: int) -> tuple[int, int]:
    """From the start of the item's `-` line to the end of its last content line (read in
    the masked text, where whole-line template actions are comments)."""
    text = obj.source.masked.text
    item = seq.value[index]
    span = obj.span(item)
    return line_start(text, span.start), content_end(text, span.start, span.end)


def remove_item(obj: K8sObject, seq: SequenceNode, index: int, with_comments: bool = False) -> Edit:
    """Remove one item of a flow or block sequence, with its separator or its lines."""
    text = obj.source.masked.text
    items = seq.value
    if is_flow(seq):
        here = obj.span(items[index])
        if index + 1 < len(items):
            return Edit(here.start, obj.span(items[index + 1]).start, "")
        if index > 0:
            return Edit(obj.span(items[index - 1]).end, here.end, "")
        return Edit(here.start, here.end, "")
    start, end = block_item_region(obj, seq, index)
    if with_comments:
        start = comment_lines_above(text, start)
    return Edit(start, end, "")


def quote_like(value: str, example: Node | None) -> str:
    """`value` as a YAML scalar in the quoting style of `example`."""
    style = example.style if isinstance(example, ScalarNode) else ""
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if (
        style == '"'
        or not _PLAIN_SAFE.match(value)
        or value in ("true", "false", "null", "yes", "no", "on", "off")
    ):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def column(obj: K8sObject, node: Node) -> int:
    text = obj.source.text
    start = obj.span(node).start
    return start - line_start(text, start)


def first_item(node: Node | None) -> Node | None:
    values = nodes.items(node)
    return values[0] if values else None


def replace_list(obj: K8sObject, seq: SequenceNode, values: list[str]) -> Edit:
    """Replace a list's items with `values`, keeping flow or block style and quoting."""
    example = first_item(seq)
    span = obj.span(seq)
    if is_flow(seq) or not seq.value:
        return Edit(
            span.start, span.end, "[" + ", ".join(quote_like(v, example) for v in values) + "]"
        )
    text = obj.source.masked.text
    nl = newline_of(text)
    start = line_start(text, span.start)
    dash_col = span.start - start
    lines = [" " * dash_col + "- " + quote_like(v, example) for v in values]
    return Edit(start, content_end(text, span.start, span.end), nl.join(lines) + nl)


def replace_scalar(obj: K8sObject, node: Node, value: str) -> Edit:
    """Replace a scalar's value, keeping its quotes when it has them."""
    span = obj.span(node)
    if isinstance(node, ScalarNode) and node.style in ("'", '"'):
        # The node's span starts at its anchor or tag (`&a "x"`); the text at its quote.
        quote = obj.source.text.find(node.style, span.start, span.end)
        return Edit(max(quote, span.start) + 1, span.end - 1, value)
    return Edit(span.start, span.end, value)


def child_indent(obj: K8sObject, mapping: Node) -> int | None:
    """Column of the keys of a non-empty block mapping; None for flow or empty ones."""
    if is_flow(mapping) or not isinstance(mapping, nodes.MappingNode) or not mapping.value:
        return None
    return column(obj, mapping.value[0][0])


def insert_entries(
    obj: K8sObject, mapping: Node, lines: list[str], first: bool = False
) -> Edit | None:
    """Insert `key: value` texts into a mapping, at its indentation (block) or before its
    closing brace (flow); at its start with `first`, else after its last entry."""
    if not isinstance(mapping, nodes.MappingNode) or not lines:
        return None
    text = obj.source.masked.text
    span = obj.span(mapping)
    if is_flow(mapping):
        if first or not mapping.value:
            at = span.start + 1
            sep = ", " if mapping.value else ""
            return Edit(at, at, ", ".join(lines) + sep)
        last = obj.span(mapping.value[-1][1]).end
        return Edit(last, last, ", " + ", ".join(lines))
    indent = child_indent(obj, mapping)
    if indent is None:
        return None
    nl = newline_of(text)
    body = "".join(" " * indent + line + nl for line in lines)
    at = line_start(text, span.start) if first else content_end(text, span.start, span.end)
    if not first and at == len(text) and not text.endswith(("\n", "\r")):
        return Edit(at, at, nl + body.rstrip("\r\n"))
    return Edit(at, at, body)


def remove_entry(obj: K8sObject, mapping: Node, key: Node) -> Edit | None:
    """Remove one `key: value` entry from a block or flow mapping."""
    if not isinstance(mapping, nodes.MappingNode):
        return None
    pairs = mapping.value
    index = next((i for i, (k, _) in enumerate(pairs) if k is key), None)
    if index is None:
        return None
    k, v = pairs[index]
    if is_flow(mapping):
        if index + 1 < len(pairs):
            return Edit(obj.span(k).start, obj.span(pairs[index + 1][0]).start, "")
        if index > 0:
            return Edit(obj.span(pairs[index - 1][1]).end, obj.span(v).end, "")
        return Edit(obj.span(k).start, obj.span(v).end, "")
    text = obj.source.masked.text
    start = line_start(text, obj.span(k).start)
    return Edit(start, content_end(text, obj.span(k).start, obj.span(v).end), "")
