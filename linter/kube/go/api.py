"""The Go API of Jobs and Pods: import paths, JobSpec fields and their JSON names, named
constants, and the literal values that Go code writes through pointer helpers.

Field names and constants are those of k8s.io/api (Job API reference: JobSpec, JobStatus;
Pod API reference: PodSpec, PodPhase); helpers those of k8s.io/utils (`ptr.To`, the older
`pointer.Int32`) and the one-line helpers controllers define themselves
(`func int32Ptr(i int32) *int32 { return &i }`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import TYPE_CHECKING

from linter.sources.go import GoSource, children, string_value, walk

if TYPE_CHECKING:
    from tree_sitter import Node

BATCH_V1 = "k8s.io/api/batch/v1"
CORE_V1 = "k8s.io/api/core/v1"
PTR = "k8s.io/utils/ptr"
POINTER = "k8s.io/utils/pointer"
CONTROLLER_RUNTIME_CLIENT = "sigs.k8s.io/controller-runtime/pkg/client"

# JobSpec's Go fields and their JSON names (Job API reference, JobSpec): the thin-wrapper
# table of linter/kube/job_features.py is keyed by the JSON names.
JOB_SPEC_FIELDS = {
    "Parallelism": "parallelism",
    "Completions": "completions",
    "ActiveDeadlineSeconds": "activeDeadlineSeconds",
    "PodFailurePolicy": "podFailurePolicy",
    "SuccessPolicy": "successPolicy",
    "BackoffLimit": "backoffLimit",
    "BackoffLimitPerIndex": "backoffLimitPerIndex",
    "MaxFailedIndexes": "maxFailedIndexes",
    "Selector": "selector",
    "ManualSelector": "manualSelector",
    "Template": "template",
    "TTLSecondsAfterFinished": "ttlSecondsAfterFinished",
    "CompletionMode": "completionMode",
    "Suspend": "suspend",
    "PodReplacementPolicy": "podReplacementPolicy",
    "ManagedBy": "managedBy",
}
# Named string constants of the Job and Pod APIs that decide whether a Job is a thin
# wrapper (CompletionMode; RestartPolicy).
CONSTANTS = {
    (BATCH_V1, "NonIndexedCompletion"): "NonIndexed",
    (BATCH_V1, "IndexedCompletion"): "Indexed",
    (CORE_V1, "RestartPolicyNever"): "Never",
    (CORE_V1, "RestartPolicyOnFailure"): "OnFailure",
    (CORE_V1, "RestartPolicyAlways"): "Always",
}
# The label keys of batch/v1's constants (`batchv1.JobNameLabel` …): the labels the Job
# controller sets on its Pods.
LABEL_CONSTANTS = {
    (BATCH_V1, "JobNameLabel"): "batch.kubernetes.io/job-name",
    (BATCH_V1, "ControllerUidLabel"): "batch.kubernetes.io/controller-uid",
    (BATCH_V1, "LegacyJobNameLabel"): "job-name",
    (BATCH_V1, "LegacyControllerUidLabel"): "controller-uid",
}
# k8s.io/utils/pointer's typed helpers (deprecated for ptr.To, still common).
_POINTER_HELPERS = frozenset(
    {"Int32", "Int32Ptr", "Int64", "Int64Ptr", "Bool", "BoolPtr", "String", "StringPtr"}
)
_CONVERSIONS = frozenset({"int", "int32", "int64", "bool", "string"})
_PTR_TO = ((PTR, "To"), (PTR, "Of"))

Literal = int | str | bool


def alias(source: GoSource, path: str) -> str | None:
    """The name the file imports `path` under (the first, if it imports it twice)."""
    return next((name for name, p in source.imports.items() if p == path), None)


def names(source: GoSource, node: Node | None, path: str, *wanted: str) -> bool:
    """Whether `node` names one of `wanted` of the package at `path`."""
    if node is None:
        return False
    found = source.resolve(node)
    return found is not None and found[0] == path and (not wanted or found[1] in wanted)


def unwrap(node: Node) -> Node:
    """The expression inside parentheses and a composite literal's `literal_element`."""
    while node.type in ("parenthesized_expression", "literal_element") and node.named_children:
        node = node.named_children[0]
    return node


