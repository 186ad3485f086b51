"""Reads of a Job's status in Python code (succeeded, failed, active, conditions Complete or
Failed), and the Pod phase that says the same by DESIGN.md's mapping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst

from linter.findings import Edit
from linter.kube import batch_api, clients, code_jobs, kopf
from linter.kube.python_gate import JOB_STATUS_MODELS
from linter.sources.python import PythonSource, dotted_name, walk

_N = TypeVar("_N", bound=cst.CSTNode)

_SUCCEEDED = 'the Pod\'s `status.phase == "Succeeded"`'
_FAILED = (
    '`status.phase == "Failed"` (a Pod evicted or preempted, or gone while Running, failed too)'
)
_ACTIVE = '`status.phase in ("Pending", "Running")`'
PHASE_OF = {
    "succeeded": _SUCCEEDED,
    "failed": _FAILED,
    "active": _ACTIVE,
    "ready": _ACTIVE,
    "completion_time": "the terminated container's `state.terminated.finished_at`",
    "completionTime": "the terminated container's `state.terminated.finished_at`",
    "Complete": _SUCCEEDED,
    "Failed": _FAILED,
    "SuccessCriteriaMet": _SUCCEEDED,
    "FailureTarget": _FAILED,
}
STATUS_FIELDS = frozenset(
    {"succeeded", "failed", "active", "ready", "completion_time", "completionTime"}
)
CONDITION_TYPES = frozenset({"Complete", "Failed", "SuccessCriteriaMet", "FailureTarget"})


def handles_pods(source: PythonSource) -> bool:
    return code_jobs.builds_pods(source) or any(
        use.method.endswith(("_namespaced_pod", "_namespaced_pod_status"))
        for use in clients.client_index(source).uses
    )


def api_results(source: PythonSource) -> set[str]:
    """Names bound to what a Kubernetes API call returned (`pod = core.read_…(…)`)."""
    assert source.module is not None
    calls = {id(use.attribute) for use in clients.client_index(source).uses}
    found: set[str] = set()
    for node in walk(source.module):
        if isinstance(node, cst.Assign) and len(node.targets) == 1:
            target, value = node.targets[0].target, node.value
            if isinstance(value, cst.Await):
                value = value.expression
            if (
                isinstance(target, cst.Name)
                and isinstance(value, cst.Call)
                and id(value.func) in calls
            ):
                found.add(target.value)
    return found


def handles_jobs(source: PythonSource) -> bool:
    return bool(
        batch_api.job_uses(source)
        or code_jobs.code_jobs(source)
        or any(p.rsplit(".", 1)[-1] in JOB_STATUS_MODELS for p in source.imports.values())
        or _mentions_job_model(source)
        or any(True for _ in kopf.job_handlers(source))
    )


def _mentions_job_model(source: PythonSource) -> bool:
    assert source.module is not None
    for node in walk(source.module):
        if isinstance(node, cst.Attribute) and node.attr.value in JOB_STATUS_MODELS:
            found = clients.symbol(source, node)
            if found is not None:
                return True
    return False


def status_reads(source: PythonSource) -> list[tuple[cst.CSTNode, str]]:
    """(node, field) for every read of Job status: `x.status.succeeded`,
    `status["failed"]`, `status.get("active")`, a comparison with "Complete"/"Failed".
    Once per file: JP506 asks for each handler, JP507 for the file."""
    return source.analysis(f"{__name__}.status_reads", lambda: list(_status_reads(source)))


def _status_reads(source: PythonSource) -> Iterator[tuple[cst.CSTNode, str]]:
    assert source.module is not None
    # In a kopf handler on Jobs every key read is the Job's: `new`, `old`, `body["status"]`
    # and `(new or {})` all hold Job status without being called `status`.
    handlers = [source.span(h.function) for h in kopf.job_handlers(source)]
    for node in walk(source.module):
        found = _status_read(node)
        if found is None and handlers:
            span = source.span(node)
            if any(h.start <= span.start and span.end <= h.end for h in handlers):
                found = _key_read(node)
        if found is not None:
            yield node, found


def _status_read(node: cst.CSTNode) -> str | None:
    if (
        isinstance(node, cst.Attribute)
        and node.attr.value in STATUS_FIELDS
        and _is_status(node.value)
    ):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and _is_status(node.value):
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            key = code_jobs.literal(index.value)
            if isinstance(key, str) and key in STATUS_FIELDS:
                return key
    if _is_get(node, _is_status):
        assert isinstance(node, cst.Call)
        key = code_jobs.literal(node.args[0].value)
        if isinstance(key, str) and key in STATUS_FIELDS:
            return key
    if isinstance(node, cst.Comparison):
        sides = [node.left, *(c.comparator for c in node.comparisons)]
        literals = [code_jobs.literal(s) for s in sides]
        for value in literals:
            if isinstance(value, str) and value in CONDITION_TYPES and _mentions_type(sides):
                return value
    return None


def _key_read(node: cst.CSTNode) -> str | None:
    """A status field read from any receiver: `x["succeeded"]`, `x.get("failed")`."""
    key: cst.BaseExpression | None = None
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        key = index.value if isinstance(index, cst.Index) else None
    elif _is_get(node) and isinstance(node, cst.Call):
        key = node.args[0].value
    value = code_jobs.literal(key)
    return value if isinstance(value, str) and value in STATUS_FIELDS else None


def off_api_call(source: PythonSource, node: cst.CSTNode) -> bool:
    """Whether the read is made straight off what a client call returned
    (`core.read_namespaced_pod_status(…).status.succeeded`)."""
    calls = {id(use.call) for use in clients.client_index(source).uses if use.call is not None}
    current: cst.CSTNode = node
    while isinstance(current, (cst.Attribute, cst.Subscript, cst.Call)):
        if isinstance(current, cst.Call) and id(current) in calls:
            return True
        current = current.func if isinstance(current, cst.Call) else current.value
    return False


def write_targets(source: PythonSource) -> set[int]:
    assert source.module is not None
    found: set[int] = set()
    for node in walk(source.module):
        if isinstance(node, cst.Assign):
            found.update(id(t.target) for t in node.targets)
        elif isinstance(node, (cst.AugAssign, cst.AnnAssign)):
            found.add(id(node.target))
    return found


def root_name(node: cst.CSTNode) -> str | None:
    """`job` of `job.status.succeeded`, `job["status"]["failed"]`, `job.status.get(…)`."""
    while True:
        if isinstance(node, cst.Name):
            return node.value
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            return None


def _is_status(node: cst.BaseExpression) -> bool:
    if isinstance(node, cst.Name):
        return node.value == "status"
    if isinstance(node, cst.Attribute):
        return node.attr.value == "status"
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        return isinstance(index, cst.Index) and code_jobs.literal(index.value) == "status"
    return False


def _mentions_type(sides: list[cst.BaseExpression]) -> bool:
    for side in sides:
        if isinstance(side, cst.Attribute) and side.attr.value == "type":
            return True
        if isinstance(side, cst.Subscript) and len(side.slice) == 1:
            index = side.slice[0].slice
            if isinstance(index, cst.Index) and code_jobs.literal(index.value) == "type":
                return True
        if (
            _is_get(side)
            and isinstance(side, cst.Call)
            and code_jobs.literal(side.args[0].value) == "type"
        ):
            return True
    return False


def _is_get(
    node: cst.CSTNode, receiver: Callable[[cst.BaseExpression], bool] = lambda _: True
) -> bool:
    """`receiver.get(key, …)`."""
    return (
        isinstance(node, cst.Call)
        and isinstance(node.func, cst.Attribute)
        and node.func.attr.value == "get"
        and bool(node.args)
        and receiver(node.func.value)
    )


# The Pod phase test that says what a truth test of the Job's count said (DESIGN.md's
# mapping: Succeeded → Completed, Failed → Failed, Pending/Running → Running).
_PHASE_TEST = {
    "succeeded": ('== "Succeeded"', '!= "Succeeded"'),
    "failed": ('== "Failed"', '!= "Failed"'),
    "active": ('in ("Pending", "Running")', 'not in ("Pending", "Running")'),
    "Complete": ('== "Succeeded"', '!= "Succeeded"'),
    "Failed": ('== "Failed"', '!= "Failed"'),
}
# `count > 0` and the other ways to say "at least one"; the rest say "none".
_SOME = {(">", 0), (">=", 1), ("!=", 0)}
_NONE = {("==", 0), ("<", 1), ("<=", 0)}
_OPERATORS = {
    cst.GreaterThan: ">",
    cst.GreaterThanEqual: ">=",
    cst.NotEqual: "!=",
    cst.Equal: "==",
    cst.LessThan: "<",
    cst.LessThanEqual: "<=",
}
_MIRRORED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}


@dataclass(frozen=True)
class PhaseRewrite:
    """The edits that read the Pod's phase instead of a Job status read, or why none."""

    edits: tuple[Edit, ...] = ()
    reason: str | None = None
    title: str = ""


