"""Go functions and methods named for the Task's Job (`buildJob`, `updateTaskStatusFromJob`),
renamed per the identifier map: one finding per name in the file, at its declaration (or
its first use, in a file of the same package that only calls it), whose fix renames every
occurrence in the file. Only unexported names are in the default map: an unexported name
lives in its package alone, so renaming it in each file of the package renames it
everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.context import CheckContext
from linter.findings import Edit, Fix, Violation
from linter.kube.go.jobs import kept_job_note
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource

if TYPE_CHECKING:
    from tree_sitter import Node

TARGET = "go"
# Its fixes rename: the one edit generated code may take.
RENAMES = True
_NAMES = frozenset({"identifier", "field_identifier"})
_DECLARATIONS = frozenset({"function_declaration", "method_declaration"})


@dataclass(frozen=True)
class Params:
    identifiers: dict[str, str] = param(
        description="Functions and methods named for the Job, and their new names."
    )


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    occurrences: dict[str, list[Node]] = {}
    declarations: dict[str, Node] = {}
    for node in source.nodes(*_NAMES):
        name = source.code(node)
        parent = node.parent
        declares = parent is not None and parent.type in _DECLARATIONS
        if declares and parent is not None and parent.child_by_field_name("name") == node:
            declarations.setdefault(name, node)
        if name in params.identifiers:
            occurrences.setdefault(name, []).append(node)
    taken = {*declarations, *source.declared}
    kept = kept_job_note(source) if occurrences else None
    for old, nodes in occurrences.items():
        new = params.identifiers[old]
        first = declarations.get(old, nodes[0])
        what = "function" if old in declarations else "call of the package's function"
        args = {"what": what, "old": old, "new": new}
        obj = source.scope_of(first)
        if new in taken or kept is not None:
            why = kept if kept is not None else f"`{new}` already exists in this file"
            note = f" (not renamed: {why})"
            yield Violation(source.span(first), {**args, "note": note}, obj=obj)
            continue
        edits = tuple(Edit(s.start, s.end, new) for s in map(source.span, nodes))
        fix = Fix(edits, FixSafety.UNSAFE, f"Rename `{old}` to `{new}` in this file")
        yield Violation(source.span(first), {**args, "note": ""}, fix, obj)
