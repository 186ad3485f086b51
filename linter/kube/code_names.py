"""Names of the Job in controller code: the Task's status fields (`status["jobName"]`,
`task.status.job_name`) and the controller's own functions (`build_job`), where they are
written, read, defined and called. JP505 renames them; the migration plan renames them only
all together, inside a unit that converts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import libcst as cst

from linter.findings import Span
from linter.kube.code_jobs import literal
from linter.sources.python import PythonSource, dotted_name, walk

# Methods whose first argument is a key of the mapping they are called on.
_KEY_METHODS = frozenset({"get", "pop", "setdefault"})


@dataclass(frozen=True)
class NameOccurrence:
    node: cst.CSTNode
    # "status key", "attribute" or "function".
    what: str
    old: str
    span: Span
    # Where the status field is written (a dict key, an assignment's target) or the
    # function defined: the writer of a field, the definition of a name.
    writes: bool


def occurrences(
    source: PythonSource, renames: Mapping[str, str], identifiers: Mapping[str, str]
) -> Iterator[NameOccurrence]:
    """Field names where they are the Task's status (a key read from or written to
    something called status, a dict under a "status" key or handed to a `*status*` call,
    an attribute of a status), and the identifiers the file itself defines or imports
    (functions and methods; `self.build_job` too, `glue.create_job` never)."""
    assert source.module is not None
    parents: dict[int, cst.CSTNode] = {}
    defined: set[str] = set()
    for node in walk(source.module):
        for child in node.children:
            parents[id(child)] = node
        if isinstance(node, cst.FunctionDef):
            defined.add(node.name.value)
        elif isinstance(node, cst.ImportAlias):
            bound = node.asname.name if node.asname is not None else node.name
            if isinstance(bound, cst.Name):
                defined.add(bound.value)
    exported = _all_entries(source.module)
    for node in walk(source.module):
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            if isinstance(value, str) and value in renames and _status_key(node, parents):
                yield NameOccurrence(
                    node, "status key", value, source.span(node), _writes_key(node, parents)
                )
            elif id(node) in exported and value in identifiers and value in defined:
                yield NameOccurrence(node, "function", str(value), source.span(node), False)
        elif isinstance(node, cst.Attribute):
            name = node.attr.value
            if name in renames and _is_status(node.value):
                written = _assigned(node, parents)
                yield NameOccurrence(node, "attribute", name, source.span(node.attr), written)
            elif name in identifiers and name in defined and _is_self(node.value):
                yield NameOccurrence(node, "function", name, source.span(node.attr), False)
        elif isinstance(node, cst.Name) and node.value in identifiers and node.value in defined:
            parent = parents.get(id(node))
            if not (isinstance(parent, cst.Attribute) and parent.attr is node):
                defines = isinstance(parent, cst.FunctionDef) and parent.name is node
                yield NameOccurrence(node, "function", node.value, source.span(node), defines)


def _status_key(node: cst.SimpleString, parents: Mapping[int, cst.CSTNode]) -> bool:
    parent = parents.get(id(node))
    if isinstance(parent, cst.Index):
        subscript = parents.get(id(parents.get(id(parent))))
        return isinstance(subscript, cst.Subscript) and _is_status(subscript.value)
    if isinstance(parent, cst.Arg):
        call = parents.get(id(parent))
        return (
            isinstance(call, cst.Call)
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value in _KEY_METHODS
            and bool(call.args)
            and call.args[0] is parent
            and _is_status(call.func.value)
        )
    if isinstance(parent, cst.DictElement) and parent.key is node:
        return _status_dict(parents.get(id(parent)), parents)
    return False


def _status_dict(node: cst.CSTNode | None, parents: Mapping[int, cst.CSTNode]) -> bool:
    """A dict under a "status" key, or handed to a call whose name says status."""
    parent = parents.get(id(node)) if node is not None else None
    if isinstance(parent, cst.DictElement) and parent.value is node:
        return literal(parent.key) == "status"
    if isinstance(parent, cst.Arg):
        call = parents.get(id(parent))
        if isinstance(call, cst.Call):
            func = call.func
            name = func.attr.value if isinstance(func, cst.Attribute) else dotted_name(func)
            return "status" in (name or "").lower()
    return False


def _is_status(node: cst.BaseExpression) -> bool:
    """`status`, `task_status`, `x.status`, `x["status"]`, `x.get("status", {})`."""
    if isinstance(node, cst.Name):
        return "status" in node.value.lower()
    if isinstance(node, cst.Attribute):
        return "status" in node.attr.value.lower()
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and literal(index.value) == "status"
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.args:
        return node.func.attr.value == "get" and literal(node.args[0].value) == "status"
    return False


def _is_self(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value in ("self", "cls")


def _writes_key(node: cst.SimpleString, parents: Mapping[int, cst.CSTNode]) -> bool:
    """A key of a dict literal (`{"jobName": …}`), or of a subscript assigned to."""
    parent = parents.get(id(node))
    if isinstance(parent, cst.DictElement):
        return True
    if isinstance(parent, cst.Index):
        subscript = parents.get(id(parents.get(id(parent))))
        return subscript is not None and _assigned(subscript, parents)
    return False


def _assigned(node: cst.CSTNode, parents: Mapping[int, cst.CSTNode]) -> bool:
    holder = parents.get(id(node))
    return isinstance(holder, cst.AssignTarget) or (
        isinstance(holder, (cst.AnnAssign, cst.AugAssign)) and holder.target is node
    )


def _all_entries(module: cst.Module) -> set[int]:
    """The strings of a module-level `__all__ = [...]` (or `+= (...)`): names the module
    exports, renamed with their definition."""
    found: set[int] = set()
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AugAssign):
                targets = [small.target]
            else:
                continue
            named = any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets)
            if named and isinstance(small.value, (cst.List, cst.Tuple)):
                found.update(
                    id(e.value)
                    for e in small.value.elements
                    if isinstance(e.value, cst.SimpleString)
                )
    return found


@dataclass(frozen=True)
class Reference:
    """A use of a renamed identifier that a rename cannot follow: an attribute of some
    object job2pod cannot type (`runner.build_job()`), or the name in a string
    (`getattr(self, "build_job")`, a kopf handler id)."""

    node: cst.CSTNode
    name: str
    how: str


def references(source: PythonSource, identifiers: Mapping[str, str]) -> Iterator[Reference]:
    assert source.module is not None
    exported = _all_entries(source.module)
    for node in walk(source.module):
        if isinstance(node, cst.Attribute) and node.attr.value in identifiers:
            if not _is_self(node.value):
                yield Reference(
                    node,
                    node.attr.value,
                    f"`{dotted_name(node) or node.attr.value}` calls a `{node.attr.value}` of an "
                    "object job2pod cannot tell the class of",
                )
        elif (
            isinstance(node, cst.SimpleString)
            and id(node) not in exported
            and any(name in node.value for name in identifiers)
        ):
            value = node.evaluated_value
            if isinstance(value, str) and value in identifiers:
                yield Reference(node, value, f"the string {node.value} names `{value}`")