def phase_rewrite(source: PythonSource, node: cst.CSTNode, field: str) -> PhaseRewrite:
    """A truth test of succeeded / failed / active, a comparison of one with 0, or a test of
    the conditions Complete / Failed (in `any(…)` or a loop that only tests them) becomes
    the Pod phase test that means the same; anything else has no rewrite."""
    if field not in _PHASE_TEST:
        return PhaseRewrite(reason=f"no Pod phase says what `{field}` says")
    if field in CONDITION_TYPES:
        return _condition_rewrite(source, node, field)
    phase = _phase_expression(source, node, field)
    if phase is None:
        return PhaseRewrite(reason="the status is read in a way job2pod does not rewrite")
    yes, no = _PHASE_TEST[field]
    safe = _none_safe(source, node)
    comparison = _count_comparison(source, safe)
    if comparison is not None:
        whole, some = comparison
        test = yes if some else no
        if source.parents.get(node) is whole or (safe is not node and whole.left is safe):
            return _tail_replaced(source, node, safe, whole, test, f"{phase} {test}", field)
        return _replaced(source, whole, f"{phase} {test}", field)
    if _truth_tested(source, node):
        return _tail_replaced(source, node, node, node, yes, f"{phase} {yes}", field)
    return PhaseRewrite(
        reason=f"`{field}` is used as a number, not tested: a Pod has no such count"
    )