class Values:
    """What the file's constant-like expressions evaluate to: literals, named API
    constants, pointer helpers around them, and locals and package-level names bound to
    them (the last binding before the use, in the same function or at package level)."""

    def __init__(self, source: GoSource) -> None:
        self.source = source

    @cached_property
    def helpers(self) -> dict[str, str]:
        """Local one-line pointer helpers: name → the type they point to (`int32`)."""
        found = {}
        for node in self.source.root.children:
            if node.type != "function_declaration":
                continue
            name, params, result, body = (
                node.child_by_field_name(f) for f in ("name", "parameters", "result", "body")
            )
            if None in (name, params, result, body):
                continue
            assert name is not None and params is not None and result is not None
            assert body is not None
            declared = [p for p in params.named_children if p.type == "parameter_declaration"]
            if len(declared) != 1 or result.type != "pointer_type":
                continue
            param_names = declared[0].children_by_field_name("name")
            statements = [s for s in walk(body) if s.type.endswith("_statement")]
            if len(param_names) != 1 or len(statements) != 1:
                continue
            returned = self.source.code(statements[0]).split(None, 1)
            if returned == ["return", f"&{self.source.code(param_names[0])}"]:
                found[self.source.code(name)] = self.source.code(result)[1:]
        return found

    def literal(self, node: Node | None, depth: int = 0) -> Literal | None:
        """The literal value of `node`, or None when it is computed."""
        if node is None or depth > 8:
            return None
        node = unwrap(node)
        kind = node.type
        if kind == "int_literal":
            try:
                return int(self.source.code(node).replace("_", ""), 0)
            except ValueError:
                return None
        if kind in ("interpreted_string_literal", "raw_string_literal"):
            return string_value(self.source, node)
        if kind in ("true", "false"):
            return kind == "true"
        if kind == "unary_expression" and self.source.code(node).startswith("&"):
            return self.literal(node.child_by_field_name("operand"), depth + 1)
        if kind in ("call_expression", "type_conversion_expression"):
            argument = self._pointed(node)
            return self.literal(argument, depth + 1) if argument is not None else None
        if kind in ("selector_expression", "qualified_type"):
            found = self.source.resolve(node)
            return CONSTANTS.get(found) if found is not None else None
        if kind == "identifier":
            found = self.source.resolve(node)
            if found is not None and found in CONSTANTS:
                return CONSTANTS[found]
            value = self.binding(node)
            return self.literal(value, depth + 1) if value is not None else None
        return None

    def _pointed(self, call: Node) -> Node | None:
        """The argument of a pointer helper or conversion call (`ptr.To[int32](0)`,
        `pointer.Int32(0)`, `int32Ptr(0)`, `int32(0)`), or None for another call."""
        function = call.child_by_field_name("function") or call.child_by_field_name("type")
        if function is None:
            return None
        if function.type == "generic_type":
            function = function.child_by_field_name("type")
        elif function.type == "index_expression":  # ptr.To[int32] read as an index
            function = function.child_by_field_name("operand")
        if function is None:
            return None
        found = self.source.resolve(function)
        known = (
            found in _PTR_TO
            or (found is not None and found[0] == POINTER and found[1] in _POINTER_HELPERS)
            or (
                function.type in ("identifier", "type_identifier")
                and self.source.code(function) in (*self.helpers, *_CONVERSIONS)
            )
        )
        if not known:
            return None
        if call.type == "type_conversion_expression":
            return call.child_by_field_name("operand")
        arguments = call.child_by_field_name("arguments")
        values = arguments.named_children if arguments is not None else []
        return values[0] if len(values) == 1 else None

    def binding(self, name: Node) -> Node | None:
        """The value last bound to identifier `name` before it (`zero := int32(0)`,
        `var retries int32 = 0`, `const zero = 0`) in its function or at package level."""
        text = self.source.code(name)
        function = enclosing_function(name)
        scopes = [function.child_by_field_name("body")] if function is not None else []
        scopes.append(self.source.root)
        for scope in scopes:
            if scope is None:
                continue
            found = None
            for left, value in bindings(self.source, scope, stop_at=name.start_byte):
                if self.source.code(left) == text:
                    found = value
            if found is not None:
                return found
        return None

    def int32_pointer(self, value: int) -> str | None:
        """Go code for a `*int32` holding `value`, with a helper the file already has:
        `ptr.To[int32](v)`, `pointer.Int32(v)` or a local helper; None without one."""
        name = alias(self.source, PTR)
        if name is not None:
            return f"{name}.To[int32]({value})"
        name = alias(self.source, POINTER)
        if name is not None:
            return f"{name}.Int32({value})"
        for helper, pointed in self.helpers.items():
            if pointed == "int32":
                return f"{helper}({value})"
        return None


