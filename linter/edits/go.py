"""Minimal text edits on Go source that leave gofmt's layout as gofmt would write it.

gofmt aligns the values of a composite literal's `Key: value` lines: a section is a run of
consecutive single-line elements, each alone on its line, broken by a blank line, a
comment line or an element spanning several lines; within it every value starts one space
after the longest `Key:`, and trailing comments of consecutive lines start one space after
the longest code. An edit that adds, drops or renames a key realigns its section. Imports
are sorted by path within their block group, as gofmt sorts them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from linter.findings import Edit
from linter.sources import go
from linter.sources.go import GoSource
from linter.sources.text import LineIndex

if TYPE_CHECKING:
    from tree_sitter import Node


class NotRewritable(Exception):
    """Why a Go rewrite is not offered; the finding says it."""


def newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def indent_at(text: str, offset: int) -> str:
    """The leading whitespace of the line holding `offset`."""
    start = line_start(text, offset)
    line = text[start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def apply_within(text: str, base: int, edits: Iterable[Edit]) -> str:
    """`text` (which starts at offset `base` of the file) with `edits` applied."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        start, end = edit.start - base, edit.end - base
        if start < cursor or start < 0 or end > len(text):
            raise NotRewritable("two rewrites of one spot")
        out += [text[cursor:start], edit.text]
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def dedent(text: str, tabs: int) -> str:
    """`text` with `tabs` leading tabs removed from every line after the first."""
    if tabs == 0:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        if not line.strip():
            out.append(line[tabs:] if line.startswith("\t" * tabs) else line.lstrip("\t"))
        elif line.startswith("\t" * tabs):
            out.append(line[tabs:])
        else:
            raise NotRewritable("a line is indented less than the code around it")
    return "\n".join(out)


# A fragment parses as the value of a package-level var; only relative layout matters.
_WRAPPER = "package p\n\nvar _ = "


def realigned(fragment: str) -> str:
    """A Go expression (a composite literal, say) with every keyed-element section of its
    literals aligned as gofmt aligns it."""
    source = go.parse(_WRAPPER + fragment)
    if source.problems:
        raise NotRewritable("the rewritten code would not parse")
    edits = [e for body in _literal_bodies(source) for e in section_edits(source, body)]
    fixed = apply_within(source.text, 0, edits)
    return fixed[len(_WRAPPER) :]


def rewritten(source: GoSource, node: Node, edits: Iterable[Edit]) -> Edit:
    """One edit of `node` (an expression): `edits` applied inside it, its keyed elements
    realigned."""
    span = source.span(node)
    text = apply_within(source.text[span.start : span.end], span.start, edits)
    return Edit(span.start, span.end, realigned(text))


def _literal_bodies(source: GoSource) -> list[Node]:
    return source.nodes("literal_value")


def section_edits(source: GoSource, body: Node) -> list[Edit]:
    """The edits that align `body`'s keyed-element sections (see the module docs)."""
    text = source.text
    lines = LineIndex(text)

    def line(byte: int) -> int:
        return lines.position(source.offset(byte)).line

    edits: list[Edit] = []
    for section in _sections(source, body, line):
        width = max(len(source.code(_key(e))) + 1 for e in section)
        for element in section:
            key = _key(element)
            value = element.child_by_field_name("value")
            assert value is not None
            start = source.offset(key.end_byte) + 1  # after the colon
            value_start = source.offset(value.start_byte)
            gap = " " * (width - len(source.code(key)))
            if text[start:value_start] != gap:
                edits.append(Edit(start, value_start, gap))
        edits.extend(_comment_edits(source, section, width, line))
    return edits


def _key(element: Node) -> Node:
    key = element.child_by_field_name("key")
    assert key is not None
    return key


def _sections(source: GoSource, body: Node, line: Callable[[int], int]) -> list[list[Node]]:
    items = list(body.named_children)
    elements = [n for n in items if n.type != "comment"]
    sections: list[list[Node]] = []
    current: list[Node] = []
    previous: Node | None = None
    for item in items:
        if item.type == "comment":
            if previous is None or line(item.start_byte) != line(previous.end_byte):
                current = _flush(sections, current)
            continue
        start = line(item.start_byte)
        following = elements.index(item) + 1
        after = elements[following] if following < len(elements) else None
        alone = (previous is None or line(previous.end_byte) < start) and (
            after is None or line(after.start_byte) > start
        )
        if previous is not None and line(item.start_byte) - line(previous.end_byte) > 1:
            current = _flush(sections, current)  # a blank line between them
        if item.type == "keyed_element" and alone and line(item.end_byte) == start:
            current.append(item)
        else:
            current = _flush(sections, current)
        previous = item
    _flush(sections, current)
    return sections


def _flush(sections: list[list[Node]], current: list[Node]) -> list[Node]:
    if current:
        sections.append(current)
    return []