def _tail_replaced(
    source: PythonSource,
    read: cst.CSTNode,
    safe: cst.CSTNode,
    whole: cst.CSTNode,
    test: str,
    shown: str,
    field: str,
) -> PhaseRewrite:
    """Only what follows the status object changes (`.succeeded` → `.phase ==
    "Succeeded"`, `["failed"] > 0` → `["phase"] == "Failed"`), so edits inside the object
    (a call on it renamed by the client's fix) do not overlap; the parenthesis of a
    None-safe `(… or 0)` goes too."""
    start, tail = _field_tail(source, read)
    edits = [Edit(start, source.span(whole).end, f"{tail} {test}")]
    if safe is not read:
        opening = source.text.rfind("(", 0, source.span(safe).start)
        edits.append(Edit(opening, opening + 1, ""))
    title = f"Read the Pod's phase: `{shown}` for the Job's `{field}`"
    return PhaseRewrite(tuple(edits), title=title)


def _field_tail(source: PythonSource, node: cst.CSTNode) -> tuple[int, str]:
    """Where the field's name starts in the read, and what stands there for the phase."""
    if isinstance(node, cst.Attribute):
        return source.span(node.attr).start, "phase"
    if isinstance(node, cst.Subscript):
        index = node.slice[0].slice
        assert isinstance(index, cst.Index)
        key = source.code(index.value)
        return source.span(index.value).start, f"{key[0]}phase{key[0]}]"
    assert isinstance(node, cst.Call)
    key = source.code(node.args[0].value)
    return source.span(node.args[0].value).start, f"{key[0]}phase{key[0]})"


def _replaced(source: PythonSource, node: cst.CSTNode, text: str, field: str) -> PhaseRewrite:
    span = source.span(node)
    title = f"Read the Pod's phase: `{text}` for the Job's `{field}`"
    return PhaseRewrite((Edit(span.start, span.end, text),), title=title)


def _code(source: PythonSource, node: cst.CSTNode) -> str:
    """The node's text with its parentheses (positions leave them out)."""
    code = source.code(node)
    return f"({code})" if getattr(node, "lpar", None) else code


def _phase_expression(source: PythonSource, node: cst.CSTNode, field: str) -> str | None:
    """The read with `phase` in place of the field: `job.status.phase`,
    `status["phase"]`, `status.get("phase")` (a default argument dropped: a Pod always
    has a phase)."""
    if isinstance(node, cst.Attribute):
        return f"{_code(source, node.value)}.phase"
    if isinstance(node, cst.Subscript):
        index = node.slice[0].slice
        assert isinstance(index, cst.Index)
        quote = source.code(index.value)[0] if source.code(index.value)[:1] in "'\"" else '"'
        return f"{_code(source, node.value)}[{quote}phase{quote}]"
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.args:
        key = source.code(node.args[0].value)
        quote = key[0] if key[:1] in "'\"" else '"'
        return f"{_code(source, node.func.value)}.get({quote}phase{quote})"
    return None


