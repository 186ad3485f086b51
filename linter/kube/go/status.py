"""Reads of a Job's status in Go (`job.Status.Succeeded > 0`, `job.Status.Conditions`) and
the Pod phase that says the same, by DESIGN.md's mapping: Succeeded → PodSucceeded, Failed
→ PodFailed (a Pod evicted or preempted, or gone while Running, failed too), Active (the
Job's pending and running pods: Job API reference, JobStatus.active) → PodPending or
PodRunning.

The simple forms are rewritten: a count compared with 0 (or `>= 1`) becomes a phase
comparison. A count used as a number, a condition list and the other fields have no
rewrite that says the same: the reason is given instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from linter.findings import Edit
from linter.kube.go.objects import job_values
from linter.sources.go import GoSource

if TYPE_CHECKING:
    from tree_sitter import Node

_SUCCEEDED = "`Status.Phase == corev1.PodSucceeded`"
_FAILED = (
    "`Status.Phase == corev1.PodFailed` (a Pod evicted or preempted, or gone while Running, "
    "failed too)"
)
_ACTIVE = "`Status.Phase` PodPending or PodRunning"
PHASE_OF = {
    "Succeeded": _SUCCEEDED,
    "Failed": _FAILED,
    "Active": _ACTIVE,
    "Ready": _ACTIVE,
    "Terminating": _ACTIVE,
    "CompletionTime": "the terminated container's `State.Terminated.FinishedAt`",
    "Conditions": "`Status.Phase` (PodSucceeded for Complete, PodFailed for Failed)",
}
# Field → (phases it stands for, whether a positive count means "in one of them").
_PHASES = {
    "Succeeded": ("PodSucceeded",),
    "Failed": ("PodFailed",),
    "Active": ("PodPending", "PodRunning"),
}
# `count OP literal` that means "count > 0" (True) or "count == 0" (False).
_POSITIVE = {(">", 0), ("!=", 0), (">=", 1)}
_ZERO = {("==", 0), ("<", 1), ("<=", 0)}
_MIRRORED = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "==", "!=": "!="}


@dataclass(frozen=True)
class StatusRead:
    node: Node  # `job.Status.Succeeded`
    field: str
    # The expression to rewrite (the comparison) and its Pod form, or why there is none.
    target: Node | None
    rewrite: str | None
    reason: str | None

    def edit(self, source: GoSource) -> Edit | None:
        if self.target is None or self.rewrite is None:
            return None
        span = source.span(self.target)
        return Edit(span.start, span.end, self.rewrite)


def status_reads(source: GoSource, core: str) -> list[StatusRead]:
    """Every read of a Job's status in the file; `core` names k8s.io/api/core/v1 in the
    rewrites."""
    return source.analysis(f"go-status-reads:{core}", lambda: _status_reads(source, core))


def _status_reads(source: GoSource, core: str) -> list[StatusRead]:
    values = job_values(source)
    found = []
    for node in source.nodes("selector_expression"):
        field, operand = node.child_by_field_name("field"), node.child_by_field_name("operand")
        if field is None or operand is None or operand.type != "selector_expression":
            continue
        status, holder = (
            operand.child_by_field_name("field"),
            operand.child_by_field_name("operand"),
        )
        if status is None or source.code(status) != "Status" or not values.holds_job(holder):
            continue
        name = source.code(field)
        if name not in PHASE_OF or _written(node):
            continue
        assert holder is not None
        found.append(_read(source, node, name, source.code(holder), core))
    return found


def _written(node: Node) -> bool:
    parent = node.parent
    statement = parent.parent if parent is not None else None
    return (
        parent is not None
        and statement is not None
        and statement.type in ("assignment_statement", "inc_statement", "dec_statement")
        and parent == statement.child_by_field_name("left")
    )


def _read(source: GoSource, node: Node, field: str, holder: str, core: str) -> StatusRead:
    if field == "Conditions":
        return StatusRead(node, field, None, None, "a Pod has no Complete or Failed condition")
    if field not in _PHASES:
        return StatusRead(node, field, None, None, f"a Pod has no `{field}` status")
    comparison = node.parent
    if comparison is None or comparison.type != "binary_expression":
        return StatusRead(node, field, None, None, "the count is used as a number")
    left, right = comparison.child_by_field_name("left"), comparison.child_by_field_name("right")
    operator = comparison.child_by_field_name("operator")
    if left is None or right is None or operator is None:
        return StatusRead(node, field, None, None, "the count is used as a number")
    op = source.code(operator)
    other = right if left == node else left
    if left != node:
        op = _MIRRORED.get(op, op)
    if other.type != "int_literal" or (op, _int(source.code(other))) not in _POSITIVE | _ZERO:
        return StatusRead(node, field, None, None, "the count is compared with another number")
    positive = (op, _int(source.code(other))) in _POSITIVE
    phases = [
        f"{holder}.Status.Phase {'==' if positive else '!='} {core}.{p}" for p in _PHASES[field]
    ]
    text = (" || " if positive else " && ").join(phases)
    outer = comparison.parent
    if (
        len(phases) > 1
        and outer is not None
        and outer.type
        in (
            "binary_expression",
            "unary_expression",
        )
    ):
        text = f"({text})"
    return StatusRead(node, field, comparison, text, None)


def _int(text: str) -> int | None:
    try:
        return int(text, 0)
    except ValueError:
        return None
