"""Which Go values hold a batch Job (or a JobList): the local type inference the client
call, suspend and status rules need.

Within each function: parameters and `var` declarations typed `batchv1.Job`, `*batchv1.Job`
or `batchv1.JobList`; names bound to a Job literal, to a call of a function of the file
whose first result is a Job (`job := buildJob(task)`, `job, err := r.desiredJob(task)`), to
an element of a JobList's `Items` (`for _, job := range jobs.Items`), or to a type
assertion `obj.(*batchv1.Job)`. Shadowing inside a function is not followed: controllers
rarely reuse a Job's name for something else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from linter.kube.go import api
from linter.sources.go import GoSource, walk

if TYPE_CHECKING:
    from tree_sitter import Node

Kind = Literal["Job", "JobList"]


@dataclass(frozen=True)
class Declared:
    """Where a Job-typed name got its type: the type node to rewrite, or the call or
    literal it was bound to."""

    kind: Kind
    type_node: Node | None
    origin: Node | None


class JobValues:
    def __init__(self, source: GoSource) -> None:
        self.source = source

    @cached_property
    def results(self) -> dict[str, Kind]:
        """Functions and methods of the file whose first result is a Job or JobList."""
        found: dict[str, Kind] = {}
        for node in self.source.root.children:
            if node.type not in ("function_declaration", "method_declaration"):
                continue
            name, result = node.child_by_field_name("name"), node.child_by_field_name("result")
            if name is None or result is None:
                continue
            first: Node | None = result
            if result.type == "parameter_list":
                declared = [p for p in result.named_children if p.type == "parameter_declaration"]
                first = declared[0].child_by_field_name("type") if declared else None
            kind = self.type_kind(first)
            if kind is not None:
                found[self.source.code(name)] = kind
        return found

    def type_kind(self, node: Node | None) -> Kind | None:
        """Job or JobList for `batchv1.Job`, `*batchv1.Job`, `batchv1.JobList` …"""
        if node is None:
            return None
        if node.type == "pointer_type":
            inner = node.named_children[0] if node.named_children else None
            return self.type_kind(inner)
        found = self.source.resolve(node)
        if found is None or found[0] != api.BATCH_V1 or found[1] not in ("Job", "JobList"):
            return None
        return "Job" if found[1] == "Job" else "JobList"

    @cached_property
    def _declared(self) -> dict[int, dict[str, Declared]]:
        """Function (by start byte) → name → how it holds a Job."""
        tables: dict[int, dict[str, Declared]] = {}
        for function in self.source.nodes("function_declaration", "method_declaration"):
            table: dict[str, Declared] = {}
            for node in walk(function):
                self._declare(node, table)
            tables[function.start_byte] = table
        return tables

    def _declare(self, node: Node, table: dict[str, Declared]) -> None:
        code = self.source.code
        if node.type == "parameter_declaration" or (
            node.type == "var_spec" and node.child_by_field_name("type") is not None
        ):
            type_node = node.child_by_field_name("type")
            kind = self.type_kind(type_node)
            if kind is not None:
                for name in node.children_by_field_name("name"):
                    table[code(name)] = Declared(kind, _named_type(type_node), None)
            return
        if node.type in ("short_var_declaration", "var_spec", "range_clause"):
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right") or node.child_by_field_name("value")
            names = left.named_children if left is not None else node.children_by_field_name("name")
            if right is None or not names:
                return
            values = right.named_children if right.type == "expression_list" else [right]
            if node.type == "range_clause":
                # `for _, job := range jobs.Items`: the second name is an element.
                if len(names) == 2 and self.kind_of(right, table) == "JobList.Items":
                    table[code(names[1])] = Declared("Job", None, right)
                return
            if len(values) == 1 and len(names) > 1:
                kind = self._call_kind(values[0])
                if kind is not None:
                    table[code(names[0])] = Declared(kind, None, values[0])
                return
            for name, value in zip(names, values, strict=False):
                held = self.kind_of(value, table)
                # A name declared with its type keeps it: a shadowing `job := …` in an
                # inner block holds a Job too, and the declaration is what a fix retypes.
                current = table.get(code(name))
                if current is not None and current.type_node is not None:
                    continue
                if held == "Job":
                    table[code(name)] = Declared("Job", None, value)
                elif held == "JobList":
                    table[code(name)] = Declared("JobList", None, value)

    def _call_kind(self, node: Node) -> Kind | None:
        node = api.unwrap(node)
        if node.type != "call_expression":
            return None
        function = node.child_by_field_name("function")
        if function is None:
            return None
        typed = typed_client_result(self.source, node)
        if typed is not None:
            return typed
        if function.type == "selector_expression":
            function = function.child_by_field_name("field")
        return self.results.get(self.source.code(function)) if function is not None else None

    def kind_of(self, node: Node | None, table: dict[str, Declared] | None = None) -> str | None:
        """`Job`, `JobList`, `JobList.Items` for what `node` evaluates to, or None."""
        if node is None:
            return None
        node = api.unwrap(node)
        if table is None:
            table = self.table(node)
        kind = node.type
        if kind == "unary_expression" and self.source.code(node).startswith("&"):
            return self.kind_of(node.child_by_field_name("operand"), table)
        if kind == "composite_literal":
            return self.type_kind(node.child_by_field_name("type"))
        if kind == "identifier":
            declared = table.get(self.source.code(node))
            return declared.kind if declared is not None else None
        if kind == "call_expression":
            return self._call_kind(node)
        if kind == "type_assertion_expression":
            return self.type_kind(node.child_by_field_name("type"))
        if kind == "selector_expression":
            field = node.child_by_field_name("field")
            operand = node.child_by_field_name("operand")
            items = field is not None and self.source.code(field) == "Items"
            return "JobList.Items" if items and self.kind_of(operand, table) == "JobList" else None
        operand = node.child_by_field_name("operand")
        if kind == "index_expression" and self.kind_of(operand, table) == "JobList.Items":
            return "Job"
        return None

    def table(self, node: Node) -> dict[str, Declared]:
        function: Node | None = node
        while function is not None and function.type not in (
            "function_declaration",
            "method_declaration",
        ):
            function = function.parent
        return self._declared.get(function.start_byte, {}) if function is not None else {}

    def declared(self, node: Node) -> Declared | None:
        """How the identifier `node` holds a Job, in its function."""
        return self.table(node).get(self.source.code(node))

    def holds_job(self, node: Node | None) -> bool:
        return self.kind_of(node) == "Job"


# client-go's JobInterface: what its calls return (a *batchv1.Job, a *batchv1.JobList).
_TYPED_RESULTS: dict[str, Kind] = {
    "Get": "Job",
    "Create": "Job",
    "Update": "Job",
    "UpdateStatus": "Job",
    "Patch": "Job",
    "Apply": "Job",
    "ApplyStatus": "Job",
    "List": "JobList",
}


def typed_client_result(source: GoSource, call: Node) -> Kind | None:
    """What `clientset.BatchV1().Jobs(ns).Get(…)` (and the other calls of client-go's Job
    client) returns, or None for another call."""
    function = call.child_by_field_name("function")
    if function is None or function.type != "selector_expression":
        return None
    method = function.child_by_field_name("field")
    kind = _TYPED_RESULTS.get(source.code(method)) if method is not None else None
    jobs = function.child_by_field_name("operand")
    if kind is None or jobs is None or jobs.type != "call_expression":
        return None
    selector = jobs.child_by_field_name("function")
    field = selector.child_by_field_name("field") if selector is not None else None
    if field is None or source.code(field) != "Jobs":
        return None
    group = selector.child_by_field_name("operand") if selector is not None else None
    inner = group.child_by_field_name("function") if group is not None else None
    name = inner.child_by_field_name("field") if inner is not None else None
    return kind if name is not None and source.code(name) == "BatchV1" else None


def _named_type(node: Node | None) -> Node | None:
    """The `batchv1.Job` of `*batchv1.Job`."""
    while node is not None and node.type == "pointer_type":
        node = node.named_children[0] if node.named_children else None
    return node


def job_values(source: GoSource) -> JobValues:
    return source.analysis("go-job-values", lambda: JobValues(source))
