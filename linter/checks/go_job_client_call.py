"""Go API calls on batch Jobs: controller-runtime client calls whose object is a Job or a
JobList (`r.Get(ctx, key, &job)`, `r.Create(ctx, job)`, `r.List(ctx, &jobs, …)`), and
client-go's typed Job clients and informers (`clientset.BatchV1().Jobs(ns)`,
`factory.Batch().V1().Jobs()`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.context import CheckContext
from linter.edits.go import NotRewritable
from linter.findings import Edit, Fix, Violation
from linter.kube.go import api, jobs
from linter.kube.go.job_to_pod import core_alias
from linter.kube.go.objects import JobValues, job_values
from linter.kube.go.status import status_reads
from linter.levels import FixSafety
from linter.settings import param
from linter.sources.go import GoSource, walk

if TYPE_CHECKING:
    from tree_sitter import Node

TARGET = "go"
_POD_TYPES = {"Job": "Pod", "JobList": "PodList"}


@dataclass(frozen=True)
class Params:
    object_arguments: dict[str, int] = param(
        description="controller-runtime client methods and the index of their object argument."
    )
    typed_clients: dict[str, str] = param(
        description="client-go calls on the way to Jobs and their Pod counterparts "
        "(`BatchV1` → `CoreV1`, `Jobs` → `Pods`)."
    )


def check(source: GoSource, params: Params, ctx: CheckContext) -> Iterator[Violation]:
    values = job_values(source)
    kept = jobs.kept_job_note(source)
    for violation in _violations(source, values, params):
        if kept is not None:
            # The calls serve the Job that stays: they keep working on Jobs.
            args = {**violation.args, "verdict": f"{violation.args['what']}; not rewritten: {kept}"}
            violation = Violation(violation.span, args, None, violation.obj)
        yield violation


def _violations(source: GoSource, values: JobValues, params: Params) -> Iterator[Violation]:
    for node in source.nodes("call_expression"):
        function = node.child_by_field_name("function")
        if function is None or function.type != "selector_expression":
            continue
        field = function.child_by_field_name("field")
        name = source.code(field) if field is not None else ""
        if name == "Jobs":
            yield from _typed_client(source, node, function, params)
        elif name in params.object_arguments:
            yield from _client_call(source, values, node, function, params.object_arguments[name])


def _typed_client(
    source: GoSource, call: Node, function: Node, params: Params
) -> Iterator[Violation]:
    """`….BatchV1().Jobs(ns)` and `….Batch().V1().Jobs()`: the path to the Job client."""
    chain: list[Node] = [function]
    operand = function.child_by_field_name("operand")
    while operand is not None and operand.type == "call_expression":
        inner = operand.child_by_field_name("function")
        if inner is None or inner.type != "selector_expression":
            break
        chain.append(inner)
        operand = inner.child_by_field_name("operand")
    names = [source.code(f) for s in chain if (f := s.child_by_field_name("field")) is not None]
    if names[1:2] == ["BatchV1"]:
        used = chain[:2]
    elif names[1:3] == ["V1", "Batch"]:
        used = [chain[0], chain[2]]
    else:
        return
    edits = []
    for selector in used:
        field = selector.child_by_field_name("field")
        assert field is not None
        new = params.typed_clients.get(source.code(field))
        if new is None:
            return
        span = source.span(field)
        edits.append(Edit(span.start, span.end, new))
    shown = source.text[edits[-1].start : source.span(call).end]
    verdict = "the Task's Pod has the same calls on the core Pod client"
    args = {"call": shown, "what": "is the client of batch Jobs"}
    try:
        edits.extend(_typed_result_edits(source, call))
    except NotRewritable as exc:
        args["verdict"] = f"{verdict} (not rewritten: {exc})"
        yield Violation(source.span(call), args, obj=source.scope_of(call))
        return
    fix = Fix(tuple(edits), FixSafety.UNSAFE, "Use the Pod client of the Task's Pod")
    yield Violation(source.span(call), {**args, "verdict": verdict}, fix, source.scope_of(call))


def _typed_result_edits(source: GoSource, jobs_call: Node) -> list[Edit]:
    """What else must change when `….Jobs(ns).Get(…)` returns a Pod: the status reads of
    the variable it is bound to. A function that returns it as a Job, a Job typed here
    passed in, or a use of its Job spec keeps the call on Jobs."""
    selector = jobs_call.parent
    call = selector.parent if selector is not None else None
    if call is None or call.type != "call_expression":
        return []
    function = api.enclosing_function(call)
    result = function.child_by_field_name("result") if function is not None else None
    values = job_values(source)
    if result is not None and any(values.type_kind(n) for n in walk(result)):
        raise NotRewritable("the function returns what it reads as a batch Job")
    arguments = call.child_by_field_name("arguments")
    for argument in arguments.named_children if arguments is not None else []:
        target = api.unwrap(argument)
        if target.type == "unary_expression":
            operand = target.child_by_field_name("operand")
            target = api.unwrap(operand) if operand is not None else target
        declared = values.declared(target) if target.type == "identifier" else None
        if declared is not None and declared.type_node is not None:
            raise NotRewritable(f"`{source.code(target)}` is typed a batch Job here")
        if target.type == "composite_literal" and values.kind_of(target) is not None:
            raise NotRewritable("the Job passed in is built here (JP604)")
    holder = call.parent
    statement = holder.parent if holder is not None else None
    if statement is None or statement.type not in ("short_var_declaration", "assignment_statement"):
        return []
    left = statement.child_by_field_name("left")
    names = left.named_children if left is not None else []
    if not names or names[0].type != "identifier" or source.code(names[0]) == "_":
        return []
    core, imports = core_alias(source)
    reads, reason = _pod_form(source, names[0], core)
    if reason is not None:
        raise NotRewritable(reason)
    return [*reads, *imports] if reads else []


def _client_call(
    source: GoSource, values: JobValues, call: Node, function: Node, index: int
) -> Iterator[Violation]:
    arguments = call.child_by_field_name("arguments")
    items = arguments.named_children if arguments is not None else []
    if len(items) <= index:
        return
    argument = items[index]
    kind = values.kind_of(argument)
    if kind not in _POD_TYPES:
        return
    shown = f"{source.code(function)}(…)"
    what = "a JobList" if kind == "JobList" else "a batch Job"
    fix, verdict = _object_fix(source, values, argument, kind)
    args = {"call": shown, "what": f"works on {what}", "verdict": f"works on {what}; {verdict}"}
    yield Violation(source.span(function), args, fix, source.scope_of(call))


def _object_fix(
    source: GoSource, values: JobValues, argument: Node, kind: str
) -> tuple[Fix | None, str]:
    """Make the object a Pod where its type is written down: an empty or metadata-only
    literal, a `var` or a parameter. A value built by a function follows that function."""
    target = api.unwrap(argument)
    if target.type == "unary_expression":
        operand = target.child_by_field_name("operand")
        target = api.unwrap(operand) if operand is not None else target
    try:
        core, imports = core_alias(source)
    except NotRewritable as exc:
        return None, f"the Pod call is the same on a `corev1.Pod` (not rewritten: {exc})"
    reads: list[Edit] = []
    if target.type == "composite_literal":
        if "Spec" in api.keyed_elements(source, target.child_by_field_name("body")):
            return None, "the Job is built here (JP604): the call follows it"
        type_node = target.child_by_field_name("type")
    elif target.type == "identifier":
        declared = values.declared(target)
        if declared is None or declared.type_node is None:
            return None, "the call works on a Pod once what builds the Job builds a Pod (JP604)"
        reads, reason = _pod_form(source, target, core)
        if reason is not None:
            return None, f"the call works on a `corev1.Pod` the same way (not rewritten: {reason})"
        type_node = declared.type_node
    else:
        return None, "the call works on a `corev1.Pod` the same way"
    assert type_node is not None
    span = source.span(type_node)
    new = f"{core}.{_POD_TYPES[kind]}"
    edits = (Edit(span.start, span.end, new), *reads, *imports)
    fix = Fix(edits, FixSafety.UNSAFE, f"Work on a {new}")
    return fix, f"the call works on a `{new}` the same way"


def _pod_form(source: GoSource, name: Node, core: str) -> tuple[list[Edit], str | None]:
    """The status-read rewrites (JP608) the variable needs once it is a Pod, or why it
    cannot simply be typed a Pod: its Job spec is used, or its status is read in a form
    that has no Pod rewrite. The variable converts as a whole, in one fix."""
    function = api.enclosing_function(name) or source.root
    names = {source.code(name), *_items_names(source, function, source.code(name))}
    edits = []
    for read in status_reads(source, core):
        holder = read.node.child_by_field_name("operand")
        operand = holder.child_by_field_name("operand") if holder is not None else None
        inside = function.start_byte <= read.node.start_byte < function.end_byte
        if not inside or operand is None or source.code(operand) not in names:
            continue
        edit = read.edit(source)
        if edit is None:
            return [], f"`{source.code(read.node)}` has no Pod equivalent"
        edits.append(edit)
    for node in walk(function):
        code = source.code(node) if node.type == "selector_expression" else ""
        if any(code.startswith(f"{n}.Spec.") for n in names):
            return [], f"`{code}` is a Job's spec"
    return edits, None


def _items_names(source: GoSource, function: Node, name: str) -> list[str]:
    """The names a `for _, item := range <name>.Items` loop gives a JobList's items."""
    found = []
    for node in walk(function):
        if node.type != "range_clause":
            continue
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or right is None or source.code(right) != f"{name}.Items":
            continue
        if len(left.named_children) == 2:
            found.append(source.code(left.named_children[1]))
    return found
