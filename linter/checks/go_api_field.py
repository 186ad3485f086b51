r"""API type fields named per the rename map (`JobName string \`json:"jobName,omitempty"\``) in
the Go types controller-gen turns into CRDs, and their uses: in the types file (the field,
its json tag, its doc comment and every use of it there), in controller code (`x.Status.JobName`,
`TaskStatus{JobName: …}`) and in generated deepcopy code (`in.JobName`, renamed only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.context import CheckContext
from linter.findings import Edit, Fix, Violation
from linter.kube.renames import phrase_edits
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource, string_value

if TYPE_CHECKING:
    from tree_sitter import Node

TARGET = "go"
# Its fixes rename: the one edit generated code may take.
RENAMES = True
# Markers of API type packages (kubebuilder book, Markers: object, subresource,
# printcolumn, validation; `+groupName` on the package; deepcopy-gen's `+k8s:`).
_API_MARKERS = re.compile(
    r"//\s*\+(kubebuilder:(object|subresource|printcolumn|validation|resource)|groupName=|k8s:)"
)
_JSON_NAME = re.compile(r'json:"([^",]*)')


@dataclass(frozen=True)
class Params:
    renames: dict[str, str] = param(description="Field names and their new names.")


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    generated = source.generated
    api = not generated and any(_API_MARKERS.match(source.code(c)) for c in source.comments())
    if api:
        yield from _fields(source, params.renames)
        return
    for node, old in _uses(source, params.renames, every_selector=generated):
        new = params.renames[old]
        span = source.span(node)
        fix = Fix(
            (Edit(span.start, span.end, new),), FixSafety.UNSAFE, f"Rename `{old}` to `{new}`"
        )
        what = "generated code's use of the API field" if generated else "use of the API field"
        yield Violation(span, {"what": what, "old": old, "new": new}, fix, source.scope_of(node))


def _fields(source: GoSource, renames: dict[str, str]) -> Iterator[Violation]:
    for field in source.nodes("field_declaration"):
        names = field.children_by_field_name("name")
        tag = field.child_by_field_name("tag")
        json_name = _json_name(source, tag)
        if len(names) != 1:
            continue
        old = source.code(names[0])
        if old not in renames and json_name not in renames:
            continue
        edits: list[Edit] = []
        if old in renames:
            edits.extend(_renamed_uses(source, old, renames[old]))
            edits.extend(_doc_edits(source, field, old, renames[old]))
        if tag is not None and json_name is not None and json_name in renames:
            start = source.offset(tag.start_byte) + source.code(tag).index('json:"') + len('json:"')
            edits.append(Edit(start, start + len(json_name), renames[json_name]))
        shown = old if old in renames or json_name is None else json_name
        new = renames[shown]
        fix = Fix(
            tuple(sorted(set(edits), key=lambda e: e.start)),
            FixSafety.UNSAFE,
            f"Rename the API field `{shown}` to `{new}`",
        )
        args = {"what": "API field", "old": shown, "new": new}
        yield Violation(source.span(names[0]), args, fix, source.scope_of(field))


def _json_name(source: GoSource, tag: Node | None) -> str | None:
    if tag is None:
        return None
    m = _JSON_NAME.search(string_value(source, tag))
    return m.group(1) if m else None


def _renamed_uses(source: GoSource, old: str, new: str) -> list[Edit]:
    """The field's name wherever the types file names it: its declaration, selectors and
    keyed elements."""
    edits = []
    for node in source.nodes("field_identifier", "keyed_element"):
        if node.type == "field_identifier" and source.code(node) == old:
            span = source.span(node)
            edits.append(Edit(span.start, span.end, new))
        elif node.type == "keyed_element":
            key = node.child_by_field_name("key")
            inner = key.named_children[0] if key is not None and key.named_children else None
            if inner is not None and inner.type == "identifier" and source.code(inner) == old:
                span = source.span(inner)
                edits.append(Edit(span.start, span.end, new))
    return edits


def _doc_edits(source: GoSource, field: Node, old: str, new: str) -> list[Edit]:
    """The field's doc comment: its name as a word, and "Job name" phrases."""
    edits = []
    comment = field.prev_named_sibling
    expected_row = field.start_point[0] - 1
    while (
        comment is not None and comment.type == "comment" and comment.end_point[0] == expected_row
    ):
        span = source.span(comment)
        text = source.text
        for m in re.finditer(rf"\b{re.escape(old)}\b", text[span.start : span.end]):
            edits.append(Edit(span.start + m.start(), span.start + m.end(), new))
        edits.extend(phrase_edits(text, span.start, span.end))
        expected_row = comment.start_point[0] - 1
        comment = comment.prev_named_sibling
    return edits


def _uses(
    source: GoSource, renames: dict[str, str], every_selector: bool
) -> Iterator[tuple[Node, str]]:
    """`x.Status.JobName`, `TaskStatus{JobName: …}`; in generated code every `.JobName`."""
    for node in source.nodes("selector_expression", "keyed_element"):
        if node.type == "selector_expression":
            field = node.child_by_field_name("field")
            operand = node.child_by_field_name("operand")
            if field is None or operand is None or source.code(field) not in renames:
                continue
            if every_selector or source.code(operand).rsplit(".", 1)[-1] == "Status":
                yield field, source.code(field)
        elif node.type == "keyed_element":
            key = node.child_by_field_name("key")
            inner = key.named_children[0] if key is not None and key.named_children else None
            if inner is None or inner.type != "identifier" or source.code(inner) not in renames:
                continue
            literal = node.parent.parent if node.parent is not None else None
            type_node = literal.child_by_field_name("type") if literal is not None else None
            if type_node is not None and source.code(type_node).endswith("Status"):
                yield inner, source.code(inner)
