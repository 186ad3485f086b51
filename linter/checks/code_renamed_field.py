"""Names of the Job in controller code: status keys (`status["jobName"]`), attributes
(`task.status.job_name`) and the controller's own functions (`build_job`), renamed per
the migration's maps. Only files that use a Kubernetes client or kopf are read: a data
pipeline's `job_name` is its own business."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import libcst as cst
from pydantic import BaseModel, Field

from linter.context import CheckContext
from linter.findings import Edit, Fix, FixSafety, Span, Violation
from linter.sources.python import PythonSource, walk

TARGET = "python"
KUBERNETES_LIBRARIES = frozenset({"kubernetes", "kubernetes_asyncio", "kopf", "lightkube", "kr8s"})
# Methods whose first argument is a key of the mapping they are called on.
_KEY_METHODS = frozenset({"get", "pop", "setdefault"})


class Params(BaseModel):
    renames: dict[str, str] = Field(
        description="Field names and their new names (status keys and attributes)."
    )
    identifiers: dict[str, str] = Field(
        default_factory=dict,
        description="The controller's own functions and methods, and their new names.",
    )


def uses_kubernetes(source: PythonSource) -> bool:
    return any(path.split(".")[0] in KUBERNETES_LIBRARIES for path in source.imports.values())


def check(source: PythonSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    if source.module is None or not uses_kubernetes(source):
        return
    for node, what, old, span in _occurrences(source, params.renames, params.identifiers):
        new = params.identifiers.get(old) if what == "function" else params.renames.get(old)
        assert new is not None
        code = source.text[span.start : span.end]
        edit = Edit(span.start, span.end, code.replace(old, new, 1))
        fix = Fix((edit,), FixSafety.UNSAFE, f"Rename `{old}` to `{new}`")
        args = {"old": old, "new": new, "what": what}
        yield Violation(span, args, fix, source.scope_of(node))


def _occurrences(
    source: PythonSource, renames: Mapping[str, str], identifiers: Mapping[str, str]
) -> Iterator[tuple[cst.CSTNode, str, str, Span]]:
    assert source.module is not None
    keys: set[int] = set()
    attrs: set[int] = set()
    for node in walk(source.module):
        if isinstance(node, cst.Attribute):
            attrs.add(id(node.attr))
        if isinstance(node, cst.DictElement):
            keys.add(id(node.key))
        elif isinstance(node, cst.Subscript) and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index):
                keys.add(id(index.value))
        elif (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value in _KEY_METHODS
            and node.args
        ):
            keys.add(id(node.args[0].value))
    for node in walk(source.module):
        if isinstance(node, cst.SimpleString) and id(node) in keys:
            value = node.evaluated_value
            if isinstance(value, str) and value in renames:
                yield node, "status key", value, source.span(node)
        elif isinstance(node, cst.Attribute):
            name = node.attr.value
            if name in renames:
                yield node, "attribute", name, source.span(node.attr)
            elif name in identifiers:
                yield node, "function", name, source.span(node.attr)
        elif isinstance(node, cst.Name) and node.value in identifiers and id(node) not in attrs:
            yield node, "function", node.value, source.span(node)