def _comment_edits(
    source: GoSource, section: list[Node], width: int, line: Callable[[int], int]
) -> list[Edit]:
    """Trailing comments of consecutive lines of a section start one space after the
    longest code among them."""
    runs: list[list[tuple[Node, Node, int, int]]] = [[]]
    for element in section:
        comment = element.next_named_sibling
        if comment is None or comment.type != "comment":
            if runs[-1]:
                runs.append([])
            continue
        if line(comment.start_byte) != line(element.end_byte):
            if runs[-1]:
                runs.append([])
            continue
        value = element.child_by_field_name("value")
        assert value is not None
        end = source.offset(element.end_byte)
        if source.text.startswith(",", end):
            end += 1
        code_width = width + 1 + (end - source.offset(value.start_byte))
        runs[-1].append((element, comment, end, code_width))
    edits = []
    for run in runs:
        if not run:
            continue
        column = max(code_width for *_, code_width in run) + 1
        for _, comment, end, code_width in run:
            gap = " " * (column - code_width)
            comment_start = source.offset(comment.start_byte)
            if source.text[end:comment_start] != gap:
                edits.append(Edit(end, comment_start, gap))
    return edits


_IMPORT_PATH = re.compile(r'"([^"]*)"')


def import_spec_of(source: GoSource, path: str) -> Node | None:
    return next((s for s in source.import_specs if go.import_path(source, s) == path), None)


def add_import(source: GoSource, path: str, name: str) -> list[Edit]:
    """An import of `path` as `name`, in the block group of the import path nearest it by
    sort order, sorted as gofmt sorts (by path)."""
    specs = source.import_specs
    spec_line = f'{name} "{path}"'
    if not specs:
        clause = next(go.children(source.root, "package_clause"), None)
        if clause is None:
            raise NotRewritable("the file has no package clause")
        nl = newline_of(source.text)
        end = source.offset(clause.end_byte)
        return [Edit(end, end, f"{nl}{nl}import {spec_line}")]
    block = [s for s in specs if s.parent is not None and s.parent.type == "import_spec_list"]
    if not block:
        first = specs[0]
        declaration = first.parent
        assert declaration is not None
        nl = newline_of(source.text)
        span = source.span(declaration)
        old = source.code(first)
        ordered = sorted([old, spec_line], key=_spec_path)
        text = "import (" + nl + "".join(f"\t{s}{nl}" for s in ordered) + ")"
        return [Edit(span.start, span.end, text)]
    groups = _groups(source, block)
    # The group whose paths share the longest prefix with `path` (k8s.io/… with k8s.io/…).
    group = max(groups, key=lambda g: max(_common(path, _spec_path(source.code(s))) for s in g))
    nl = newline_of(source.text)
    for spec in group:
        if _spec_path(source.code(spec)) > path:
            start = line_start(source.text, source.offset(spec.start_byte))
            indent = indent_at(source.text, source.offset(spec.start_byte))
            return [Edit(start, start, f"{indent}{spec_line}{nl}")]
    last = group[-1]
    end = source.offset(last.end_byte)
    end = source.text.index("\n", end) + 1 if "\n" in source.text[end:] else end
    indent = indent_at(source.text, source.offset(last.start_byte))
    return [Edit(end, end, f"{indent}{spec_line}{nl}")]


def _spec_path(code: str) -> str:
    m = _IMPORT_PATH.search(code)
    return m.group(1) if m else code


def _common(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y:
            break
        n += 1
    return n


def _groups(source: GoSource, specs: list[Node]) -> list[list[Node]]:
    groups: list[list[Node]] = [[specs[0]]]
    for previous, spec in itertools.pairwise(specs):
        between = source.text[source.offset(previous.end_byte) : source.offset(spec.start_byte)]
        if between.count("\n") > 1:
            groups.append([])
        groups[-1].append(spec)
    return groups


def remove_import(source: GoSource, spec: Node) -> Edit:
    """The import spec's line (an import declaration of its own: the declaration)."""
    parent = spec.parent
    assert parent is not None
    if parent.type == "import_declaration":
        spec = parent
    start = line_start(source.text, source.offset(spec.start_byte))
    end = source.offset(spec.end_byte)
    rest = source.text[end:]
    newline = rest.find("\n")
    end = end + newline + 1 if newline >= 0 else len(source.text)
    return Edit(start, end, "")


def package_used(source: GoSource, name: str) -> bool:
    """Whether anything outside the imports selects from package `name` (`name.X`)."""
    for node in source.nodes("qualified_type", "selector_expression"):
        if node.type in ("qualified_type", "selector_expression"):
            package = node.child_by_field_name("package") or node.child_by_field_name("operand")
            if (
                package is not None
                and package.type in ("package_identifier", "identifier")
                and source.code(package) == name
            ):
                return True
    return False


def tidied(before: str, after: str) -> str:
    """`after` without the imports that were used in `before` and no longer are: a fix
    pass that rewrote the last Job of a file leaves `batchv1` unused, which Go refuses."""
    fixed = go.parse(after)
    if fixed.problems:
        return after
    original = go.parse(before)
    edits = []
    for name, path in fixed.imports.items():
        if package_used(fixed, name) or not package_used(original, name):
            continue
        spec = import_spec_of(fixed, path)
        if spec is not None:
            edits.append(remove_import(fixed, spec))
    return apply_within(after, 0, edits) if edits else after