def _none_safe(source: PythonSource, node: cst.CSTNode) -> cst.CSTNode:
    """`(job.status.failed or 0)`, the None-safe count (a V1JobStatus field is None until
    the Job controller sets it): the comparison is of the whole."""
    parent = source.parents.get(node)
    if (
        isinstance(parent, cst.BooleanOperation)
        and isinstance(parent.operator, cst.Or)
        and parent.left is node
        and code_jobs.literal(parent.right) == 0
    ):
        return parent
    return node


def _count_comparison(
    source: PythonSource, node: cst.CSTNode
) -> tuple[cst.Comparison, bool] | None:
    """The comparison of the read with 0 (or 1) around it, and whether it asks for "some"."""
    parent = source.parents.get(node)
    if not isinstance(parent, cst.Comparison) or len(parent.comparisons) != 1:
        return None
    target = parent.comparisons[0]
    operator = _OPERATORS.get(type(target.operator))
    if operator is None:
        return None
    if parent.left is node:
        other = target.comparator
    elif target.comparator is node:
        other, operator = parent.left, _MIRRORED[operator]
    else:
        return None
    number = code_jobs.literal(other)
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    if (operator, number) in _SOME:
        return parent, True
    if (operator, number) in _NONE:
        return parent, False
    return None


def _truth_tested(source: PythonSource, node: cst.CSTNode) -> bool:
    """Whether only the read's truth counts: an `if`/`while`/ternary/assert test, `not`,
    `bool(…)`, an operand of `and`/`or` that is itself tested."""
    current = node
    while True:
        parent = source.parents.get(current)
        if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
            current = parent
        elif isinstance(parent, cst.BooleanOperation):
            # `x or default` hands the value on: only the tested whole makes it a test.
            if parent.right is current and not _truth_tested(source, parent):
                return False
            current = parent
        elif (
            (isinstance(parent, (cst.If, cst.While)) and parent.test is current)
            or (isinstance(parent, cst.IfExp) and parent.test is current)
            or (isinstance(parent, (cst.Assert, cst.CompIf)) and parent.test is current)
        ):
            return True
        elif isinstance(parent, cst.Arg):
            call = source.parents.get(parent)
            return (
                isinstance(call, cst.Call)
                and dotted_name(call.func) == "bool"
                and len(call.args) == 1
            )
        else:
            return False


def _condition_rewrite(source: PythonSource, node: cst.CSTNode, field: str) -> PhaseRewrite:
    """`any(c.type == "Complete" … for c in job.status.conditions)` and a loop over the
    conditions whose body only tests their types become tests of the phase."""
    generator = _enclosing(source, node, cst.GeneratorExp)
    if generator is not None:
        call = source.parents.get(source.parents.get(generator) or generator)
        if isinstance(call, cst.Call) and dotted_name(call.func) == "any" and len(call.args) == 1:
            phase = _conditions_phase(source, generator.for_in.iter)
            if phase is not None and _tests_only_type(source, generator.elt, generator.for_in):
                yes, _ = _PHASE_TEST[field]
                return _replaced(source, call, f"{phase} {yes}", field)
        return PhaseRewrite(reason="the conditions are searched in a way job2pod does not rewrite")
    loop = _enclosing(source, node, cst.For)
    if loop is None:
        return PhaseRewrite(reason="the condition is tested outside a loop over the conditions")
    return _loop_rewrite(source, loop, field)


def _enclosing(source: PythonSource, node: cst.CSTNode, kind: type[_N]) -> _N | None:
    current = source.parents.get(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Module)):
        if isinstance(current, kind):
            return current
        current = source.parents.get(current)
    return None


def _conditions_phase(source: PythonSource, iterated: cst.BaseExpression) -> str | None:
    """`job.status.phase` for `job.status.conditions or []`, `status.get("phase")` for
    `status.get("conditions", [])`: the phase read where the conditions were."""
    if isinstance(iterated, cst.BooleanOperation) and isinstance(iterated.operator, cst.Or):
        iterated = iterated.left
    if isinstance(iterated, cst.Attribute) and iterated.attr.value == "conditions":
        return f"{_code(source, iterated.value)}.phase"
    if isinstance(iterated, cst.Subscript) or _is_get(iterated):
        path = _key_of(iterated)
        if path == "conditions":
            return _phase_expression(source, iterated, "conditions")
    return None