def values(source: GoSource) -> Values:
    """The file's Values, shared by its rules."""
    return source.analysis("go-values", lambda: Values(source))


def enclosing_function(node: Node) -> Node | None:
    current = node.parent
    while current is not None:
        if current.type in ("function_declaration", "method_declaration", "func_literal"):
            return current
        current = current.parent
    return None


def bindings(
    source: GoSource, scope: Node, stop_at: int | None = None
) -> Iterator[tuple[Node, Node]]:
    """(name, value) of each single-value binding in `scope`, in source order: `x := v`,
    `x = v`, `var x T = v`, `const x = v`; with several names, the values pair up.
    Nested function literals are not entered."""
    for node in walk(scope, stop=frozenset({"func_literal"}) if scope.type == "block" else _TOP):
        if stop_at is not None and node.start_byte >= stop_at:
            return
        if node.type in ("short_var_declaration", "assignment_statement"):
            if node.type == "assignment_statement" and source.code(
                node.child_by_field_name("operator") or node
            ) not in ("=",):
                continue
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                yield from _paired(left.named_children, right.named_children)
        elif node.type in ("var_spec", "const_spec"):
            value = node.child_by_field_name("value")
            if value is not None:
                yield from _paired(node.children_by_field_name("name"), value.named_children)


# At package level only declarations count: a function's locals are its own.
_TOP = frozenset({"function_declaration", "method_declaration"})


def _paired(left: list[Node], right: list[Node]) -> Iterator[tuple[Node, Node]]:
    if len(left) == len(right):
        yield from zip(left, right, strict=True)


def keyed_elements(source: GoSource, body: Node | None) -> dict[str, tuple[Node, Node]]:
    """Key text → (keyed_element, value expression) of a composite literal's body."""
    found: dict[str, tuple[Node, Node]] = {}
    if body is None or body.type != "literal_value":
        return found
    for element in children(body, "keyed_element"):
        key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
        if key is None or value is None:
            continue
        found.setdefault(source.code(unwrap(key)), (element, unwrap(value)))
    return found


def literal_body(node: Node | None) -> Node | None:
    """The body of a composite literal (`T{…}`, `&T{…}`), or None."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type == "unary_expression":
        operand = node.child_by_field_name("operand")
        node = unwrap(operand) if operand is not None else node
    if node.type != "composite_literal":
        return None
    return node.child_by_field_name("body")


def literal_type(node: Node | None) -> Node | None:
    """The type of a composite literal (`batchv1.Job` of `&batchv1.Job{…}`), or None."""
    if node is None:
        return None
    node = unwrap(node)
    if node.type == "unary_expression":
        operand = node.child_by_field_name("operand")
        node = unwrap(operand) if operand is not None else node
    return node.child_by_field_name("type") if node.type == "composite_literal" else None
