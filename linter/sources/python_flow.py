"""Where a value in Python code comes from, read from the code as written.

A local assigned once (`spec = V1JobSpec(…)`) stands for its value wherever it is read; an
object bound that way also takes the attributes set on it afterwards (`body.spec = …`). What
is assigned twice, in a loop or by unpacking is not followed: two values are no value.
LibCST's scope analysis decides which names a function assigns and reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Assignment

from linter.sources.python import PythonSource

# A name assigned by one of these is not a plain value: a loop or a context manager rebinds
# it, an augmented assignment changes it.
_REBINDING = (cst.For, cst.CompFor, cst.With, cst.WithItem, cst.AugAssign, cst.NamedExpr)
MAX_DEPTH = 8


@dataclass(frozen=True)
class Binding:
    """A name assigned exactly once in its scope, by a plain `name = value` statement."""

    name: str
    target: cst.Name
    value: cst.BaseExpression
    # The statement line, when the assignment is the only statement on it.
    line: cst.SimpleStatementLine | None
    # Every read of the name (in its scope and the scopes nested in it), in source order.
    reads: tuple[cst.Name, ...]


def binding(source: PythonSource, name: cst.Name) -> Binding | None:
    """The one assignment that the read `name` sees, or None."""
    scope = source.scopes.get(name)
    if scope is None:
        return None  # a keyword argument's name, an attribute's
    access = next((a for a in scope.accesses[name.value] if a.node is name), None)
    assignments = list(access.referents if access is not None else scope.assignments[name.value])
    if len(assignments) != 1:
        return None
    assignment = assignments[0]
    if not isinstance(assignment, Assignment):
        return None  # a builtin
    if len(assignment.scope.assignments[name.value]) != 1:
        return None
    target = assignment.node
    if not isinstance(target, cst.Name):
        return None  # a parameter, an import, a function or class definition
    holder = source.parents.get(target)
    statement = source.parents.get(holder) if isinstance(holder, cst.AssignTarget) else None
    if not isinstance(statement, cst.Assign) or len(statement.targets) != 1:
        return None
    if any(isinstance(p, _REBINDING) for p in _ancestors(source, statement)):
        return None
    line = source.parents.get(statement)
    sole = isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
    reads = sorted(
        (a.node for a in assignment.references if isinstance(a.node, cst.Name)),
        key=lambda n: source.span(n).start,
    )
    return Binding(
        name.value,
        target,
        statement.value,
        line if sole and isinstance(line, cst.SimpleStatementLine) else None,
        tuple(reads),
    )


def _ancestors(source: PythonSource, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    current = source.parents.get(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        yield current
        current = source.parents.get(current)


def value_of(source: PythonSource, node: cst.BaseExpression) -> cst.BaseExpression:
    """`node`, or the value of the local it names (followed while names name names)."""
    for _ in range(MAX_DEPTH):
        if not isinstance(node, cst.Name):
            return node
        found = binding(source, node)
        if found is None:
            return node
        node = found.value
    return node


def bound_to(source: PythonSource, value: cst.BaseExpression) -> Binding | None:
    """The binding whose value is `value` (`job = V1Job(…)` for the V1Job call)."""
    statement = source.parents.get(value)
    if not isinstance(statement, cst.Assign) or statement.value is not value:
        return None
    if len(statement.targets) != 1 or not isinstance(statement.targets[0].target, cst.Name):
        return None
    return binding(source, statement.targets[0].target)


@dataclass(frozen=True)
class AttributeSet:
    """`name.attr = value` on a bound object, after its construction."""

    attr: str
    target: cst.Attribute
    value: cst.BaseExpression
    statement: cst.Assign


def attribute_sets(source: PythonSource, bound: Binding) -> list[AttributeSet]:
    found = []
    for read in bound.reads:
        attribute = source.parents.get(read)
        if not isinstance(attribute, cst.Attribute) or attribute.value is not read:
            continue
        holder = source.parents.get(attribute)
        statement = source.parents.get(holder) if isinstance(holder, cst.AssignTarget) else None
        if isinstance(statement, cst.Assign) and len(statement.targets) == 1:
            found.append(AttributeSet(attribute.attr.value, attribute, statement.value, statement))
    return found


def access_path(source: PythonSource, read: cst.Name) -> tuple[str, ...]:
    """What is read off `read`, attribute by attribute and key by key: ("spec", "template")
    for `job.spec.template.x` and for `manifest["spec"]["template"]`, `m.get("spec")`;
    it stops at the first access that is not by a literal name or key."""
    path: list[str] = []
    node: cst.CSTNode = read
    while True:
        parent = source.parents.get(node)
        if isinstance(parent, cst.Attribute) and parent.value is node:
            call = source.parents.get(parent)
            if parent.attr.value == "get" and isinstance(call, cst.Call) and call.func is parent:
                key = _literal_key(call.args[0].value) if call.args else None
                if key is None:
                    return tuple(path)
                path.append(key)
                node = call
                continue
            path.append(parent.attr.value)
            node = parent
        elif isinstance(parent, cst.Subscript) and parent.value is node and len(parent.slice) == 1:
            index = parent.slice[0].slice
            key = _literal_key(index.value) if isinstance(index, cst.Index) else None
            if key is None:
                return tuple(path)
            path.append(key)
            node = parent
        else:
            return tuple(path)


def _literal_key(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def returned_values(function: cst.FunctionDef) -> list[cst.BaseExpression]:
    """The values of the function's own `return` statements (not those of nested functions)."""
    found: list[cst.BaseExpression] = []
    stack: list[cst.CSTNode] = list(function.body.children)
    while stack:
        node = stack.pop()
        if isinstance(node, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
            continue
        if isinstance(node, cst.Return) and node.value is not None:
            found.append(node.value)
        stack.extend(node.children)
    return found


def enclosing_function(source: PythonSource, node: cst.CSTNode) -> cst.FunctionDef | None:
    current = source.parents.get(node)
    while current is not None:
        if isinstance(current, cst.FunctionDef):
            return current
        current = source.parents.get(current)
    return None