def _key_of(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        value = code_jobs.literal(index.value) if isinstance(index, cst.Index) else None
        return value if isinstance(value, str) else None
    if isinstance(node, cst.Call) and node.args:
        value = code_jobs.literal(node.args[0].value)
        return value if isinstance(value, str) else None
    return None


def _tests_only_type(
    source: PythonSource, test: cst.BaseExpression, loop: cst.CompFor | cst.For
) -> bool:
    """`c.type == "Complete"`, optionally `and c.status == "True"`: what only a condition
    of that type says, nothing else of the condition."""
    target = loop.target
    if not isinstance(target, cst.Name):
        return False
    parts: list[cst.BaseExpression] = []
    stack = [test]
    while stack:
        part = stack.pop()
        if isinstance(part, cst.BooleanOperation) and isinstance(part.operator, cst.And):
            stack.extend((part.left, part.right))
        else:
            parts.append(part)
    found_type = False
    for part in parts:
        if not isinstance(part, cst.Comparison) or len(part.comparisons) != 1:
            return False
        if not isinstance(part.comparisons[0].operator, cst.Equal):
            return False
        read, value = part.left, code_jobs.literal(part.comparisons[0].comparator)
        if root_name(read) != target.value or not isinstance(value, str):
            return False
        key = read.attr.value if isinstance(read, cst.Attribute) else _key_of(read)
        if key == "type" and value in CONDITION_TYPES:
            found_type = True
        elif not (key == "status" and value == "True"):
            return False
    return found_type


def _loop_rewrite(source: PythonSource, loop: cst.For, field: str) -> PhaseRewrite:
    """`for c in job.status.conditions: if c.type == "Complete": …  elif …` becomes
    `if job.status.phase == "Succeeded": …  elif …`, the body dedented one level."""
    phase = _conditions_phase(source, loop.iter)
    body = loop.body.body if isinstance(loop.body, cst.IndentedBlock) else ()
    if (
        phase is None
        or loop.orelse is not None
        or len(body) != 1
        or not isinstance(body[0], cst.If)
    ):
        return PhaseRewrite(reason="the loop over the conditions does more than test their types")
    target = loop.target
    if not isinstance(target, cst.Name):
        return PhaseRewrite(reason="the loop over the conditions unpacks them")
    branches: list[cst.If] = []
    branch: cst.If | cst.Else | None = body[0]
    while isinstance(branch, cst.If):
        branches.append(branch)
        branch = branch.orelse
    tests = []
    for test_branch in branches:
        kind = _tested_type(source, test_branch.test, loop)
        if kind is None:
            return PhaseRewrite(reason="the loop over the conditions tests more than their types")
        tests.append((test_branch.test, kind))
    for node in walk(loop.body):
        if isinstance(node, (cst.Break, cst.Continue)):
            return PhaseRewrite(reason="the loop over the conditions breaks out of itself")
        loop_variable = isinstance(node, cst.Name) and node.value == target.value
        if loop_variable and not any(_inside(source, node, test) for test, _ in tests):
            return PhaseRewrite(reason=f"the loop's body reads the condition `{target.value}`")
    inner = source.span(body[0])
    text = source.text[inner.start : inner.end]
    edits_inside = []
    for test, kind in tests:
        span = source.span(test)
        yes, _ = _PHASE_TEST[kind]
        edits_inside.append(
            Edit(span.start - inner.start, span.end - inner.start, f"{phase} {yes}")
        )
    for edit in sorted(edits_inside, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    outer = source.span(loop)
    text = _dedented(text, _indent_at(source, inner.start), _indent_at(source, outer.start))
    title = f"Test the Pod's phase instead of looping over the Job's conditions ({field} …)"
    return PhaseRewrite((Edit(outer.start, outer.end, text),), title=title)


def _tested_type(source: PythonSource, test: cst.BaseExpression, loop: cst.For) -> str | None:
    if not _tests_only_type(source, test, loop):
        return None
    for node in walk(test):
        if isinstance(node, cst.SimpleString):
            value = code_jobs.literal(node)
            if isinstance(value, str) and value in _PHASE_TEST and value in CONDITION_TYPES:
                return value
    return None


def _inside(source: PythonSource, node: cst.CSTNode, outer: cst.CSTNode) -> bool:
    span, around = source.span(node), source.span(outer)
    return around.start <= span.start and span.end <= around.end


def _indent_at(source: PythonSource, offset: int) -> str:
    start = max(source.text.rfind("\n", 0, offset), source.text.rfind("\r", 0, offset)) + 1
    line = source.text[start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _dedented(text: str, old: str, new: str) -> str:
    """Every line after the first loses `old` and gains `new` (one level less)."""
    lines = text.splitlines(keepends=True)
    out = [lines[0]]
    for line in lines[1:]:
        out.append(new + line[len(old) :] if line.startswith(old) else line)
    return "".join(out)
